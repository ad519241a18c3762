#!/usr/bin/env bash
# Instructions per short poll, under callgrind (counts that do not move with the machine's
# load): `pushlab-cli serve` under valgrind, one keep-alive connection sending N
# `GET /api/messages?since=<lastId>` (nothing new), then FastPathReader::takeRead's inclusive
# count divided by N. Usage: bench/callgrind-shortpoll.sh [N] (default 20000). Needs valgrind.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLI=${PUSHLAB_CLI:-$REPO/build/app/pushlab-cli}
N=${1:-20000}
PORT=18099
out=$(mktemp -d)
trap 'kill %1 2>/dev/null || true; [ -n "${KEEP_CALLGRIND:-}" ] && cp "$out/cg.out" "$KEEP_CALLGRIND"; rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$CLI" serve --port $PORT >/dev/null 2>&1 &
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/stats" && break; sleep 0.2; done
timeout 600 python3 - "$PORT" "$N" <<'PY'
import json, socket, sys, urllib.request
port, n = int(sys.argv[1]), int(sys.argv[2])
last = json.load(urllib.request.urlopen("http://127.0.0.1:%d/api/messages?since=0" % port))["lastId"]
s = socket.create_connection(("127.0.0.1", port), timeout=30)
req = b"GET /api/messages?since=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % last
buf = b""
for _ in range(n):
    s.sendall(req)
    while True:
        h = buf.find(b"\r\n\r\n")
        if h >= 0:
            length = 0
            for line in buf[:h].split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if len(buf) >= h + 4 + length:
                buf = buf[h + 4 + length:]
                break
        buf += s.recv(65536)
PY
kill -INT %1
wait %1 || true
total=$(callgrind_annotate --inclusive=yes "$out/cg.out" 2>/dev/null |
    grep -E 'fastpathreader.cpp:FastPathReader::takeRead\(int, void\*\)$' | head -1 | awk '{gsub(",","",$1); print $1}')
echo "short poll: $((total / N)) instructions per request (FastPathReader::takeRead inclusive / $N)"
