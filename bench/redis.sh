#!/usr/bin/env bash
# The cost of sharing one history through Redis (--redis): $CLIENTS SSE streams, one message
# reaching all of them, measured by `pushlab-cli bench` in three setups on this machine:
#   one server                  the history in-process (as bench/run.sh measures it)
#   one server + Redis          the same server with --redis: every publish goes through Redis
#   two servers + Redis         the streams split over A and B (client N on A when N is even),
#                               every message published through B: half the streams get it
#                               through the Redis hop to A
# Each setup runs $REPEAT passes, their order rotating; the table shows the median pass (by
# "reaches all" p50) and every pass's losses summed. Writes bench/results/runs/<UTC date>-redis.md
# (and -raw/ with each run's JSON). Redis is Debian's redis-server on a free loopback port with
# its own data directory, nothing on disk; the EXIT trap stops every process started here.
#
# Usage: bench/redis.sh
# Environment: CLIENTS (10000), MESSAGES (10), RATE (2 per second), REPEAT (3),
#   PUSHLAB_BENCH_BUILD (build directory, default <repo>/build-bench, configured Release),
#   RESULTS (output directory, default bench/results/runs).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLIENTS=${CLIENTS:-10000}
MESSAGES=${MESSAGES:-10}
RATE=${RATE:-2}
REPEAT=${REPEAT:-3}
BUILD_DIR=${PUSHLAB_BENCH_BUILD:-$REPO/build-bench}
RESULTS=${RESULTS:-$REPO/bench/results/runs}
LIMIT=120 # seconds, per bench run

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench/redis.sh: %s\n' "$*" >&2; exit 1; }

command -v redis-server >/dev/null || die "needs redis-server (apt-get install redis-server)"
command -v python3 >/dev/null || die "needs python3"

WORK=$(mktemp -d /tmp/pushlab-redis-bench.XXXXXX)
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

ulimit -n "$(ulimit -Hn)"
(($(ulimit -n) >= CLIENTS + 100)) || die "open-file limit $(ulimit -n) is too low for $CLIENTS clients"

log "building pushlab-cli (Release) in $BUILD_DIR"
if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
    cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
else
    cmake -S "$REPO" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD_DIR" --target pushlab-cli -j2 >/dev/null
CLI=$BUILD_DIR/app/pushlab-cli
PUSHLAB_VERSION=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_url() {
    local file=$1 url=""
    for _ in $(seq 100); do
        url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$file" 2>/dev/null | head -1 || true)
        [[ -n $url ]] && { echo "$url"; return 0; }
        sleep 0.1
    done
    return 1
}

REDIS_PORT=$(free_port)
mkdir -p "$WORK/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save '' --appendonly no \
    --daemonize no >"$WORK/redis.log" 2>&1 &
STARTED+=("$!")
for _ in $(seq 100); do
    grep -q 'Ready to accept connections' "$WORK/redis.log" && break
    sleep 0.1
done
grep -q 'Ready to accept connections' "$WORK/redis.log" || die "redis-server did not start: $(cat "$WORK/redis.log")"
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
REDIS_VERSION=$(redis-server --version | grep -o 'v=[0-9.]*' | cut -d= -f2)

# Starts one server (extra arguments go to serve); sets URL and PID.
start_server() {
    local name=$1
    shift
    : >"$WORK/$name.log"
    "$CLI" serve --port 0 "$@" >"$WORK/$name.log" 2>&1 &
    PID=$!
    STARTED+=("$PID")
    URL=$(wait_url "$WORK/$name.log") || die "$name did not start: $(cat "$WORK/$name.log")"
}

stop_servers() {
    local pid
    for pid in "$@"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

bench() {
    "$CLI" bench --pattern sse --clients "$CLIENTS" --messages "$MESSAGES" --rate "$RATE" \
        --duration-limit "$LIMIT" --json "$@"
}

STAMP=$(date -u +%Y-%m-%d-%H%M)
RAW=$RESULTS/$STAMP-redis-raw
mkdir -p "$RAW"
SETUPS=(one redis two)
for ((pass = 1; pass <= REPEAT; pass++)); do
    for ((i = 0; i < ${#SETUPS[@]}; i++)); do
        setup=${SETUPS[$(((i + pass - 1) % ${#SETUPS[@]}))]}
        log "pass $pass/$REPEAT: $setup"
        case $setup in
        one)
            start_server a
            bench --server "$URL" --server-pid "$PID" >"$RAW/$setup-$pass.json"
            stop_servers "$PID"
            ;;
        redis)
            start_server a --redis "$REDIS_URL"
            bench --server "$URL" --server-pid "$PID" >"$RAW/$setup-$pass.json"
            stop_servers "$PID"
            ;;
        two)
            start_server a --redis "$REDIS_URL"
            A_URL=$URL A_PID=$PID
            start_server b --redis "$REDIS_URL"
            bench --subscribe-url "$A_URL/api/events" --subscribe-url "$URL/api/events" \
                --publish-url "$URL/api/messages" --server-pid "$A_PID,$PID" >"$RAW/$setup-$pass.json"
            stop_servers "$A_PID" "$PID"
            ;;
        esac
    done
done

OUT=$RESULTS/$STAMP-redis.md
python3 - "$RAW" "$REPEAT" "$CLIENTS" "$MESSAGES" "$RATE" "$PUSHLAB_VERSION" "$REDIS_VERSION" >"$OUT" <<'EOF'
import json, os, statistics, sys
raw, repeat, clients, messages, rate, version, redis_version = sys.argv[1:]
names = {"one": "One server (in-process history)", "redis": "One server + Redis",
         "two": "Two servers + Redis (streams split over A and B, published through B)"}
def load(setup):
    runs = []
    for p in range(1, int(repeat) + 1):
        with open(os.path.join(raw, f"{setup}-{p}.json")) as f:
            runs.append(json.load(f))
    return runs
rows = {s: load(s) for s in names}
def median_run(runs):
    ordered = sorted(runs, key=lambda r: r["reachedEveryoneMs"]["p50"])
    return ordered[len(ordered) // 2]
load_avg = " ".join(open("/proc/loadavg").read().split()[:3])
print(f"# Redis hop benchmark {os.path.basename(raw)[:15]} UTC\n")
print(f"Machine: {os.cpu_count()} cores, loopback, load generator on the same cores; load average when "
      f"written: {load_avg}. PushLab `{version}`, Redis {redis_version} (nothing on disk).")
print(f"Command: `bench/redis.sh` (CLIENTS={clients} MESSAGES={messages} RATE={rate} REPEAT={repeat}); "
      f"median pass of {repeat} by \"reaches all\" p50, losses summed over all passes.\n")
print("| Setup | one message reaches all, p50 / p99 | each delivery, p50 / p99 | received / expected | server CPU while publishing |")
print("|---|---|---|---|---|")
base = median_run(rows["one"])
for s, title in names.items():
    m = median_run(rows[s])
    got = sum(r["deliveries"]["received"] for r in rows[s])
    want = sum(r["deliveries"]["expected"] for r in rows[s])
    lost = "none lost" if got == want else f"{want - got:,} lost"
    cpu = m.get("server", {}).get("cpuPublishSeconds")
    cpu = f"{cpu:.2f} s" if cpu is not None else "–"
    print(f"| {title} | {m['reachedEveryoneMs']['p50']:.1f} / {m['reachedEveryoneMs']['p99']:.1f} ms | "
          f"{m['latencyMs']['p50']:.1f} / {m['latencyMs']['p99']:.1f} ms | {got:,} / {want:,} ({lost}) | {cpu} |")
print()
for s in ("redis", "two"):
    d50 = statistics.median(r["latencyMs"]["p50"] for r in rows[s]) - \
          statistics.median(r["latencyMs"]["p50"] for r in rows["one"])
    print(f"- {names[s]}: each delivery's p50 {d50:+.2f} ms against one server (medians over the passes).")
print("\nEvery pass (reaches all p50 / p99 ms):\n")
for s, title in names.items():
    passes = ", ".join(f"{r['reachedEveryoneMs']['p50']:.1f} / {r['reachedEveryoneMs']['p99']:.1f}" for r in rows[s])
    print(f"- {title}: {passes}")
EOF
cat "$OUT"
log "wrote $OUT"
