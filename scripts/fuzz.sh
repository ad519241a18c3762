#!/usr/bin/env bash
# Runs one libFuzzer harness of tests/fuzz (docs/fuzzing.md) in the clang fuzz build.
#   scripts/fuzz.sh HARNESS [SECONDS] [CORPUS_DIR]
#     HARNESS     requestinfo, eventstreamparser, publishrequest, benchparsers, websocketcodec
#                 or server
#     SECONDS     how long to fuzz (default 600)
#     CORPUS_DIR  the working corpus (default build-fuzz/corpus/HARNESS, kept between runs and
#                 started from the seeds in tests/fuzz/corpus/HARNESS)
# Exits non-zero when the harness reports a crash, a leak, a sanitizer error, a timeout or an
# out-of-memory; the input that did it is written to build-fuzz/artifacts/. Ends with one line:
#   fuzz_HARNESS: <s> s, <n> runs, <e> exec/s, cov <c>, ft <f>, corpus <u> units
# PUSHLAB_FUZZ_BUILT=1 skips the configure and build step (scripts/test.sh builds them all first).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

name=${1:?usage: scripts/fuzz.sh HARNESS [SECONDS] [CORPUS_DIR]}
seconds=${2:-600}
build=$root/build-fuzz
corpus=${3:-$build/corpus/$name}
seeds=$root/tests/fuzz/corpus/$name
[ -d "$seeds" ] || { echo "fuzz: no harness '$name' (no $seeds)" >&2; exit 2; }

if [ "${PUSHLAB_FUZZ_BUILT:-0}" != 1 ]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER=clang++ -DPUSHLAB_FUZZ=ON >/dev/null
    cmake --build "$build" -j2 --target "fuzz_$name"
fi

mkdir -p "$corpus" "$build/artifacts"
cp -n "$seeds"/* "$corpus"/
log=$build/artifacts/fuzz_$name.log
status=0
# halt_on_error: a UBSan report is a failure like a crash (the build also says so).
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
ASAN_OPTIONS=detect_leaks=1 \
    "$build/tests/fuzz/fuzz_$name" "$corpus" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/fuzz_$name-" \
    >"$log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
last=$(grep -E '^#[0-9]+.* cov: ' "$log" | tail -1 || true)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
units=$(find "$corpus" -type f | wc -l)
echo "fuzz_$name: $seconds s, ${runs:-?} runs, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus $units units"
if [ "$status" -ne 0 ]; then
    echo "fuzz_$name: FAILED (exit $status); the report, from $log:" >&2
    grep -E -A30 '^==[0-9]+==ERROR|SUMMARY|invariant broken|differ:|deadly signal|runtime error' "$log" \
        | head -60 >&2 || tail -40 "$log" >&2
    grep -E '^artifact_prefix|Test unit written' "$log" >&2 || true
fi
exit "$status"
