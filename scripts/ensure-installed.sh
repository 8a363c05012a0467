#!/usr/bin/env bash
# Installs the workspace's dependencies when they are missing or older than the lock file,
# so both quick-start commands work on a fresh clone with nothing installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Liuliang needs Node.js 20 or newer with npm: install it from https://nodejs.org and run this again." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Liuliang needs Node.js 20 or newer; this is $(node --version)." >&2
  exit 1
fi

stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "==> installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
