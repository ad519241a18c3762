#!/usr/bin/env python3
"""The table of a bench/sustained.sh run: one row per (server, pattern, rate, hog), the median
pass by p50 latency from the schedule, the counts summed over every pass; and a CSV with every
pass. Reads the run's -raw/ directory (<server>-<pattern>-<rate>-hog<yes|no>-<pass>.json, each
`pushlab-cli bench --json`).

Usage: bench/sustained.py RAW --csv OUT.csv --markdown OUT.md [--command C] [--seconds S]
       [--pushlab-version V]
"""
import argparse
import csv
import glob
import json
import os
import re

NAME = re.compile(r"(pushlab|nchan)-(sse|long)-(\d+)-hog(yes|no)-(\d+)\.json")
SERVERS = {"pushlab": "PushLab", "nchan": "Nchan, 2 workers"}
PATTERNS = {"sse": "SSE", "long": "long poll"}


def get(d, path, default=0):
    for key in path.split("."):
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


def figures(r):
    """The figures of one pass, flat."""
    phase = get(r, "requests.phaseSeconds")
    cpu = get(r, "server.cpuPublishSeconds")
    return {
        "p50_schedule_ms": get(r, "latencyFromScheduleMs.p50"),
        "p99_schedule_ms": get(r, "latencyFromScheduleMs.p99"),
        "max_schedule_ms": get(r, "latencyFromScheduleMs.max"),
        "p50_sent_ms": get(r, "latencyMs.p50"),
        "p99_sent_ms": get(r, "latencyMs.p99"),
        "requested": get(r, "messages.requested"),
        "answered": get(r, "messages.answered"),
        "publish_errors": get(r, "messages.publishErrors"),
        "sent_late": get(r, "messages.sentLate"),
        "sent_after_schedule": get(r, "messages.sentAfterSchedule"),
        "not_sent": get(r, "messages.notSent"),
        "send_delay_p99_ms": get(r, "messages.sendDelayMs.p99"),
        "clients": get(r, "clients.connected"),
        "expected": get(r, "deliveries.expected"),
        "received": get(r, "deliveries.received"),
        "phase_seconds": phase,
        "server_cpu_s": cpu,
        "server_cpu_percent": 100 * cpu / phase if phase else 0,
        "bench_cpu_s": get(r, "benchCpuSeconds"),
        "elapsed_s": get(r, "elapsedSeconds"),
        "timed_out": get(r, "timedOut", False),
    }


def load(raw):
    rows = {}
    for path in sorted(glob.glob(os.path.join(raw, "*.json"))):
        m = NAME.fullmatch(os.path.basename(path))
        if not m:
            continue
        try:
            with open(path) as f:
                r = json.load(f)
        except (OSError, ValueError):
            r = {}
        key = (m.group(1), m.group(2), int(m.group(3)), m.group(4))
        rows.setdefault(key, []).append((int(m.group(5)), figures(r)))
    return rows


def n(v):
    return f"{int(v):,}"


def main():
    a = argparse.ArgumentParser()
    a.add_argument("raw")
    a.add_argument("--csv", required=True)
    a.add_argument("--markdown", required=True)
    a.add_argument("--command", default="bench/sustained.sh")
    a.add_argument("--seconds", type=int, default=0)
    a.add_argument("--pushlab-version", default="unknown")
    args = a.parse_args()
    rows = load(args.raw)

    with open(args.csv, "w", newline="") as f:
        w = None
        for key in sorted(rows):
            for pas, fig in sorted(rows[key]):
                line = {"server": key[0], "pattern": key[1], "rate": key[2], "hog": key[3],
                        "pass": pas, **fig}
                if w is None:
                    w = csv.DictWriter(f, fieldnames=list(line))
                    w.writeheader()
                w.writerow(line)

    order = lambda k: (k[3] == "yes", k[1] != "sse", k[2], k[0] != "pushlab")
    passes = max((len(v) for v in rows.values()), default=0)
    load_avg = os.getloadavg()
    out = [
        f"# Sustained rates, {os.path.basename(args.raw).removesuffix('-raw')}",
        "",
        f"Command: `{args.command}`, {args.seconds} s. PushLab `{args.pushlab_version}`; "
        f"{os.cpu_count()} cores; load average at the end {load_avg[0]:.2f}; "
        f"{passes} pass(es), the median pass per row (by p50 from the schedule), counts summed "
        "over every pass.",
        "",
        "Latency is receive time minus the message's scheduled time (publish start + sequence / "
        "rate), p50 / p99; \"from send\" is minus the time its publish request was sent. "
        "Published: publishes answered 2xx / requested (rate × seconds); late: sent more than "
        "10 ms after its scheduled time; unsent: never sent before the run's limit. Server CPU: "
        "the publish phase (schedule and drain), % of one core. Generator CPU: the load "
        "generator's whole run.",
        "",
        "| Server | Pattern | msg/s | Hog | p50 / p99 from schedule (ms) | p50 / p99 from send (ms) "
        "| Published / requested | Late / unsent | Deliveries received / expected "
        "| Server CPU | Generator CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in sorted(rows, key=order):
        figs = [f for _, f in rows[key]]
        med = sorted(figs, key=lambda f: f["p50_schedule_ms"])[(len(figs) - 1) // 2]
        total = lambda name: sum(f[name] for f in figs)
        flag = " (limit)" if any(f["timed_out"] for f in figs) else ""
        out.append(
            f"| {SERVERS[key[0]]} | {PATTERNS[key[1]]} | {n(key[2])} | {key[3]} "
            f"| {med['p50_schedule_ms']:.1f} / {med['p99_schedule_ms']:.1f} "
            f"| {med['p50_sent_ms']:.1f} / {med['p99_sent_ms']:.1f} "
            f"| {n(total('answered'))} / {n(total('requested'))} "
            f"| {n(total('sent_late'))} / {n(total('not_sent'))} "
            f"| {n(total('received'))} / {n(total('expected'))}{flag} "
            f"| {med['server_cpu_s']:.2f} s in {med['phase_seconds']:.1f} s "
            f"({med['server_cpu_percent']:.0f} %) "
            f"| {med['bench_cpu_s']:.2f} s in {med['elapsed_s']:.1f} s |")
    out.append("")
    with open(args.markdown, "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
