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
import multiprocessing
import os
import re
import resource
import signal
import subprocess
import sys

import soakclient  # same folder: run as bench/soak.py
from soakclient import (HttpConn, Report, StreamReader, check_stream, connect_many, get_once, now,
                        open_counts, open_fds, pct, proc_status, publish_at, request, reset,
                        rss_mib, stats)

# --- phases ---------------------------------------------------------------------------------

async def phase_slowloris(report, pid, count, seconds):
    phase = "slowloris"
    loop = asyncio.get_running_loop()
    socks, failed = await connect_many(count)
    opened = now()
    report.figure(phase, "connections opened (failed)", "%d (%d)" % (len(socks), failed))
    head = ("GET /api/messages?since=0 HTTP/1.1\r\nHost: %s:%d\r\n" % (soakclient.HOST, soakclient.PORT)).encode()
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
        pid, soakclient.PORT = (int(x) for x in args.attach.split(":"))
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
            soakclient.PORT = int(m.group(1))
        print("soak: server on port %d (pid %d), open-file limit %d" % (soakclient.PORT, pid, hard),
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


if __name__ == "__main__":
    sys.exit(main())
