#!/usr/bin/env bash
# Builds PushLab and runs every test: the whole suite in a normal build, then again in a
# build with AddressSanitizer and UndefinedBehaviorSanitizer. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/setup.sh test
# playwright-core drives Debian's Chromium in the browser test (no browser download).
if [ ! -d tests/web/node_modules ] && [ -f tests/web/package-lock.json ]; then
    (cd tests/web && npm ci --no-audit --no-fund --loglevel=error)
fi

jobs=${PUSHLAB_TEST_JOBS:-2}

echo "== build (RelWithDebInfo, -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPUSHLAB_WERROR=ON >/dev/null
cmake --build build
echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPUSHLAB_SANITIZE=ON -DPUSHLAB_WERROR=ON >/dev/null
cmake --build build-asan
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
LSAN_OPTIONS=suppressions="$root/tests/lsan.supp":print_suppressions=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"
