#!/usr/bin/env bash
# The browser tests drive Debian's chromium (never a downloaded one). On a machine without it,
# install it (with CJK fonts, so screenshots show the Chinese text) when apt can; otherwise the
# e2e tests fail at once saying what to install.
set -euo pipefail
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$CHROMIUM_PATH" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "==> installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; }
else
  echo "==> no chromium at $CHROMIUM_PATH: the browser tests will say how to install it" >&2
fi
exit 0
