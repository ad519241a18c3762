#!/usr/bin/env bash
# The hostile-client soak (bench/soak.py) against a Release `pushlab-cli serve` on loopback:
# 5,000 slowloris heads, 1,000 SSE readers that never read under 60 KiB messages at 20/s,
# 20,000 connections reset in waves mid-write, and the connection cap. Bounded (each phase by
# count and time, the whole soak by --time-limit, 600 s); the server it starts is stopped on
# exit. Prints its figures and writes them to bench/results/runs/soak-<UTC date>.md.
#
# Usage: bench/soak.sh [soak.py options, e.g. --phases slowloris,cap]
# Environment: PUSHLAB_BENCH_BUILD (build directory, default <repo>/build-bench, Release),
#   PUSHLAB_SERVE_CLI (serve with another build's pushlab-cli, e.g. an ASan one).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${PUSHLAB_BENCH_BUILD:-$REPO/build-bench}
RESULTS=$REPO/bench/results/runs # git-ignored

if [[ -z ${PUSHLAB_SERVE_CLI:-} ]]; then
    echo "== building pushlab-cli (Release) in $BUILD_DIR" >&2
    cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" --target pushlab-cli -j2 >/dev/null
fi
CLI=${PUSHLAB_SERVE_CLI:-$BUILD_DIR/app/pushlab-cli}

ulimit -n "$(ulimit -Hn)" # the server raises its own soft limit too; this is for the clients
mkdir -p "$RESULTS"
report=$RESULTS/soak-$(date -u +%Y-%m-%d-%H%M).md
{
    echo "# Hostile-client soak, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "PushLab $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)," \
        "$(basename "$CLI") from $(dirname "$(dirname "$CLI")"); $(nproc) cores;" \
        "open-file limit $(ulimit -Hn). Command: bench/soak.sh $*"
    echo
} >"$report.head"
status=0
python3 "$REPO/bench/soak.py" --cli "$CLI" --report "$report.body" "$@" || status=$?
if [[ -f $report.body ]]; then
    cat "$report.head" "$report.body" >"$report"
    echo "soak: figures in $report" >&2
fi
rm -f "$report.head" "$report.body"
exit "$status"
