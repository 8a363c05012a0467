#!/usr/bin/env bash
# `npm run bench`: install if needed, find or start MariaDB and Redis, build, then run the
# bench (server/src/bench/main.ts). Flags pass through: `npm run bench -- --quick`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-installed.sh
bash scripts/ensure-services.sh
echo "==> building"
npm run build --silent -w shared
npm run build --silent -w server
# 2 000 live clients hold 2 000 sockets in this one process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec node server/dist-tools/bench/main.js "$@"
