#!/usr/bin/env bash
# Side-by-side benchmark: PushLab, Nchan (nginx module) and a Go standard-library server run the
# same loads on this machine, measured by `pushlab-cli bench`:
#   SSE with $CLIENTS streams, WebSocket with $CLIENTS sockets (PushLab and Nchan; the Go peer
#   has none), long poll with $CLIENTS clients, short poll with $SHORT_CLIENTS keep-alive
#   connections (requests/s), and idle CPU. The short poll is measured a second time by wrk
#   (Debian's HTTP benchmark, no code shared with PushLab), and both generators also measure the
#   ceiling: nginx answering a fixed body with `return 200` (SERVERS entry "ceiling"), the most
#   requests/s this machine gives either generator.
# Writes bench/results/runs/<UTC date>.md (markdown table), .png (chart), .csv (every pass's
# figures, the compact form bench/pool.py reads) and -raw/ (each bench run's JSON). runs/ is
# ignored by git: a run that a document cites gets its .md and .csv copied to bench/results/.
# Every server runs on a loopback port with its own config under a temporary directory, and
# the EXIT trap stops every process this script started. Bounded: each bench run has --duration-limit, the whole run
# aims at a few minutes.
#
# Usage: bench/run.sh            (as root it installs what is missing from Debian first)
# Environment: CLIENTS (10000), MESSAGES (10), RATE (2 per second), SHORT_CLIENTS (50),
#   SHORT_SECONDS (5), IDLE_SECONDS (5), HELD_IDLE_SECONDS (3), SERVERS ("pushlab nchan go ceiling"), REPEAT (5 passes, the
#   server order rotating each pass; the table shows the median pass, losses summed over all),
#   PUSHLAB_BENCH_BUILD (build directory, default <repo>/build-bench, configured Release),
#   RESULTS (output directory, default bench/results/runs), PUSHLAB_PERF=1 (perf record PushLab's SSE run),
#   PUSHLAB_FANOUT_THREADS (PushLab's --fanout-threads; default its own),
#   PUSHLAB_THREADS (PushLab's --threads, its event loops; default its own, 1; when set, the
#   results are named <date>-threads<N>), PUSHLAB_IO_URING=0 (PushLab sends with send(2) only,
#   not io_uring batches; results named <date>-send), PUSHLAB_SERVE_CLI (a pushlab-cli of
#   another build to serve with, while this build's generator measures: A/B of the server alone).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLIENTS=${CLIENTS:-10000}
MESSAGES=${MESSAGES:-10}
RATE=${RATE:-2}
SHORT_CLIENTS=${SHORT_CLIENTS:-50}
SHORT_SECONDS=${SHORT_SECONDS:-5}
IDLE_SECONDS=${IDLE_SECONDS:-5}
HELD_IDLE_SECONDS=${HELD_IDLE_SECONDS:-3} # SSE and long poll: all clients held, nothing published
SERVERS=${SERVERS:-"pushlab nchan go ceiling"}
REPEAT=${REPEAT:-5}
BUILD_DIR=${PUSHLAB_BENCH_BUILD:-$REPO/build-bench}
RESULTS=${RESULTS:-$REPO/bench/results/runs} # git-ignored
LIMIT=120 # seconds, per bench run

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }

# --- what it needs ------------------------------------------------------------------------
need=()
command -v nginx >/dev/null || need+=(nginx)
[[ -e /usr/lib/nginx/modules/ngx_nchan_module.so ]] || need+=(libnginx-mod-nchan)
command -v go >/dev/null || need+=(golang-go)
command -v gnuplot >/dev/null || need+=(gnuplot-nox)
command -v wrk >/dev/null || need+=(wrk)
command -v python3 >/dev/null || need+=(python3)
command -v cmake >/dev/null || need+=(cmake ninja-build)
[[ -e /usr/include/liburing.h ]] || need+=(liburing-dev) # PushLab's batched sends
command -v pkg-config >/dev/null || need+=(pkgconf)
if ((${#need[@]})); then
    [[ $(id -u) == 0 ]] || die "missing ${need[*]}: run as root or apt-get install them"
    log "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

WORK=$(mktemp -d /tmp/pushlab-bench.XXXXXX)
STARTED=()
cleanup() {
    local pid
    for pid in "${STARTED[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${STARTED[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Hold 10,000 sockets: every process started from here inherits the raised limit.
ulimit -n "$(ulimit -Hn)"
(($(ulimit -n) >= CLIENTS + 100)) || die "open-file limit $(ulimit -n) is too low for $CLIENTS clients"

# --- build --------------------------------------------------------------------------------
log "building pushlab-cli (Release) in $BUILD_DIR"
if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
    cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
else
    cmake -S "$REPO" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null # never measure a Debug build
fi
cmake --build "$BUILD_DIR" --target pushlab-cli -j2 >/dev/null
CLI=$BUILD_DIR/app/pushlab-cli
PUSHLAB_VERSION=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)

log "building the Go peer"
(cd "$REPO/bench/peers/go" && GOCACHE=$WORK/gocache GOPATH=$WORK/gopath GOFLAGS=-mod=mod GOPROXY=off \
    go build -o "$WORK/goserver" .)

# --- servers ------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits (bounded) for the first line of a log to name the URL a server listens on.
wait_url() {
    local file=$1 url=""
    for _ in $(seq 100); do
        url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$file" 2>/dev/null | head -1 || true)
        [[ -n $url ]] && { echo "$url"; return 0; }
        sleep 0.1
    done
    return 1
}

SERVER_PID=""   # the process we started
SERVER_PIDS=""  # every process to sample (nginx: master and workers)
SERVER_URL=""

start_pushlab() {
    # Emptied here, not only by the redirection below: that happens in the child, possibly
    # after wait_url has read the previous pass's address from the old file.
    : >"$WORK/pushlab.log"
    "${PUSHLAB_SERVE_CLI:-$CLI}" serve --port 0 ${PUSHLAB_THREADS:+--threads "$PUSHLAB_THREADS"} \
        ${PUSHLAB_FANOUT_THREADS:+--fanout-threads "$PUSHLAB_FANOUT_THREADS"} >"$WORK/pushlab.log" 2>&1 &
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")
    SERVER_URL=$(wait_url "$WORK/pushlab.log") || die "PushLab did not start: $(cat "$WORK/pushlab.log")"
    SERVER_PIDS=$SERVER_PID
    PUSHLAB_THREADS_USED=$(python3 -c 'import json, sys, urllib.request
s = json.load(urllib.request.urlopen(sys.argv[1] + "/api/stats", timeout=5))
print("%d event loop(s), %d fan-out thread(s), sends %s" % (s["threads"], s["fanOutThreads"],
      "through io_uring" if s.get("ioUring") else "by send(2)"))' \
        "$SERVER_URL" 2>/dev/null || echo "?")
}

start_go() {
    : >"$WORK/go.log" # see start_pushlab
    "$WORK/goserver" -addr 127.0.0.1:0 >"$WORK/go.log" 2>&1 &
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")
    SERVER_URL=$(wait_url "$WORK/go.log") || die "the Go peer did not start: $(cat "$WORK/go.log")"
    SERVER_PIDS=$SERVER_PID
}

start_nchan() {
    local workers=$1 prefix=$WORK/nginx-$1 port
    port=$(free_port)
    mkdir -p "$prefix/tmp"
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$port|g" -e "s|@WORKERS@|$workers|g" \
        "$REPO/bench/peers/nchan/nginx.conf.in" >"$prefix/nginx.conf"
    nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" >"$prefix/out.log" 2>&1 &
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")
    SERVER_URL=http://127.0.0.1:$port
    for _ in $(seq 100); do
        (($(pgrep -c -P "$SERVER_PID" || true) >= workers)) && break
        sleep 0.1
    done
    kill -0 "$SERVER_PID" 2>/dev/null || die "nginx did not start: $(cat "$prefix/error.log")"
    sleep 0.2
    SERVER_PIDS=$SERVER_PID,$(pgrep -P "$SERVER_PID" | paste -sd,)
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
}

# CPU seconds used by a comma-separated list of processes.
cpu_seconds() {
    local total=0 pid ticks
    for pid in ${1//,/ }; do
        ticks=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")
        total=$((total + ticks))
    done
    awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'
}

idle() {
    local name=$1 before after
    before=$(cpu_seconds "$SERVER_PIDS")
    sleep "$IDLE_SECONDS"
    after=$(cpu_seconds "$SERVER_PIDS")
    awk -v a="$after" -v b="$before" -v s="$IDLE_SECONDS" \
        'BEGIN { printf "{\"cpuSeconds\": %.3f, \"seconds\": %s, \"cpuPercent\": %.2f}\n", a - b, s, 100 * (a - b) / s }' \
        >"$WORK/$name-idle-$PASS.json"
}

# bench NAME PATTERN CLIENTS [extra options...]
bench() {
    local name=$1 pattern=$2 clients=$3
    shift 3
    log "pass $PASS/$REPEAT, $name: $pattern, $clients clients"
    "$CLI" bench --pattern "$pattern" --clients "$clients" --server-pid "$SERVER_PIDS" \
        --duration-limit "$LIMIT" --json "$@" >"$WORK/$name-$pattern-$PASS.json" || true
    [[ -s $WORK/$name-$pattern-$PASS.json ]] || echo '{}' >"$WORK/$name-$pattern-$PASS.json"
}

# wrk_short NAME URL: the short poll measured by wrk instead: one thread, SHORT_CLIENTS
# keep-alive connections, the same URL (an up-to-date poll) every request, the server's CPU
# from /proc around it. Written as NAME-wrk-PASS.json in the shape of the bench's JSON.
wrk_short() {
    local name=$1 url=$2 before after out
    log "pass $PASS/$REPEAT, $name: short poll by wrk, $SHORT_CLIENTS connections"
    before=$(cpu_seconds "$SERVER_PIDS")
    out=$(timeout $((SHORT_SECONDS + 30)) wrk -t1 -c"$SHORT_CLIENTS" -d"${SHORT_SECONDS}s" --latency \
        "$url" 2>&1) || true
    after=$(cpu_seconds "$SERVER_PIDS")
    python3 "$REPO/bench/wrkresult.py" --cpu "$before" "$after" --url "$url" --clients "$SHORT_CLIENTS" \
        <<<"$out" >"$WORK/$name-wrk-$PASS.json" || echo '{}' >"$WORK/$name-wrk-$PASS.json"
}

# The last message id a PushLab-shaped server has: an up-to-date short poll asks since it.
last_id() {
    python3 -c 'import json, sys, urllib.request
print(json.load(urllib.request.urlopen(sys.argv[1] + "/api/messages?since=0", timeout=5))["lastId"])' "$1"
}

run_pushlab() {
    start_pushlab
    idle pushlab
    local perf=()
    if [[ ${PUSHLAB_PERF:-0} == 1 && $PASS == 1 ]] && command -v perf >/dev/null; then
        mkdir -p "$RESULTS/tmp"
        perf record -g -o "$RESULTS/tmp/pushlab-sse.perf.data" -p "$SERVER_PID" >/dev/null 2>&1 &
        perf=($!)
        STARTED+=("${perf[0]}")
    fi
    bench pushlab sse "$CLIENTS" --server "$SERVER_URL" --messages "$MESSAGES" --rate "$RATE" --idle "$HELD_IDLE_SECONDS"
    if ((${#perf[@]})); then
        kill -INT "${perf[0]}" 2>/dev/null || true
        wait "${perf[0]}" 2>/dev/null || true
    fi
    bench pushlab ws "$CLIENTS" --server "$SERVER_URL" --messages "$MESSAGES" --rate "$RATE" --idle "$HELD_IDLE_SECONDS"
    bench pushlab long "$CLIENTS" --server "$SERVER_URL" --messages "$MESSAGES" --rate "$RATE" --idle "$HELD_IDLE_SECONDS"
    bench pushlab short "$SHORT_CLIENTS" --server "$SERVER_URL" --messages "$MESSAGES" \
        --rate "$RATE" --duration "$SHORT_SECONDS"
    wrk_short pushlab "$SERVER_URL/api/messages?since=$(last_id "$SERVER_URL")"
    stop_server
}

run_go() {
    start_go
    idle go
    bench go sse "$CLIENTS" --server "$SERVER_URL" --messages "$MESSAGES" --rate "$RATE" --idle "$HELD_IDLE_SECONDS"
    bench go long "$CLIENTS" --server "$SERVER_URL" --messages "$MESSAGES" --rate "$RATE" --idle "$HELD_IDLE_SECONDS"
    bench go short "$SHORT_CLIENTS" --server "$SERVER_URL" --messages "$MESSAGES" --rate "$RATE" \
        --duration "$SHORT_SECONDS"
    wrk_short go "$SERVER_URL/api/messages?since=$(last_id "$SERVER_URL")"
    stop_server
}

run_nchan() {
    local channel
    start_nchan 2
    idle nchan
    # A fresh channel per load: Nchan starts every subscriber at the channel's oldest message.
    channel=sse-$RANDOM$RANDOM
    bench nchan sse "$CLIENTS" --subscribe-url "$SERVER_URL/sub?id=$channel" \
        --publish-url "$SERVER_URL/pub?id=$channel" --messages "$MESSAGES" --rate "$RATE" --idle "$HELD_IDLE_SECONDS"
    # Nchan's subscriber location takes a WebSocket upgrade too, one text frame per message.
    channel=ws-$RANDOM$RANDOM
    bench nchan ws "$CLIENTS" --subscribe-url "$SERVER_URL/sub?id=$channel" \
        --publish-url "$SERVER_URL/pub?id=$channel" --messages "$MESSAGES" --rate "$RATE" --idle "$HELD_IDLE_SECONDS"
    channel=long-$RANDOM$RANDOM
    bench nchan long "$CLIENTS" --subscribe-url "$SERVER_URL/sub?id=$channel" \
        --publish-url "$SERVER_URL/pub?id=$channel" --messages "$MESSAGES" --rate "$RATE" --idle "$HELD_IDLE_SECONDS"
    stop_server
    # The issue's short-poll reference is Nchan with one worker (interval polling).
    start_nchan 1
    channel=short-$RANDOM$RANDOM
    bench nchan short "$SHORT_CLIENTS" --subscribe-url "$SERVER_URL/poll?id=$channel" \
        --publish-url "$SERVER_URL/pub?id=$channel" --messages "$MESSAGES" --rate "$RATE" \
        --duration "$SHORT_SECONDS"
    # wrk sends no validators: a channel nothing was published to answers 304, Nchan's cheapest
    # "nothing new" (as PushLab's up-to-date poll is its own).
    wrk_short nchan "$SERVER_URL/poll?id=wrk-$RANDOM$RANDOM"
    stop_server
}

# The ceiling: nginx (one worker, the same config) answering GET /plain with a fixed body and
# no push server behind it. What either generator gets here is the most it can measure.
run_ceiling() {
    start_nchan 1
    bench ceiling short "$SHORT_CLIENTS" --subscribe-url "$SERVER_URL/plain" --cursor-url none \
        --publish-url "$SERVER_URL/plain?m={text}" --publish-method GET --messages 0 --duration "$SHORT_SECONDS"
    wrk_short ceiling "$SERVER_URL/plain"
    stop_server
}

STAMP=$(date -u +%Y-%m-%d)${PUSHLAB_THREADS:+-threads$PUSHLAB_THREADS}${PUSHLAB_FANOUT_THREADS:+-fanout$PUSHLAB_FANOUT_THREADS}
[[ ${PUSHLAB_IO_URING:-} == 0 ]] && STAMP+=-send
PUSHLAB_THREADS_USED="?"
mkdir -p "$RESULTS"
read -r -a order <<<"$SERVERS"
for ((PASS = 1; PASS <= REPEAT; PASS++)); do
    for server in "${order[@]}"; do
        case $server in
        pushlab) run_pushlab ;;
        nchan) run_nchan ;;
        go) run_go ;;
        ceiling) run_ceiling ;;
        *) die "unknown server '$server' (pushlab, nchan, go, ceiling)" ;;
        esac
    done
    order=("${order[@]:1}" "${order[0]}") # rotate: no server always runs first or last
done

log "writing $RESULTS/$STAMP.md, .png and .csv"
rm -rf "$RESULTS/$STAMP-raw"
mkdir -p "$RESULTS/$STAMP-raw"
cp "$WORK"/*.json "$RESULTS/$STAMP-raw/"
python3 "$REPO/bench/passes.py" "$RESULTS/$STAMP-raw" "$RESULTS/$STAMP.csv"
python3 "$REPO/bench/report.py" --raw "$RESULTS/$STAMP-raw" --servers "$SERVERS" \
    --markdown "$RESULTS/$STAMP.md" --chart-data "$WORK/chart.dat" \
    --repeat "$REPEAT" --pushlab-version "$PUSHLAB_VERSION" --pushlab-threads "$PUSHLAB_THREADS_USED" \
    --command "bench/run.sh (CLIENTS=$CLIENTS MESSAGES=$MESSAGES RATE=$RATE SHORT_CLIENTS=$SHORT_CLIENTS SHORT_SECONDS=$SHORT_SECONDS REPEAT=$REPEAT${PUSHLAB_THREADS:+ PUSHLAB_THREADS=$PUSHLAB_THREADS}${PUSHLAB_FANOUT_THREADS:+ PUSHLAB_FANOUT_THREADS=$PUSHLAB_FANOUT_THREADS}${PUSHLAB_IO_URING:+ PUSHLAB_IO_URING=$PUSHLAB_IO_URING}${PUSHLAB_SERVE_CLI:+ PUSHLAB_SERVE_CLI=$PUSHLAB_SERVE_CLI})"
gnuplot -e "datafile='$WORK/chart.dat'; output='$RESULTS/$STAMP.png'; clients='$CLIENTS'; stamp='$STAMP'" \
    "$REPO/bench/chart.gp"
cat "$RESULTS/$STAMP.md"
