#!/usr/bin/env bash
# Builds PushLab and runs every test: the whole suite in a normal build, then again in a
# build with AddressSanitizer and UndefinedBehaviorSanitizer, then each libFuzzer harness for a
# bounded time (PUSHLAB_FUZZ_SECONDS each, default 20). Installs what it needs first.
#   scripts/test.sh        everything
#   scripts/test.sh fuzz   only the fuzz phase (no other build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The harnesses in tests/fuzz, in a clang build of their own; fails on any crash, leak,
# sanitizer report, timeout or out-of-memory (scripts/fuzz.sh prints the report).
fuzz_phase() {
    local seconds=${PUSHLAB_FUZZ_SECONDS:-20} harnesses=(requestinfo eventstreamparser publishrequest benchparsers websocketcodec server)
    local failed=() name corpus
    echo "== fuzz (libFuzzer, $seconds s per harness)"
    cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
        -DPUSHLAB_FUZZ=ON >/dev/null
    cmake --build build-fuzz -j2 --target "${harnesses[@]/#/fuzz_}"
    for name in "${harnesses[@]}"; do
        corpus=$(mktemp -d)
        PUSHLAB_FUZZ_BUILT=1 scripts/fuzz.sh "$name" "$seconds" "$corpus" || failed+=("$name")
        rm -rf "$corpus"
    done
    if [ ${#failed[@]} -ne 0 ]; then
        echo "fuzz: FAILED: ${failed[*]} (inputs in build-fuzz/artifacts/)" >&2
        return 1
    fi
}

scripts/setup.sh test
if [ "${1:-}" = fuzz ]; then
    fuzz_phase
    exit
fi
# playwright-core drives Debian's Chromium in the browser test (no browser download); ws is
# the third-party WebSocket client. Installed again whenever the lock file changed since.
if [ -f tests/web/package-lock.json ] &&
    { [ ! -f tests/web/node_modules/.package-lock.json ] ||
        [ tests/web/package-lock.json -nt tests/web/node_modules/.package-lock.json ]; }; then
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

fuzz_phase
