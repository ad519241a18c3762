#!/usr/bin/env bash
# Installs the Debian 12 packages PushLab needs, only those that are missing.
#   scripts/setup.sh          what building and running needs
#   scripts/setup.sh test     plus what the tests need (Xvfb, Chromium, Node.js for the browser test,
#                             clang and libFuzzer for the fuzz harnesses, redis-server for the
#                             shared-history tests, which start their own)
set -euo pipefail

packages=(cmake ninja-build g++ ccache pkgconf qt6-base-dev qt6-httpserver-dev qt6-websockets-dev liburing-dev libhiredis-dev)
if [ "${1:-}" = test ]; then
    packages+=(xvfb xauth chromium imagemagick python3 clang libfuzzer-14-dev redis-server)
    command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "setup: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
