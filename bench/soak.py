#!/usr/bin/env python3
"""Hostile-client soak: attacks a running `pushlab-cli serve` on loopback the way a hostile or
broken client would, while a well-behaved client is timed, and prints what it saw.

It is a client of its own (asyncio on raw sockets), not PushLab's generator, so it shares no code
with the server it judges. Phases, each bounded in count and time:
  slowloris   N connections drip a request head one line per second and never finish it;
              a normal client's requests and SSE deliveries are timed meanwhile.
  nonreaders  N SSE streams with a tiny receive buffer that never read, while 60 KiB messages
              publish at 20/s; the server must drop them, stay small, and normal streams must
              get every message exactly once, in order.
  churn       N connections in waves (streams, waits, polls, half-sent publishes) reset
              mid-write while messages publish; counts and memory must return to baseline.
  cap         more streams than the connection cap, from two processes (one process cannot hold
              that many files here): beyond the cap 503, and healthy again once they leave.
Exit status 0 when every check held, 1 when one failed (the report says which).

Usage: bench/soak.py --cli build-bench/app/pushlab-cli [--report FILE] [--phases ...]
(bench/soak.sh builds the CLI and runs this with a raised open-file limit)
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import re
import resource
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time

HOST = "127.0.0.1"
# Clients bind to several loopback source addresses, so that tens of thousands of connections
# (and the server's TIME_WAIT entries from earlier phases) never run out of ephemeral ports.
SOURCES = ["127.0.0.%d" % i for i in range(2, 18)]


def now():
    return time.monotonic()


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:", "Threads:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return out


def rss_mib(pid):
    return proc_status(pid)["VmRSS"] / 1024.0


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def reset(sock):
    """Closes with a RST (SO_LINGER 0): the peer vanishes, no FIN, no TIME_WAIT here."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


async def connect(index, rcvbuf=None, timeout=10.0):
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((SOURCES[index % len(SOURCES)], 0))
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (HOST, PORT)), timeout)
    except BaseException:
        sock.close()
        raise
    return sock


async def connect_many(count, rcvbuf=None, batch=500, offset=0):
    socks, failed = [], 0
    for start in range(0, count, batch):
        results = await asyncio.gather(
            *(connect(offset + start + i, rcvbuf) for i in range(min(batch, count - start))),
            return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                failed += 1
            else:
                socks.append(r)
    return socks, failed


def request(method, path, body=b"", extra=""):
    head = "%s %s HTTP/1.1\r\nHost: %s:%d\r\n%s" % (method, path, HOST, PORT, extra)
    if body or method == "POST":
        head += "Content-Length: %d\r\n" % len(body)
    return (head + "\r\n").encode() + body


class HttpConn:
    """One keep-alive HTTP/1.1 connection answering one request at a time."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    @classmethod
    async def open(cls, index=0):
        return cls(await connect(index))

    async def _fill(self, deadline):
        loop = asyncio.get_running_loop()
        chunk = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), max(0.01, deadline - now()))
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buf += chunk

    async def send(self, method, path, body=b"", timeout=10.0):
        """(status, body bytes, seconds)"""
        loop = asyncio.get_running_loop()
        started = now()
        deadline = started + timeout
        await asyncio.wait_for(loop.sock_sendall(self.sock, request(method, path, body)), timeout)
        while b"\r\n\r\n" not in self.buf:
            await self._fill(deadline)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status = int(head.split(b" ", 2)[1])
        m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        length = int(m.group(1)) if m else 0
        while len(self.buf) < length:
            await self._fill(deadline)
        payload, self.buf = self.buf[:length], self.buf[length:]
        return status, payload, now() - started

    def close(self):
        self.sock.close()


async def get_once(path, timeout=10.0):
    """A fresh connection, one GET: (status, seconds); status 0 when it failed."""
    started = now()
    try:
        conn = await asyncio.wait_for(HttpConn.open(int(started * 1000)), timeout)
    except (OSError, asyncio.TimeoutError):
        return 0, now() - started
    try:
        status, _, _ = await conn.send("GET", path, timeout=max(0.1, timeout - (now() - started)))
    except (OSError, ConnectionError, asyncio.TimeoutError, ValueError, IndexError):
        status = 0
    conn.close()
    return status, now() - started


async def stats(conn=None):
    """/api/stats, on a new connection or on `conn` (kept open: at the cap a new one gets 503)."""
    own = conn is None
    if own:
        conn = await HttpConn.open()
    try:
        status, body, _ = await conn.send("GET", "/api/stats")
        if status != 200:
            raise RuntimeError("/api/stats answered %d" % status)
        return json.loads(body)
    finally:
        if own:
            conn.close()


def open_counts(s):
    """Open streams / waiting polls per pattern key, from /api/stats."""
    return {key: p["open"] for key, p in s["patterns"].items()}


class StreamReader:
    """A well-behaved SSE client: reads everything, records each message's id and latency."""

    def __init__(self):
        self.ids, self.latencies_ms, self.buf, self.task, self.sock = [], [], b"", None, None
        self.error = None

    async def start(self, index=1):
        self.sock = await connect(index)
        loop = asyncio.get_running_loop()
        await loop.sock_sendall(self.sock, request("GET", "/api/events"))
        while b"\r\n\r\n" not in self.buf:
            chunk = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), 10)
            if not chunk:
                raise ConnectionError("stream closed before its head")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 200"):
            raise ConnectionError("stream answered " + head.split(b"\r\n")[0].decode())
        self.chunked = re.search(rb"(?im)^transfer-encoding:\s*chunked", head) is not None
        self.task = asyncio.ensure_future(self._run())

    async def _run(self):
        loop = asyncio.get_running_loop()
        try:
            while True:
                chunk = await loop.sock_recv(self.sock, 262144)
                if not chunk:
                    self.error = "closed by the server"
                    return
                received = time.time()
                self.buf += chunk
                self._parse(received)
        except asyncio.CancelledError:
            pass
        except OSError as e:
            self.error = str(e)

    def _parse(self, received):
        # Events end with an empty line; a chunked body's framing lines never contain "\n\n".
        while b"\n\n" in self.buf:
            event, self.buf = self.buf.split(b"\n\n", 1)
            for line in event.split(b"\n"):
                if line.startswith(b"data: {"):
                    message = json.loads(line[6:])
                    self.ids.append(message["id"])
                    self.latencies_ms.append((received * 1e6 - message["publishedAt"]) / 1000.0)

    def stop(self):
        if self.task:
            self.task.cancel()
        if self.sock:
            self.sock.close()


class Report:
    def __init__(self):
        self.rows, self.failures = [], []

    def figure(self, phase, name, value):
        self.rows.append((phase, name, value))
        print("  %-11s %-58s %s" % (phase, name, value), flush=True)

    def check(self, phase, ok, what):
        mark = "ok" if ok else "FAILED"
        self.rows.append((phase, "check: " + what, mark))
        print("  %-11s %-58s %s" % (phase, "check: " + what, mark), flush=True)
        if not ok:
            self.failures.append("%s: %s" % (phase, what))


async def publish_at(rate, count, size, tag, ids, latencies=None, stop=None):
    """Publishes `count` messages of `size` bytes at `rate` per second on one keep-alive
    connection (until `stop` is set); appends each 201's id. Returns how many were refused."""
    conn = await HttpConn.open(3)
    refused = 0
    started = now()
    try:
        for n in range(count):
            if stop is not None and stop.is_set():
                break
            wait = started + n / rate - now()
            if wait > 0:
                await asyncio.sleep(wait)
            text = ("%s-%d " % (tag, n)).encode()
            text += b"x" * max(0, size - len(text))
            status, body, seconds = await conn.send("POST", "/api/messages", text)
            if status == 201:
                ids.append(json.loads(body)["id"])
                if latencies is not None:
                    latencies.append(seconds * 1000)
            else:
                refused += 1
    finally:
        conn.close()
    return refused


def check_stream(report, phase, reader, published, name):
    got = reader.ids
    report.check(phase, got == published,
                 "%s got all %d messages exactly once, in order (got %d%s)" % (
                     name, len(published), len(got),
                     "" if reader.error is None else "; " + reader.error))


# --- phases ---------------------------------------------------------------------------------

async def phase_slowloris(report, pid, count, seconds):
    phase = "slowloris"
    loop = asyncio.get_running_loop()
    socks, failed = await connect_many(count)
    opened = now()
    report.figure(phase, "connections opened (failed)", "%d (%d)" % (len(socks), failed))
    head = ("GET /api/messages?since=0 HTTP/1.1\r\nHost: %s:%d\r\n" % (HOST, PORT)).encode()
    for s in socks:
        try:
            s.send(head)
        except OSError:
            pass
    closed_at, answers = {}, {}

    async def watch(i, s):
        try:
            data = await loop.sock_recv(s, 4096)
            answers[i] = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "close"
        except OSError:
            answers[i] = "reset"
        closed_at[i] = now() - opened

    watchers = [asyncio.ensure_future(watch(i, s)) for i, s in enumerate(socks)]

    mid = {}

    async def drip():
        line = 0
        while now() - opened < seconds:
            await asyncio.sleep(1)
            line += 1
            if line == 5:
                mid.update(await stats())
            for i, s in enumerate(socks):
                if i not in closed_at:
                    try:
                        s.send(b"X-Slow-%d: %d\r\n" % (line, i))
                    except OSError:
                        pass

    # The normal client, meanwhile: a short poll on a new connection every 250 ms, and one SSE
    # stream receiving a message published every 500 ms.
    reader = StreamReader()
    await reader.start()
    polls, published = [], []

    async def poll_loop():
        while now() - opened < seconds:
            polls.append(await get_once("/api/messages?since=0", timeout=5))
            await asyncio.sleep(0.25)

    pub_task = asyncio.ensure_future(publish_at(2, int(seconds * 2) - 2, 64, "loris", published))
    await asyncio.gather(drip(), poll_loop(), pub_task)
    await asyncio.sleep(0.5)
    reader.stop()
    for w in watchers:
        w.cancel()
    for s in socks:
        reset(s)
    poll_seconds = [t for st, t in polls if st == 200]
    report.figure(phase, "normal short polls answered 200 / tried",
                  "%d / %d" % (len(poll_seconds), len(polls)))
    report.figure(phase, "normal short poll, p50 / max (ms)",
                  "%.1f / %.1f" % (pct(poll_seconds, 50) * 1000, max(poll_seconds or [0]) * 1000))
    report.figure(phase, "normal SSE delivery, p50 / max (ms)",
                  "%.1f / %.1f" % (pct(reader.latencies_ms, 50), max(reader.latencies_ms or [0])))
    report.check(phase, len(poll_seconds) == len(polls) and max(poll_seconds or [9]) < 1.0,
                 "every normal request answered within 1 s")
    report.check(phase, max(reader.latencies_ms or [9e9]) < 1000, "every SSE delivery within 1 s")
    check_stream(report, phase, reader, published, "the normal stream")
    codes = {}
    for a in answers.values():
        codes[a] = codes.get(a, 0) + 1
    report.figure(phase, "slow heads answered (status: count)",
                  ", ".join("%s: %d" % kv for kv in sorted(codes.items())))
    times = sorted(closed_at.values())
    report.figure(phase, "slow head cut after, p50 / max (s)",
                  "%.1f / %.1f" % (pct(times, 50), max(times or [0])))
    report.check(phase, codes.get("408", 0) == len(socks), "every slow head got 408 and was closed")
    report.figure(phase, "server connections 5 s into the drip (stats)", mid.get("connections"))
    report.figure(phase, "server RSS after (MiB)", "%.1f" % rss_mib(pid))


async def phase_nonreaders(report, pid, count, seconds, size=60 * 1024, rate=20):
    phase = "nonreaders"
    before = rss_mib(pid)
    socks, failed = await connect_many(count, rcvbuf=4096)
    for s in socks:
        try:
            s.send(request("GET", "/api/events"))
        except OSError:
            pass
    report.figure(phase, "non-reading streams opened (failed)", "%d (%d)" % (len(socks), failed))
    readers = [StreamReader() for _ in range(3)]
    for i, r in enumerate(readers):
        await r.start(i + 1)
    await asyncio.sleep(1)
    s0 = await stats()
    published, publish_ms, samples, open_sse = [], [], [], []

    async def sample():
        while True:
            samples.append(rss_mib(pid))
            await asyncio.sleep(0.25)

    sampler = asyncio.ensure_future(sample())
    started = now()
    refused = await publish_at(rate, int(seconds * rate), size, "big", published, publish_ms)
    elapsed = now() - started
    await asyncio.sleep(1.5)
    sampler.cancel()
    s1 = await stats()
    for r in readers:
        r.stop()
    sse = lambda s: s["patterns"]["sse"]  # noqa: E731
    report.figure(phase, "messages published (%d KiB, %d/s asked; achieved)" % (size // 1024, rate),
                  "%d in %.1f s (%.1f/s), %d refused" % (len(published), elapsed,
                                                       len(published) / elapsed, refused))
    report.figure(phase, "publish answer, p50 / max (ms)",
                  "%.1f / %.1f" % (pct(publish_ms, 50), max(publish_ms or [0])))
    report.figure(phase, "SSE streams open before / after (stats)",
                  "%d / %d" % (sse(s0)["open"], sse(s1)["open"]))
    report.figure(phase, "server RSS before / peak / after (MiB)",
                  "%.1f / %.1f / %.1f" % (before, max(samples), samples[-1]))
    lat = [x for r in readers for x in r.latencies_ms]
    report.figure(phase, "normal streams' delivery, p50 / p99 (ms)",
                  "%.1f / %.1f" % (pct(lat, 50), pct(lat, 99)))
    for i, r in enumerate(readers):
        check_stream(report, phase, r, published, "normal stream %d" % (i + 1))
    report.check(phase, sse(s1)["open"] <= len(readers),
                 "every non-reading stream was dropped")
    # Bounded: the history (1,000 messages kept) plus what the drops allow, far below one
    # MiB of unsent bytes per non-reader.
    report.check(phase, max(samples) - before < 400, "server memory stayed bounded (< 400 MiB more)")
    for s in socks:
        reset(s)


async def phase_churn(report, pid, total, waves, base):
    phase = "churn"
    # Refill the history with small messages first, so the before/after comparison holds the
    # same history (the previous phase left big ones in it).
    ids = []
    await publish_at(2000, 1000, 64, "fill", ids)
    await asyncio.sleep(1)
    before, fds_before = rss_mib(pid), open_fds(pid)
    s_before = await stats()
    published = []
    reader = StreamReader()
    await reader.start()
    per_wave = total // waves
    stop = asyncio.Event()
    pub = asyncio.ensure_future(publish_at(50, 10 ** 6, 2048, "churn", published, stop=stop))
    kinds = [request("GET", "/api/events"),
             request("GET", "/api/messages/wait?timeout=30"),
             request("GET", "/events"),
             request("GET", "/getmessage"),
             request("GET", "/api/messages?since=0"),
             request("POST", "/api/messages", b"half")[:-2],  # body promised, not sent
             b""]  # connected, silent
    resets = 0
    started = now()
    for wave in range(waves):
        socks, _ = await connect_many(per_wave, rcvbuf=8192, offset=wave * per_wave)
        for i, s in enumerate(socks):
            try:
                s.send(kinds[i % len(kinds)])
            except OSError:
                pass
        await asyncio.sleep(0.4)  # messages publish meanwhile: writes are in flight
        for s in socks:
            reset(s)
        resets += len(socks)
    elapsed = now() - started
    stop.set()
    await pub
    await asyncio.sleep(2)
    reader.stop()
    s_after = await stats()
    for _ in range(20):  # the server sees the last resets within a moment
        if s_after["connections"] <= s_before["connections"]:
            break
        await asyncio.sleep(0.25)
        s_after = await stats()
    after, fds_after = rss_mib(pid), open_fds(pid)
    report.figure(phase, "connections opened and reset (waves, seconds)",
                  "%d (%d, %.1f s)" % (resets, waves, elapsed))
    report.figure(phase, "messages published meanwhile", len(published))
    report.figure(phase, "server connections before / after (stats)",
                  "%d / %d" % (s_before["connections"], s_after["connections"]))
    report.figure(phase, "server open files before / after", "%d / %d" % (fds_before, fds_after))
    report.figure(phase, "server RSS at the soak's start / before / after (MiB)",
                  "%.1f / %.1f / %.1f" % (base, before, after))
    opens = open_counts(s_after)
    report.figure(phase, "open streams / waiting polls after", opens)
    report.check(phase, s_after["connections"] <= s_before["connections"] and
                 fds_after <= fds_before, "connections and open files back to baseline")
    report.check(phase, all(v == 0 for v in opens.values()), "no stream or poll left open")
    report.check(phase, after - base < 32,
                 "memory back to the soak's start (within 32 MiB: the history is full now)")
    check_stream(report, phase, reader, published, "the normal stream")


def hold_streams(count, offset, ready, release, out):
    """A child process: opens `count` SSE streams, reports how they were answered, holds the
    accepted ones until `release` is set, then resets them."""
    async def run():
        socks, failed = await connect_many(count, offset=offset, batch=250)
        loop = asyncio.get_running_loop()
        for s in socks:
            try:
                s.send(request("GET", "/api/events"))
            except OSError:
                pass

        async def answer(s):
            try:
                data = await asyncio.wait_for(loop.sock_recv(s, 4096), 15)
                return data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "closed"
            except (OSError, asyncio.TimeoutError):
                return "none"

        codes = await asyncio.gather(*(answer(s) for s in socks))
        tally = {"failed": failed}
        for c in codes:
            tally[c] = tally.get(c, 0) + 1
        out.put(tally)
        ready.set()
        while not release.is_set():
            await asyncio.sleep(0.1)
        for s in socks:
            reset(s)
    asyncio.run(run())


async def phase_cap(report, pid, extra):
    phase = "cap"
    probe = await HttpConn.open()  # opened before the cap is reached: counted in the baseline
    s0 = await stats(probe)
    cap = s0["maxConnections"]
    target = cap + extra
    report.figure(phase, "server's cap (stats maxConnections)", cap)
    ctx = multiprocessing.get_context("fork")
    out, release = ctx.Queue(), ctx.Event()
    half = (target + 1) // 2
    children = []
    started = now()
    for k in range(2):
        ready = ctx.Event()
        p = ctx.Process(target=hold_streams,
                        args=(half if k == 0 else target - half, k * half, ready, release, out))
        p.start()
        children.append((p, ready))
    try:
        for p, ready in children:
            ready.wait(120)
        tallies = [out.get(timeout=5) for _ in children]
        held = now() - started
        tally = {}
        for t in tallies:
            for k, v in t.items():
                tally[k] = tally.get(k, 0) + v
        peak_rss = rss_mib(pid)
        s_full = await stats(probe)
        status_full, t_full = await get_once("/api/messages?since=0", timeout=5)
        report.figure(phase, "streams asked for / opened in (s)", "%d / %.1f" % (target, held))
        report.figure(phase, "answers (status: count)",
                      ", ".join("%s: %d" % kv for kv in sorted(tally.items())))
        report.figure(phase, "server connections at the cap (stats)", s_full["connections"])
        report.figure(phase, "server RSS at the cap (MiB)", "%.1f" % peak_rss)
        report.figure(phase, "a normal request at the cap", "%s in %.1f ms" % (status_full,
                                                                              t_full * 1000))
        accepted = tally.get("200", 0)
        report.check(phase, accepted + s0["connections"] == cap,
                     "the server took streams up to its cap")
        report.check(phase, tally.get("503", 0) >= target - cap - 2 and
                     accepted + tally.get("503", 0) == target,
                     "every connection beyond the cap got 503")
    finally:
        probe.close()
        release.set()
        for p, _ in children:
            p.join(60)
            if p.is_alive():
                p.kill()
    s_after = await stats()
    for _ in range(40):
        if s_after["connections"] <= s0["connections"]:
            break
        await asyncio.sleep(0.25)
        s_after = await stats()
    status, seconds = await get_once("/api/messages?since=0", timeout=5)
    reader = StreamReader()
    await reader.start()
    ids = []
    await publish_at(10, 5, 64, "aftercap", ids)
    await asyncio.sleep(0.5)
    reader.stop()
    report.figure(phase, "after: connections (stats), a normal request",
                  "%d, %s in %.1f ms" % (s_after["connections"], status, seconds * 1000))
    report.check(phase, status == 200 and seconds < 1.0 and
                 s_after["connections"] <= s0["connections"], "healthy again once they left")
    check_stream(report, phase, reader, ids, "a new stream")


# --- the run --------------------------------------------------------------------------------

async def main_async(args, pid, report):
    base = rss_mib(pid)
    report.figure("start", "server RSS (MiB)", "%.1f" % base)
    phases = args.phases.split(",")
    if "slowloris" in phases:
        await phase_slowloris(report, pid, args.slowloris, args.slowloris_seconds)
    if "nonreaders" in phases:
        await phase_nonreaders(report, pid, args.nonreaders, args.nonreader_seconds)
    if "churn" in phases:
        await phase_churn(report, pid, args.churn, args.waves, base)
    if "cap" in phases:
        await phase_cap(report, pid, args.cap_extra)
    st = proc_status(pid)
    report.figure("end", "server RSS / peak RSS (MiB)",
                  "%.1f / %.1f" % (st["VmRSS"] / 1024, st["VmHWM"] / 1024))


def main():
    global PORT
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", help="pushlab-cli to serve with (or --attach)")
    ap.add_argument("--report", help="also write the figures as markdown here")
    ap.add_argument("--phases", default="slowloris,nonreaders,churn,cap")
    ap.add_argument("--slowloris", type=int, default=5000)
    ap.add_argument("--slowloris-seconds", type=float, default=13)
    ap.add_argument("--nonreaders", type=int, default=1000)
    ap.add_argument("--nonreader-seconds", type=float, default=15)
    ap.add_argument("--churn", type=int, default=20000)
    ap.add_argument("--waves", type=int, default=8)
    ap.add_argument("--cap-extra", type=int, default=300)
    ap.add_argument("--time-limit", type=float, default=600, help="seconds for the whole soak")
    ap.add_argument("--serve-env", action="append", default=[], help="NAME=VALUE for the server")
    ap.add_argument("--attach", metavar="PID:PORT",
                    help="soak a server already running on 127.0.0.1:PORT (e.g. under heaptrack)"
                         " instead of starting one; PID is the process whose memory is read")
    args = ap.parse_args()
    if not args.cli and not args.attach:
        ap.error("--cli or --attach is needed")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    report = Report()
    if args.attach:
        pid, PORT = (int(x) for x in args.attach.split(":"))
        server = None
    else:
        env = dict(os.environ, **dict(kv.split("=", 1) for kv in args.serve_env))
        server = subprocess.Popen([args.cli, "serve", "--port", "0"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=env, text=True)
        pid = server.pid
    try:
        if server:
            line = server.stdout.readline()
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if not m:
                print("soak: the server did not start: %r" % line, file=sys.stderr)
                return 2
            PORT = int(m.group(1))
        print("soak: server on port %d (pid %d), open-file limit %d" % (PORT, pid, hard),
              flush=True)
        try:
            asyncio.run(asyncio.wait_for(main_async(args, pid, report), args.time_limit))
        except asyncio.TimeoutError:
            report.failures.append("the soak ran past --time-limit %.0f s" % args.time_limit)
        report.check("end", os.path.exists("/proc/%d" % pid) and (server is None or
                                                               server.poll() is None),
                     "the server is still running")
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    if args.report:
        with open(args.report, "w") as f:
            f.write("| phase | figure | value |\n|---|---|---|\n")
            for phase, name, value in report.rows:
                f.write("| %s | %s | %s |\n" % (phase, name, value))
    if report.failures:
        print("soak: FAILED: " + "; ".join(report.failures), file=sys.stderr)
        return 1
    print("soak: every check held")
    return 0


PORT = 0
if __name__ == "__main__":
    sys.exit(main())
