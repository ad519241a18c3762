#!/usr/bin/env python3
"""The per-pass figures of a bench/run.sh run in one small CSV: a row per (server, load, pass),
a column per figure of `pushlab-cli bench --json` (dotted paths such as latencyMs.p50; each
cell JSON-encoded, so numbers and booleans read back exactly). What is left out: the URLs and
process ids, which differ every pass and say nothing about the result.

run.sh writes <run>.csv next to <run>-raw/ (the JSON files themselves, not committed);
bench/pool.py reads either.

Usage: bench/passes.py RUN-raw OUT.csv
"""
import csv
import glob
import json
import os
import re
import sys

DROPPED = {"subscribeUrl", "publishUrl", "server.pids"}
NAME = re.compile(r"(\w+)-(sse|ws|long|short|wrk|idle)-(\d+)\.json")


def _flatten(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from _flatten(v, prefix + k + ".")
        elif prefix + k not in DROPPED:
            yield prefix + k, v


def _nest(flat):
    out = {}
    for path, v in flat.items():
        d = out
        *parents, leaf = path.split(".")
        for p in parents:
            d = d.setdefault(p, {})
        d[leaf] = v
    return out


def load_raw(raw):
    """{(server, load, pass): result} from a run's -raw directory of JSON files."""
    out = {}
    for path in glob.glob(os.path.join(raw, "*.json")):
        m = NAME.fullmatch(os.path.basename(path))
        if not m:
            continue
        try:
            with open(path) as f:
                out[(m.group(1), m.group(2), int(m.group(3)))] = json.load(f)
        except (OSError, ValueError):
            pass
    return out


def load_csv(path):
    """{(server, load, pass): result} from a run's CSV (see write_csv)."""
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row.pop("server"), row.pop("load"), int(row.pop("pass")))
            out[key] = _nest({k: json.loads(v) for k, v in row.items() if v != ""})
    return out


def load(path):
    """A run given as its -raw directory or its .csv."""
    return load_raw(path) if os.path.isdir(path) else load_csv(path)


def write_csv(run, path):
    rows = {key: dict(_flatten(result)) for key, result in run.items()}
    columns = sorted({c for r in rows.values() for c in r})
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["server", "load", "pass"] + columns)
        for key in sorted(rows):
            r = rows[key]
            w.writerow(list(key) + [json.dumps(r[c]) if c in r else "" for c in columns])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.rsplit("\n\n", 1)[-1])
    write_csv(load_raw(sys.argv[1]), sys.argv[2])


if __name__ == "__main__":
    main()
