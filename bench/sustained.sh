#!/usr/bin/env bash
# Sustained publish rates (issue 15): $CLIENTS SSE streams and $CLIENTS long polls receiving
# $RATES messages per second published over HTTP, each row for $ROW_SECONDS seconds, PushLab
# (`pushlab-cli serve`, Release) beside Nchan (nginx, 2 workers) in the same run, the two
# servers alternating row by row (the order swapping every row). With HOG=1 every row runs
# again with a bounded CPU hog pinned to one core (`stress --cpu 1`, under taskset); HOG=only
# runs the hog rows alone. Latency is taken from each message's scheduled time (publish start +
# sequence / rate) as well as from its send, so a publisher held back by slow answers shows.
# Writes bench/results/runs/sustained-<UTC date-time>.md (a table, the median pass per row),
# .csv (every pass) and -raw/ (each bench run's JSON and stderr). runs/ is ignored by git.
# Bounded: every bench run has --duration-limit, every hog --timeout, and the EXIT trap stops
# every process started here.
#
# Usage: bench/sustained.sh      (as root it installs what is missing from Debian first)
# Environment: CLIENTS (1000), RATES ("100 300 1000 3000"), PATTERNS ("sse long"),
#   ROW_SECONDS (4: the publish schedule of a row), SERVERS ("pushlab nchan"), REPEAT (1),
#   HOG (0; 1: also every row under the hog; only: the hog rows alone), HOG_CORE (1),
#   PUBLISH_CONNECTIONS (8), DRAIN (5 s for stragglers), PUSHLAB_BENCH_BUILD, RESULTS.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$REPO/bench/lib.sh"

CLIENTS=${CLIENTS:-1000}
RATES=${RATES:-"100 300 1000 3000"}
PATTERNS=${PATTERNS:-"sse long"}
ROW_SECONDS=${ROW_SECONDS:-4}
SERVERS=${SERVERS:-"pushlab nchan"}
REPEAT=${REPEAT:-1}
HOG=${HOG:-0}
HOG_CORE=${HOG_CORE:-1}
PUBLISH_CONNECTIONS=${PUBLISH_CONNECTIONS:-8}
DRAIN=${DRAIN:-5}
RESULTS=${RESULTS:-$REPO/bench/results/runs} # git-ignored
LIMIT=$((2 * ROW_SECONDS + DRAIN + 10)) # seconds, per bench run: connect, settle, a late schedule, drain

case $HOG in
0) HOGS="no" ;;
1) HOGS="no yes" ;;
only) HOGS="yes" ;;
*) die "HOG must be 0, 1 or only" ;;
esac
for server in $SERVERS; do
    [[ $server == pushlab || $server == nchan ]] || die "unknown server '$server' (pushlab, nchan)"
done
for pattern in $PATTERNS; do
    [[ $pattern == sse || $pattern == long ]] || die "unknown pattern '$pattern' (sse, long)"
done
[[ $HOG == 0 ]] || ((HOG_CORE < $(nproc))) || die "HOG_CORE $HOG_CORE: this machine has $(nproc) cores"

need=(nginx libnginx-mod-nchan python3 cmake ninja-build liburing-dev pkgconf)
[[ $HOG == 0 ]] || need+=(stress util-linux) # util-linux: taskset
need_debian "${need[@]}"

make_work pushlab-sustained
raise_file_limit "$CLIENTS"
build_cli

# Both servers stay up for a pass (idle, each costs nothing measurable) and take the rows in
# turn, so the two see the same minute of this shared machine.
declare -A URL PIDS
start_servers() {
    local server
    for server in $SERVERS; do
        case $server in
        pushlab)
            : >"$WORK/pushlab.log"
            "$CLI" serve --port 0 >"$WORK/pushlab.log" 2>&1 &
            SERVER_PID=$!
            STARTED+=("$SERVER_PID")
            SERVER_URL=$(wait_url "$WORK/pushlab.log") || die "PushLab did not start: $(cat "$WORK/pushlab.log")"
            SERVER_PIDS=$SERVER_PID
            ;;
        nchan) start_nchan 2 ;;
        esac
        URL[$server]=$SERVER_URL
        PIDS[$server]=$SERVER_PIDS
    done
}
stop_servers() {
    local server
    for server in $SERVERS; do
        SERVER_PID=${PIDS[$server]%%,*}
        stop_server
    done
}

# Waits (at most 10 s) until a server spends under 5 % of a core: a row that left a backlog
# must not bill its CPU to the next.
quiet() {
    local pids=$1 a b
    for _ in $(seq 20); do
        a=$(cpu_seconds "$pids")
        sleep 0.5
        b=$(cpu_seconds "$pids")
        if awk -v a="$a" -v b="$b" 'BEGIN { exit !(b - a < 0.025) }'; then
            return 0
        fi
    done
    log "server $pids still busy after 10 s ($a -> $b s CPU in 0.5 s); going on"
}

HOG_PID=""
start_hog() {
    # Bounded twice: stress stops itself after --timeout, and stop_hog stops it after the row.
    taskset -c "$HOG_CORE" stress --cpu 1 --timeout "$((LIMIT + 5))" >/dev/null 2>&1 &
    HOG_PID=$!
    STARTED+=("$HOG_PID")
    sleep 0.5 # its worker is running
}
stop_hog() {
    [[ -n $HOG_PID ]] || return 0
    pkill -TERM -P "$HOG_PID" 2>/dev/null || true
    kill "$HOG_PID" 2>/dev/null || true
    wait "$HOG_PID" 2>/dev/null || true
    HOG_PID=""
}

# row SERVER PATTERN RATE HOG
row() {
    local server=$1 pattern=$2 rate=$3 hog=$4 messages channel name target=()
    messages=$(awk -v r="$rate" -v s="$ROW_SECONDS" 'BEGIN { printf "%d", r * s }')
    name=$server-$pattern-$rate-hog$hog-$PASS
    case $server in
    pushlab) target=(--server "${URL[$server]}") ;;
    nchan)
        # A fresh channel per row: Nchan starts every subscriber at the channel's oldest message.
        channel=$pattern-$rate-$RANDOM$RANDOM
        target=(--subscribe-url "${URL[$server]}/sub?id=$channel" --publish-url "${URL[$server]}/pub?id=$channel")
        ;;
    esac
    quiet "${PIDS[$server]}"
    [[ $hog == yes ]] && start_hog
    log "pass $PASS/$REPEAT, $server: $pattern, $CLIENTS clients, $rate msg/s for $ROW_SECONDS s, hog $hog"
    "$CLI" bench --pattern "$pattern" --clients "$CLIENTS" --messages "$messages" --rate "$rate" \
        --publish-connections "$PUBLISH_CONNECTIONS" --settle 1 --drain "$DRAIN" \
        --server-pid "${PIDS[$server]}" --duration-limit "$LIMIT" --json "${target[@]}" \
        >"$RAW/$name.json" 2>"$RAW/$name.err" || true
    [[ $hog == yes ]] && stop_hog
    [[ -s $RAW/$name.json ]] || echo '{}' >"$RAW/$name.json"
}

STAMP=sustained-$(date -u +%Y-%m-%d-%H%M)
RAW=$RESULTS/$STAMP-raw # written as the rows run: an interrupted run keeps what it measured
rm -rf "$RAW"
mkdir -p "$RAW"
read -r -a order <<<"$SERVERS"
START=$(date +%s)
for ((PASS = 1; PASS <= REPEAT; PASS++)); do
    start_servers
    for hog in $HOGS; do
        for pattern in $PATTERNS; do
            for rate in $RATES; do
                for server in "${order[@]}"; do
                    row "$server" "$pattern" "$rate" "$hog"
                done
                order=("${order[@]:1}" "${order[0]}") # no server always goes first
            done
        done
    done
    stop_servers
done

log "writing $RESULTS/$STAMP.md and .csv"
python3 "$REPO/bench/sustained.py" "$RAW" --csv "$RESULTS/$STAMP.csv" \
    --markdown "$RESULTS/$STAMP.md" --seconds "$(($(date +%s) - START))" \
    --command "bench/sustained.sh (CLIENTS=$CLIENTS RATES=\"$RATES\" PATTERNS=\"$PATTERNS\" ROW_SECONDS=$ROW_SECONDS REPEAT=$REPEAT HOG=$HOG HOG_CORE=$HOG_CORE PUBLISH_CONNECTIONS=$PUBLISH_CONNECTIONS)" \
    --pushlab-version "$PUSHLAB_VERSION"
cat "$RESULTS/$STAMP.md"
