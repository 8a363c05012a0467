#!/usr/bin/env bash
# `npm run chaos`: build, then inject faults (process kills, MariaDB and Redis kills, a Redis
# wipe, SIGTERM) into a stack of its own under load and print what was lost or duplicated
# (server/src/chaos/main.ts). It starts private MariaDB and Redis servers on free loopback
# ports and never touches the shared ones. Faults can be picked: `npm run chaos -- b d`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-installed.sh
for bin in mariadbd mariadb-install-db redis-server; do
  command -v "$bin" >/dev/null 2>&1 || { echo "npm run chaos needs $bin (apt-get install mariadb-server redis-server)" >&2; exit 1; }
done
echo "==> building"
npm run build --silent -w shared
npm run build --silent -w server
exec node server/dist-tools/chaos/main.js "$@"
