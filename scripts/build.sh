#!/usr/bin/env bash
# The one build that `npm start` serves and `npm test` tests: shared, server, bot and the
# mini-program's H5, always in production mode. Taro takes its mode from NODE_ENV, and a
# development build of the H5 needs webpack's dev server (it dies in the browser with
# `$RefreshReg$ is not defined` when served as static files), so the caller's NODE_ENV — which
# may well be `development` for the service — must not reach it.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_ENV=production npm run build --silent
