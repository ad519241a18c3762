#!/usr/bin/env python3
"""Pools the passes of several bench/run.sh runs: each server's median over every pass, and
issue 6's ratio goals judged on those medians and pass by pass.

One run's verdict swings with the noise of a shared 2-core machine; more passes judge better.

Usage: bench/pool.py bench/results/2026-11-28-0716.csv bench/results/2026-11-28-0729.csv ...
(a run's per-pass CSV, see passes.py, or its -raw directory of JSON files)
"""
import argparse
import os
import statistics

from passes import load as load_run  # same folder: run as bench/pool.py
from report import get

SERVERS = ("pushlab", "nchan", "go")
NAMES = {"pushlab": "PushLab", "nchan": "Nchan", "go": "Go"}
# (label, load, JSON path, goal as PushLab / Nchan, True when higher is better)
FIGURES = [
    ("SSE p50, ms", "sse", ("latencyMs", "p50"), 0.75, False),
    ("SSE p99, ms", "sse", ("latencyMs", "p99"), 1.0, False),
    ("SSE connect 10,000, s", "sse", ("clients", "connectSeconds"), 1.0, False),
    ("Long-poll p50, ms", "long", ("latencyMs", "p50"), 0.75, False),
    ("Long-poll p99, ms", "long", ("latencyMs", "p99"), None, False),
    ("Short poll, requests/s", "short", ("requests", "perSecond"), 1.0, True),
]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run", nargs="+", help="a run's per-pass .csv or its -raw directory")
    a = p.parse_args()
    runs = [load_run(r) for r in a.run]
    passes = sum(len({k[2] for k in run}) for run in runs)
    print(f"{len(runs)} runs, {passes} passes: " + ", ".join(os.path.basename(r) for r in a.run))
    print()
    print("| Figure | " + " | ".join(NAMES[s] for s in SERVERS) +
          " | PushLab / Nchan | goal | passes where the goal held |")
    print("|---|" + "---|" * (len(SERVERS) + 3))
    for label, load, keys, goal, higher in FIGURES:
        values = {s: [] for s in SERVERS}
        paired = []
        for run in runs:
            for (server, kind, n), result in sorted(run.items()):
                if kind != load or server not in values:
                    continue
                v = get(result, *keys)
                # A pass where clients failed to connect measured something else.
                if v is None or not get(result, "clients", "allConnected"):
                    continue
                values[server].append(v)
                if server == "pushlab":
                    other = get(run.get(("nchan", load, n), {}), *keys)
                    if other:
                        paired.append(v / other)
        medians = {s: statistics.median(v) if v else None for s, v in values.items()}
        cells = [("–" if medians[s] is None else f"{medians[s]:,.3g}" if medians[s] < 100
                  else f"{medians[s]:,.0f}") + f" ({len(values[s])})" for s in SERVERS]
        ratio = (medians["pushlab"] / medians["nchan"]
                 if medians["pushlab"] is not None and medians["nchan"] else None)
        ratio_text = "–" if ratio is None else f"{ratio:.2f} ×"
        if goal is None:
            goal_text, held = "–", "–"
        else:
            ok = None if ratio is None else (ratio >= goal if higher else ratio <= goal)
            goal_text = (f"{'≥' if higher else '≤'} {goal:g} × "
                         + ("(met)" if ok else "(**not met**)" if ok is not None else ""))
            met = sum(1 for r in paired if (r >= goal if higher else r <= goal))
            held = f"{met} of {len(paired)}"
        print(f"| {label} | " + " | ".join(cells) + f" | {ratio_text} | {goal_text} | {held} |")
    print()
    print("Each cell: the median over every pass (passes counted in brackets); a pass whose "
          "clients did not all connect is left out. The ratio compares the medians; the last "
          "column compares PushLab with Nchan within each pass.")


if __name__ == "__main__":
    main()
