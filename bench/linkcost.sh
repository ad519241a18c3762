#!/usr/bin/env bash
# The network lab relay's own cost (issue 13's target: under 0.2 ms added p50 with the
# Loopback preset, at the window's 100 msg/s): bench/linkcost.py's raw-socket SSE reader,
# straight to a Release `pushlab-cli serve --ticker 0.01` and through `pushlab-cli relay`, in
# alternating passes. Writes the table to bench/results/runs/linkcost-<UTC date>.md.
# Usage: bench/linkcost.sh [--passes N] [--seconds S] [--presets loopback,lan]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${PUSHLAB_BENCH_BUILD:-$REPO/build-bench}
echo "== building pushlab-cli (Release) in $BUILD_DIR" >&2
cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" --target pushlab-cli -j2 >/dev/null
mkdir -p "$REPO/bench/results/runs"
report=$REPO/bench/results/runs/linkcost-$(date -u +%Y-%m-%d-%H%M).md
{
    echo "# Network lab relay cost, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "PushLab $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown); $(nproc) cores." \
        "Command: bench/linkcost.sh $*"
    echo
    timeout 900 python3 "$REPO/bench/linkcost.py" --cli "$BUILD_DIR/app/pushlab-cli" "$@"
} | tee "$report"
echo "linkcost: $report" >&2
