# Shared prelude of the bench/*.sh scripts; source it after setting REPO:
#   REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); source "$REPO/bench/lib.sh"
# The functions keep bench/run.sh's names and behaviour (log, die, free_port, wait_url,
# start_nchan, stop_server, cpu_seconds), so a script moves onto this file by deleting its own
# copies. The inline parts of run.sh's prelude are functions here: need_debian, make_work,
# raise_file_limit, build_cli. Every process a script starts goes into STARTED, which the EXIT
# trap set by make_work stops (children first, then the process), and the work dir goes too.
# shellcheck shell=bash disable=SC2034 # the globals it sets are for the script that sources it

BENCH_SCRIPT=${BENCH_SCRIPT:-bench/$(basename "$0")}
BUILD_DIR=${PUSHLAB_BENCH_BUILD:-$REPO/build-bench}
STARTED=()

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$BENCH_SCRIPT" "$*" >&2; exit 1; }

# need_debian PACKAGE...: installs the packages not yet installed (as root), or dies naming them.
need_debian() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: run as root or apt-get install them"
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# make_work NAME: WORK=/tmp/NAME.XXXXXX, and the EXIT trap that stops every pid in STARTED.
make_work() {
    WORK=$(mktemp -d "/tmp/$1.XXXXXX")
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}
cleanup() {
    local pid
    for pid in "${STARTED[@]}"; do
        pkill -TERM -P "$pid" 2>/dev/null || true # e.g. stress's workers; nginx stops its own
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${STARTED[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}

# raise_file_limit CLIENTS: every process started from here inherits the raised limit.
raise_file_limit() {
    ulimit -n "$(ulimit -Hn)"
    (($(ulimit -n) >= $1 + 100)) || die "open-file limit $(ulimit -n) is too low for $1 clients"
}

# build_cli: a Release pushlab-cli in BUILD_DIR; sets CLI and PUSHLAB_VERSION.
build_cli() {
    log "building pushlab-cli (Release) in $BUILD_DIR"
    if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
        cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    else
        cmake -S "$REPO" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null # never measure a Debug build
    fi
    cmake --build "$BUILD_DIR" --target pushlab-cli -j2 >/dev/null
    CLI=$BUILD_DIR/app/pushlab-cli
    PUSHLAB_VERSION=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)
}

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

# start_nchan WORKERS: nginx + Nchan from bench/peers/nchan/nginx.conf.in on a free port.
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
