#!/usr/bin/env python3
"""Turns the JSON files of one bench/run.sh run into a markdown table and gnuplot data."""
import argparse
import json
import os
import platform
import subprocess
from datetime import datetime, timezone

NAMES = {"pushlab": "PushLab", "nchan": "Nchan, 2 workers", "go": "Go net/http",
         "ceiling": "nginx `return 200` (the ceiling)"}


def load(raw, name):
    path = os.path.join(raw, name + ".json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def ms(v):
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 10 else f"{v:.1f}"


def latency(r):
    if not r or get(r, "latencyMs", "count") in (None, 0):
        return "–"
    return f"{ms(get(r, 'latencyMs', 'p50'))} / {ms(get(r, 'latencyMs', 'p99'))} ms"


def loss(r):
    if not r:
        return "not run"
    exp, rec, lost = (get(r, "deliveries", k) for k in ("expected", "received", "lost"))
    text = f"{rec:,} / {exp:,}"
    text += " (none lost)" if lost == 0 else f" (**{lost:,} lost**, {100.0 * lost / max(exp, 1):.1f} %)"
    missing = r.get("notConnected", 0)
    if missing:
        text += f"; **{missing:,} client connections failed**"
        if r.get("firstFailure"):
            text += f" ({r['firstFailure']})"
    return text


def reach(r):
    """When a message had reached every client (its last delivery), p50 / p99 over the
    messages: what "one message reaches all" means to a user watching the slowest client."""
    if not r or get(r, "reachedEveryoneMs", "count") in (None, 0):
        return "–"
    return f"{ms(get(r, 'reachedEveryoneMs', 'p50'))} / {ms(get(r, 'reachedEveryoneMs', 'p99'))} ms"


def per_conn(r):
    v = get(r, "server", "rssPerConnectionKiB")
    return "–" if v is None else f"{v:.1f} KiB"


def connect(r):
    v = get(r, "clients", "connectSeconds")
    if v is None:
        return "–"
    ok = get(r, "clients", "allConnected")
    return f"{v:.2f} s" + ("" if ok else f" ({get(r, 'clients', 'connected'):,} connected)")


def cpu(r):
    v = get(r, "server", "cpuPublishSeconds")
    secs = get(r, "requests", "phaseSeconds")
    if v is None or not secs:
        return "–"
    return f"{v:.2f} s in {secs:.1f} s"


def cpu_per(r, what):
    """Server CPU in the publish phase per delivery (SSE, long poll) or per answer (short poll):
    less sensitive to other work on the machine than the latencies."""
    v = get(r, "server", "cpuPublishSeconds")
    n = get(r, "requests", "publishPhase") if what == "request" else get(r, "latencyMs", "count")
    if v is None or not n:
        return "–"
    return f"{1e6 * v / n:.1f} µs"


def cpu_per_connection(r):
    """Server CPU per client while they connected: the connect time itself is paced by the
    one-thread load generator as much as by the server."""
    v, n = get(r, "server", "cpuConnectSeconds"), get(r, "clients", "connected")
    if v is None or not n:
        return "–"
    return f"{1e6 * v / n:.1f} µs"


def held_idle(r):
    v, secs = get(r, "server", "cpuIdleSeconds"), get(r, "server", "idleSeconds")
    if v is None or not secs:
        return "–"
    return f"{100 * v / secs:.2f} % of a core"


def rps(r):
    v = get(r, "requests", "perSecond")
    return "–" if v is None or not r else f"{v:,.0f}"


def idle(r):
    v = get(r, "cpuPercent")
    return "–" if v is None else f"{v:.2f} % of a core"


KINDS = ("sse", "ws", "long", "short", "wrk", "idle")


def pass_ratios(p_runs, n_runs, keys, limit, higher_is_better=False):
    """PushLab's figure over Nchan's in each pass (the two ran minutes apart in the same
    pass), and in how many passes the goal held: the spread behind the median's verdict."""
    ratios = []
    for pr, nr in zip(p_runs, n_runs):
        a, b = get(pr, *keys), get(nr, *keys)
        if a is not None and b:
            ratios.append(a / b)
    if not ratios:
        return ""
    met = sum(1 for r in ratios if (r >= limit if higher_is_better else r <= limit))
    middle = sorted(ratios)[(len(ratios) - 1) // 2]
    return (f"; per pass {min(ratios):.2f}–{max(ratios):.2f} × (median {middle:.2f} ×), "
            f"met in {met} of {len(ratios)}")


def goals(p, n, p_runs=None, n_runs=None):
    """Issue 6's goals, checked against this run's median passes."""
    def check(ok, text):
        if ok is None:
            return f"- ? {text} (not measured)"
        return f"- {'met' if ok else '**not met**'}: {text}"

    def cmp(a, b, f):
        return None if a is None or b is None else f(a, b)

    sp, np_ = get(p["sse"], "latencyMs", "p50"), get(n["sse"], "latencyMs", "p50")
    s99, n99 = get(p["sse"], "latencyMs", "p99"), get(n["sse"], "latencyMs", "p99")
    mem = get(p["sse"], "server", "rssPerConnectionKiB")
    pc, nc = get(p["sse"], "clients", "connectSeconds"), get(n["sse"], "clients", "connectSeconds")
    lp, ln = get(p["long"], "latencyMs", "p50"), get(n["long"], "latencyMs", "p50")
    rp, rn = get(p["short"], "requests", "perSecond"), get(n["short"], "requests", "perSecond")
    idle_p = get(p["idle"], "cpuPercent")
    lost = lambda r: get(r, "deliveries", "lost")
    fmt = lambda v, u="ms": "?" if v is None else (
        f"{v:,.0f} {u}" if u == "/s" else f"{v:,.2f} {u}" if u == "s" else f"{v:,.1f} {u}")
    spread = lambda kind, keys, limit, higher=False: pass_ratios(
        (p_runs or {}).get(kind, []), (n_runs or {}).get(kind, []), keys, limit, higher)
    return [
        "Issue 6 goals, PushLab against Nchan in this run (median passes; then PushLab's "
        "figure over Nchan's within each pass, the two measured minutes apart):", "",
        check(cmp(sp, np_, lambda a, b: a <= 0.75 * b),
              f"SSE p50 at most 0.75 of Nchan's: {fmt(sp)} vs {fmt(np_)} × 0.75 = "
              f"{fmt(None if np_ is None else 0.75 * np_)}"
              + spread("sse", ("latencyMs", "p50"), 0.75)),
        check(cmp(s99, n99, lambda a, b: a <= b), f"SSE p99 no worse than Nchan's: {fmt(s99)} vs {fmt(n99)}"),
        check(None if lost(p["sse"]) is None else lost(p["sse"]) == 0,
              f"SSE nothing lost: {lost(p['sse'])} lost over every pass"),
        check(None if mem is None else mem * 1024 <= 10_000,
              f"SSE at most 10 KB (10,000 bytes) per open stream: {fmt(mem, 'KiB')}"),
        check(cmp(pc, nc, lambda a, b: a <= b),
              f"SSE all connected at least as fast as Nchan: {fmt(pc, 's')} vs {fmt(nc, 's')}"
              + spread("sse", ("clients", "connectSeconds"), 1.0)),
        check(None if lost(p["long"]) is None else lost(p["long"]) == 0,
              f"Long poll zero loss: {lost(p['long'])} lost over every pass"),
        check(cmp(lp, ln, lambda a, b: a <= 0.75 * b),
              f"Long poll p50 at most 0.75 of Nchan's: {fmt(lp)} vs {fmt(ln)} × 0.75 = "
              f"{fmt(None if ln is None else 0.75 * ln)}"
              + spread("long", ("latencyMs", "p50"), 0.75)),
        check(cmp(rp, rn, lambda a, b: a >= b),
              f"Short poll requests/s at least Nchan's (1 worker): {fmt(rp, '/s')} vs {fmt(rn, '/s')}"
              + spread("short", ("requests", "perSecond"), 1.0, True)),
        check(None if idle_p is None else idle_p <= 0.1,
              f"Idle: no CPU with nothing happening (≤ 0.1 % of a core): {fmt(idle_p, '%')}"),
    ]


def goals15(res, runs):
    """Issue 15's goals: SSE and long-poll "reaches all" p50 against Nchan (2 workers), and the
    short poll's requests/s against Nchan with one worker, by both generators; with each
    generator's ceiling (nginx `return 200`) beside them, so a generator's own limit shows."""
    p, n = res["pushlab"], res["nchan"]
    c = res.get("ceiling", {})
    pr, nr = runs["pushlab"], runs["nchan"]

    def line(kind, keys, limit, higher, label):
        a, b = get(p[kind], *keys), get(n[kind], *keys)
        if a is None or not b:
            return f"- ? {label} (not measured)"
        ok = a >= limit * b if higher else a <= limit * b
        unit = "/s" if higher else "ms"
        fmt = (lambda v: f"{v:,.0f} {unit}") if higher else (lambda v: f"{v:,.1f} {unit}")
        return (f"- {'met' if ok else '**not met**'}: {label}: {fmt(a)} vs {fmt(b)}, "
                f"{a / b:.2f} × (goal {'≥' if higher else '≤'} {limit})"
                + pass_ratios(pr[kind], nr[kind], keys, limit, higher))

    out = ["Issue 15 goals, PushLab against Nchan in this run (median passes, then pass by pass; "
           "a goal is met by the medians and in at least 4 of 5 passes):", "",
           line("sse", ("reachedEveryoneMs", "p50"), 0.6, False,
                "SSE, one message reaches all, p50 at most 0.6 of Nchan's"),
           line("long", ("reachedEveryoneMs", "p50"), 0.75, False,
                "Long poll, one message reaches all, p50 at most 0.75 of Nchan's"),
           line("short", ("requests", "perSecond"), 1.0, True,
                "Short poll requests/s (`pushlab-cli bench`) at least Nchan's with one worker"),
           line("wrk", ("requests", "perSecond"), 1.0, True,
                "Short poll requests/s (wrk) at least Nchan's with one worker")]
    for kind, generator in (("short", "`pushlab-cli bench`"), ("wrk", "wrk")):
        top = get(c.get(kind, {}), "requests", "perSecond")
        if not top:
            continue
        share = ", ".join(f"{NAMES[s].split(',')[0]} {100 * v / top:.0f} %"
                          for s in ("pushlab", "nchan", "go") if s in res
                          for v in [get(res[s][kind], "requests", "perSecond")] if v)
        out.append(f"- The ceiling for {generator}: nginx `return 200` at {top:,.0f} requests/s; "
                   f"of that: {share}.")
    return out


def median_run(kind, runs):
    """The pass to show: the median by the row's main figure. Deliveries are summed over every
    pass, so a loss in any pass shows in the table."""
    done = [r for r in runs if r]
    if not done:
        return {}
    if kind == "idle":
        key = lambda r: get(r, "cpuPercent") or 0
    elif kind in ("short", "wrk"):
        key = lambda r: get(r, "requests", "perSecond") or 0
    else:
        key = lambda r: get(r, "latencyMs", "p50") if get(r, "latencyMs", "count") else float("inf")
    chosen = dict(sorted(done, key=key)[(len(done) - 1) // 2])
    if kind not in ("idle", "wrk"):
        total = {k: sum(get(r, "deliveries", k) or 0 for r in done)
                 for k in ("expected", "received", "lost")}
        chosen["deliveries"] = dict(chosen.get("deliveries", {}), **total)
        chosen["passes"] = len(done)
        chosen["notConnected"] = sum((get(r, "clients", "requested") or 0)
                                     - (get(r, "clients", "connected") or 0) for r in done)
        chosen["firstFailure"] = next((get(r, "clients", "firstFailure") for r in done
                                       if get(r, "clients", "firstFailure")), None)
    return chosen


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--raw", required=True)
    p.add_argument("--servers", required=True)
    p.add_argument("--markdown", required=True)
    p.add_argument("--chart-data", required=True)
    p.add_argument("--command", required=True)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--pushlab-version", default="")
    p.add_argument("--pushlab-threads", default="")
    a = p.parse_args()
    servers = a.servers.split()
    passes = range(1, a.repeat + 1)
    runs = {s: {k: [load(a.raw, f"{s}-{k}-{i}") for i in passes] for k in KINDS} for s in servers}
    res = {s: {k: median_run(k, runs[s][k]) for k in KINDS} for s in servers}
    clients = next((get(res[s]["sse"], "clients", "requested") for s in servers
                    if get(res[s]["sse"], "clients", "requested")), 0)
    short_clients = next((get(res[s]["short"], "clients", "requested") for s in servers
                          if get(res[s]["short"], "clients", "requested")), 0)

    cpu_model = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu_model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    try:
        with open("/proc/loadavg") as f:
            loadavg = " ".join(f.read().split()[:3])
    except OSError:
        loadavg = "?"

    names = [NAMES.get(s, s) for s in servers]
    rows = [
        (f"SSE: one message reaches all {clients:,} (its last delivery), p50 / p99",
         lambda r: reach(r["sse"])),
        ("SSE: latency per delivery, p50 / p99", lambda r: latency(r["sse"])),
        ("SSE: deliveries received / expected", lambda r: loss(r["sse"])),
        ("SSE: server memory per open stream", lambda r: per_conn(r["sse"])),
        (f"SSE: connect all {clients:,}", lambda r: connect(r["sse"])),
        ("SSE: server CPU per stream while connecting", lambda r: cpu_per_connection(r["sse"])),
        ("SSE: server CPU while publishing", lambda r: cpu(r["sse"])),
        ("SSE: server CPU per delivery", lambda r: cpu_per(r["sse"], "delivery")),
        (f"WebSocket: one message reaches all {clients:,}, p50 / p99", lambda r: reach(r["ws"])),
        ("WebSocket: latency per delivery, p50 / p99", lambda r: latency(r["ws"])),
        ("WebSocket: deliveries received / expected", lambda r: loss(r["ws"])),
        ("WebSocket: server memory per open socket", lambda r: per_conn(r["ws"])),
        (f"WebSocket: connect all {clients:,}", lambda r: connect(r["ws"])),
        ("WebSocket: server CPU per delivery", lambda r: cpu_per(r["ws"], "delivery")),
        (f"Long poll: one message reaches all {clients:,}, p50 / p99", lambda r: reach(r["long"])),
        ("Long poll: latency per delivery, p50 / p99", lambda r: latency(r["long"])),
        ("Long poll: deliveries received / expected", lambda r: loss(r["long"])),
        ("Long poll: server memory per waiting client", lambda r: per_conn(r["long"])),
        ("Long poll: server CPU per delivery (answer + next request)",
         lambda r: cpu_per(r["long"], "delivery")),
        (f"Short poll, {short_clients} keep-alive connections, `pushlab-cli bench`: requests/s",
         lambda r: rps(r["short"])),
        ("Short poll: deliveries received / expected", lambda r: loss(r["short"])),
        ("Short poll, `pushlab-cli bench`: server CPU per request",
         lambda r: cpu_per(r["short"], "request")),
        (f"Short poll, {short_clients} keep-alive connections, wrk: requests/s",
         lambda r: rps(r["wrk"])),
        ("Short poll, wrk: server CPU per request", lambda r: cpu_per(r["wrk"], "request")),
        ("Idle: server CPU with no clients", lambda r: idle(r["idle"])),
        (f"Idle: server CPU with {clients:,} open SSE streams", lambda r: held_idle(r["sse"])),
        (f"Idle: server CPU with {clients:,} open WebSockets", lambda r: held_idle(r["ws"])),
        (f"Idle: server CPU with {clients:,} waiting long polls", lambda r: held_idle(r["long"])),
    ]
    out = [f"# Benchmark {now}", "",
           f"Machine: {os.cpu_count()} cores ({cpu_model}), {platform.system()} {platform.release()}; "
           "load generator (`pushlab-cli bench`, one thread) on the same cores, loopback; "
           f"load average when the report was written: {loadavg} (other work on the machine "
           "shows up in the latencies).",
           f"Command: `{a.command}`"
           + (f"; PushLab built from `{a.pushlab_version}`." if a.pushlab_version else "")
           + (f" PushLab ran {a.pushlab_threads} (`pushlab-cli serve --threads`, "
              "`--fanout-threads`)." if a.pushlab_threads else ""), "",
           "| " + " | ".join(["Measured"] + names) + " |",
           "|" + "---|" * (len(names) + 1)]
    passes_text = "1 pass" if a.repeat == 1 else f"{a.repeat} passes"
    rows = [(label + f", {passes_text}" if "received / expected" in label else label, fn)
            for label, fn in rows]
    for label, fn in rows:
        out.append("| " + " | ".join([label] + [fn(res[s]) for s in servers]) + " |")
    out += ["",
            "Latency is the client's receive time minus the time the bench sent the publish "
            "request (both on this machine's monotonic clock). \"Reaches all\" is a message's "
            "last delivery, p50 / p99 over the messages; \"per delivery\" is over every (message, "
            "client) pair. The short poll is measured by two generators: `pushlab-cli bench` "
            "(following each answer's position) and wrk (Debian's, one thread, the same "
            "up-to-date URL every request; Nchan answers it 304). "
            + (f"Each figure comes from the median of {a.repeat} passes (by p50, by requests/s "
               "for short poll, by CPU for idle); delivery counts add up every pass. "
               if a.repeat > 1 else "")
            + ("Nchan's short-poll column runs nginx with one worker (interval polling); its "
               "other rows run two. " if "nchan" in servers else "")
            + "Idle rows: server CPU over a few seconds with nothing published. "
            "Memory per connection is the "
            "growth of the server's resident memory (all its processes) from before the clients "
            "connected to after, divided by the clients connected.", ""]
    if "pushlab" in servers and "nchan" in servers:
        out += goals15(res, runs) + [""]
        out += goals(res["pushlab"], res["nchan"], runs["pushlab"], runs["nchan"]) + [""]
    notes = []
    for s in servers:
        for k in ("sse", "ws", "long", "short", "wrk"):
            for i, r in enumerate(runs[s][k], 1):
                n = get(r, "note")
                if n:
                    notes.append(f"- {NAMES.get(s, s)} {k}, pass {i}: {n.strip()}")
                elif not r and (s != "ceiling" or k in ("short", "wrk")):
                    notes.append(f"- {NAMES.get(s, s)} {k}, pass {i}: no result (see the run's log)")
    if notes:
        out += ["Notes:"] + notes + [""]
    # Every pass, so the spread between passes is visible next to the median.
    out += ["Every pass (SSE, WebSocket and long poll: reaches all p50 / p99 ms; short poll: "
            "requests/s):", "",
            "| Server, load | " + " | ".join(f"pass {i}" for i in passes) + " |",
            "|" + "---|" * (a.repeat + 1)]
    for s in servers:
        for k in ("sse", "ws", "long", "short", "wrk"):
            if not any(runs[s][k]):
                continue
            cells = [rps(r) if k in ("short", "wrk") else reach(r) for r in runs[s][k]]
            out.append(f"| {NAMES.get(s, s)}, {k} | " + " | ".join(cells) + " |")
    out.append("")
    with open(a.markdown, "w") as f:
        f.write("\n".join(out))

    with open(a.chart_data, "w") as f:
        f.write("# server sse_p50 sse_p99 long_p50 long_p99 short_rps short_label\n")
        for s in servers:
            r = res[s]
            vals = [get(r["sse"], "latencyMs", "p50"), get(r["sse"], "latencyMs", "p99"),
                    get(r["long"], "latencyMs", "p50"), get(r["long"], "latencyMs", "p99"),
                    get(r["short"], "requests", "perSecond")]
            short_label = "Nchan, 1 worker" if s == "nchan" else NAMES.get(s, s)
            f.write('"%s" %s "%s"\n' % (NAMES.get(s, s), " ".join(
                "0" if v is None else f"{v:.3f}" for v in vals), short_label))


if __name__ == "__main__":
    main()
