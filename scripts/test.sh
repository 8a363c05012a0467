#!/usr/bin/env bash
# `npm test`: every test of every package against real MariaDB and Redis, then the ledger
# audit over every database the suite used.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-installed.sh
export DATABASE_URL=${TEST_DATABASE_SERVER_URL:-mysql://root@127.0.0.1:3306}/liuliang_test_probe
bash scripts/ensure-services.sh
bash scripts/ensure-chromium.sh
echo "==> building (shared, server, bot, mini-program H5)"
bash scripts/build.sh
# The `npm start` smoke test (miniprogram/e2e/npm-start.test.ts) serves this very build.
export LIULIANG_PREBUILT=1
echo "==> building the mini-program for weapp (it must keep building)"
npm run build:weapp --silent -w miniprogram
export LL_KEEP_TEST_DATABASES=1
node server/dist/cli/audit.js --drop-test-databases >/dev/null
status=0
mkdir -p .run
npx jest --json --outputFile=.run/jest-results.json "$@" || status=$?
echo "==> npm run audit over every test database"
node server/dist/cli/audit.js --test-databases || status=$?
node server/dist/cli/audit.js --drop-test-databases >/dev/null
# One plain closing line for CI: counts from jest's own results.
node -e 'const r = require("./.run/jest-results.json"); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' 2>/dev/null || true
exit $status
