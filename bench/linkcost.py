"""What the network lab's relay itself costs, measured by a client that shares no code with
PushLab: a raw-socket SSE reader (this file) against `pushlab-cli serve --ticker 0.01` (100
messages/s), straight to the server and through `pushlab-cli relay`, in alternating passes.
Prints each pass's p50/p99 delivery latency and messages received, then the medians and the
relay's added p50. Bounded: PASSES x SECONDS per route, every socket with a timeout."""
import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import time


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))] if s else float("nan")


def sse_latencies(port, seconds):
    """Reads /api/events for `seconds`; gives each message's latency in ms (receive time on the
    wall clock minus the server's publishedAt, both µs since the epoch on this machine)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(b"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    sock.settimeout(1.0)
    buffer = b""
    latencies = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        received = time.time_ns() // 1000
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.startswith(b"data: {"):
                published = json.loads(line[6:]).get("publishedAt")
                if published:
                    latencies.append((received - published) / 1000.0)
    sock.close()
    return latencies


def start(args, ready_text):
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if ready_text in line:
            return proc, line
    proc.kill()
    sys.exit("did not start: " + " ".join(args))


def port_in(line):
    return int(re.search(r"http://127\.0\.0\.1:(\d+)", line).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cli", required=True, help="the pushlab-cli to run")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6.0, help="per route and pass")
    parser.add_argument("--presets", default="loopback,lan")
    args = parser.parse_args()
    procs = []
    try:
        server, line = start([args.cli, "serve", "--port", "0", "--ticker", "0.01"], "http://")
        procs.append(server)
        routes = [("direct", port_in(line))]
        for preset in args.presets.split(","):
            relay, line = start([args.cli, "relay", "--port", "0", "--link", preset,
                                 "http://127.0.0.1:%d" % routes[0][1]], "relay:")
            procs.append(relay)
            routes.append((preset, port_in(line)))
        expected = int(args.seconds * 100)
        p50s = {name: [] for name, _ in routes}
        print("| pass | route | messages (of ~%d) | p50 ms | p99 ms |" % expected)
        print("|---|---|---|---|---|")
        for n in range(1, args.passes + 1):
            for name, port in routes:
                lat = sse_latencies(port, args.seconds)
                p50s[name].append(pct(lat, 50))
                print("| %d | %s | %d | %.3f | %.3f |" % (n, name, len(lat), pct(lat, 50), pct(lat, 99)))
        print()
        direct = statistics.median(p50s["direct"])
        for name, _ in routes:
            m = statistics.median(p50s[name])
            added = "" if name == "direct" else ", added %.3f ms" % (m - direct)
            print("%s: median p50 %.3f ms over %d passes%s" % (name, m, args.passes, added))
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
