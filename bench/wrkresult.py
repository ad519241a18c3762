#!/usr/bin/env python3
"""Reads wrk's text report on stdin and writes it as JSON shaped like `pushlab-cli bench
--json`'s short-poll result (requests.perSecond, requests.publishPhase, server.cpuPublishSeconds),
so bench/report.py, passes.py and pool.py read both generators the same way.

Usage: wrk ... | bench/wrkresult.py --cpu BEFORE AFTER --url URL --clients N
(BEFORE/AFTER: the server's CPU seconds around the wrk run, from /proc)
"""
import argparse
import json
import re
import sys

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def duration_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return None
    value, unit = float(m.group(1)), m.group(2)
    return value * 60e3 if unit == "m" else value * UNITS[unit]


def parse(text):
    out = {}
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
    if m:
        out["total"] = int(m.group(1))
        out["seconds"] = duration_ms(m.group(2) + m.group(3)) / 1e3
    m = re.search(r"Requests/sec:\s*([\d.]+)", text)
    if m:
        out["perSecond"] = float(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    out["httpErrors"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socketErrors"] = sum(int(g) for g in m.groups()) if m else 0
    latency = {}
    for pct, key in (("50", "p50"), ("99", "p99")):
        m = re.search(r"^\s*" + pct + r"(?:\.000)?%\s+(\S+)", text, re.M)
        if m and duration_ms(m.group(1)) is not None:
            latency[key] = duration_ms(m.group(1))
    out["latency"] = latency
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cpu", nargs=2, type=float, metavar=("BEFORE", "AFTER"), required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--clients", type=int, required=True)
    a = p.parse_args()
    text = sys.stdin.read()
    w = parse(text)
    if "perSecond" not in w:
        # No figure: say why in the report (the first line wrk printed), rather than a zero.
        first = next((l.strip() for l in text.splitlines() if l.strip()), "no output")
        json.dump({"generator": "wrk", "note": "wrk gave no result: " + first[:200]}, sys.stdout)
        return
    result = {
        "generator": "wrk",
        "pattern": "short",
        "subscribeUrl": a.url,
        "clients": {"requested": a.clients, "connected": a.clients},
        "requests": {"total": w["total"], "publishPhase": w["total"],
                     "phaseSeconds": w["seconds"], "perSecond": w["perSecond"],
                     "httpErrors": w["httpErrors"], "socketErrors": w["socketErrors"]},
        "latencyMs": dict(w["latency"], count=w["total"]),
        "server": {"cpuPublishSeconds": round(a.cpu[1] - a.cpu[0], 3)},
    }
    if w["httpErrors"] or w["socketErrors"]:
        result["note"] = (f"wrk counted {w['httpErrors']} answers that were not 2xx/3xx and "
                          f"{w['socketErrors']} socket errors")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
