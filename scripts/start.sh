#!/usr/bin/env bash
# `npm start`: the whole product on this machine — installs what is missing, finds or starts
# MariaDB and Redis, builds, migrates, and runs the carrier simulator, the service (with the
# mini-program's H5 build at /) and the chat bot with its local console.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-installed.sh
export PORT=${PORT:-3000}
export DATABASE_URL=${DATABASE_URL:-mysql://root@127.0.0.1:3306/liuliang}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export NODE_ENV=${NODE_ENV:-development}
bash scripts/ensure-services.sh

echo "==> building shared, server, bot and the mini-program (H5)"
npm run build --silent

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all EXIT INT TERM

mkdir -p .run
if [ -z "${CARRIER_URL:-}" ]; then
  # No real carrier configured: the simulator plays the carrier and the SMS provider.
  export CARRIER_SIM_PORT=${CARRIER_SIM_PORT:-4010}
  export CARRIER_URL=http://127.0.0.1:$CARRIER_SIM_PORT
  export MESSAGE_PROVIDER_URL=${MESSAGE_PROVIDER_URL:-$CARRIER_URL}
  # The simulator plays two parties with two secrets; the service must hold the same pair.
  export CARRIER_SECRET=${CARRIER_SECRET:-dev-carrier-secret}
  export MESSAGE_PROVIDER_SECRET=${MESSAGE_PROVIDER_SECRET:-dev-message-provider-secret}
  node server/dist/carrier-sim/main.js >.run/carrier-sim.log 2>&1 &
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
  echo "==> the chat bot (mock puppet): type in the console below; Ctrl-C stops everything"
  node bot/dist/main.js
else
  echo "(the bot is not built; Ctrl-C stops the service)"
  wait
fi
