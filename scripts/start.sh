#!/usr/bin/env bash
# `npm start`: the whole product on this machine — installs what is missing, finds or starts
# MariaDB and Redis, builds, migrates, and runs the carrier simulator, the service (with the
# mini-program's H5 build at /) and the chat bot with its local console.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-installed.sh
source scripts/dotenv.sh
export PORT=${PORT:-3000}
export DATABASE_URL=${DATABASE_URL:-mysql://root@127.0.0.1:3306/liuliang}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
# The service runs in development mode (the dev outbox holds the sign-in codes); what it serves
# is still the production build of the H5 (scripts/build.sh says why).
export NODE_ENV=${NODE_ENV:-development}
if [ "$NODE_ENV" != production ]; then export DEV_OUTBOX=${DEV_OUTBOX:-1}; fi
bash scripts/ensure-services.sh

# `npm test` builds with scripts/build.sh before its smoke test starts this script; building
# the same thing again would only cost minutes.
if [ "${LIULIANG_PREBUILT:-}" != 1 ]; then
  echo "==> building shared, server, bot and the mini-program (H5)"
  bash scripts/build.sh
fi

pids=()
stop_all() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
# A signal must end the script too: bash runs a trap only after the foreground command returns,
# so the bot below runs in the background and the script waits for it.
trap stop_all EXIT
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

mkdir -p .run
if [ -z "${CARRIER_URL:-}" ]; then
  # No real carrier configured: the simulator plays the carrier and the SMS provider.
  export CARRIER_SIM_PORT=${CARRIER_SIM_PORT:-4010}
  export CARRIER_URL=http://127.0.0.1:$CARRIER_SIM_PORT
  export MESSAGE_PROVIDER_URL=${MESSAGE_PROVIDER_URL:-$CARRIER_URL}
  # The simulator plays two parties with two secrets; the service must hold the same pair.
  export CARRIER_SECRET=${CARRIER_SECRET:-dev-carrier-secret}
  export MESSAGE_PROVIDER_SECRET=${MESSAGE_PROVIDER_SECRET:-dev-message-provider-secret}
  # The simulated SMS provider posts replies (TD, 退订) and delivery receipts back to the service.
  CARRIER_SIM_WEBHOOK_URL=${CARRIER_SIM_WEBHOOK_URL:-http://127.0.0.1:$PORT} node server/dist-tools/carrier-sim/main.js >.run/carrier-sim.log 2>&1 &
  pids+=($!)
fi

export H5_DIR=${H5_DIR:-$PWD/miniprogram/dist/h5}
node server/dist/main.js >.run/server.log 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "${pids[-1]}" 2>/dev/null; then
    echo "The service stopped while starting; its log (.run/server.log) ends with:" >&2
    tail -n 20 .run/server.log >&2
    exit 1
  fi
  sleep 1
done

# Development only: a demo sponsor with a running check-in activity (idempotent; never in production).
if [ "$NODE_ENV" = development ]; then
  node server/dist/cli/dev-seed.js || echo "(the demo sponsor could not be seeded; see above)" >&2
fi

cat <<MSG

  Liuliang is running.
    App (mini-program, H5):  http://localhost:$PORT/
    API:                     http://localhost:$PORT/api/v1   (OpenAPI: /api/v1/openapi.json)
    Sign-in codes (dev):     http://localhost:$PORT/api/v1/dev/outbox?to=<phone>
    Logs:                    .run/server.log, .run/carrier-sim.log
  Sign in with any mainland number (e.g. 13800138000); the code is in the dev outbox.

MSG

if [ -f bot/dist/main.js ]; then
  export SERVICE_URL=http://127.0.0.1:$PORT
  export BOT_TOKEN=${BOT_TOKEN:-dev-bot-token}
  if [ -t 0 ]; then
    echo "==> the chat bot (mock puppet): type in the console below; Ctrl-C stops everything"
  else
    echo "==> the chat bot (mock puppet), without its console: stdin is not a terminal"
  fi
  # The explicit `<&0` keeps the terminal as the bot's stdin: bash would give a background
  # command /dev/null.
  node bot/dist/main.js <&0 &
  pids+=($!)
  wait "${pids[-1]}"
else
  echo "(the bot is not built; Ctrl-C stops the service)"
  wait
fi
