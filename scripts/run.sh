#!/usr/bin/env bash
# Builds PushLab and runs it: the window with its embedded server on http://127.0.0.1:8050/,
# or, with no display, the server alone. Arguments go to `pushlab` (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
exec build/app/pushlab "$@"
