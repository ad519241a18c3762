#!/usr/bin/env python3
"""The house rules a reader should not have to check by hand, checked on the source tree.

- No production source file is over MAX_LINES lines.
- No two headers share a name (they would shadow each other on one include path).
- No include cycle between classes: class X (x.h, x.cpp) depends on class Y when either of
  X's files includes y.h; a cycle X -> ... -> X means neither can be understood or built alone.
- The layers' one direction (ARCHITECTURE.md): server/ and client/ never include each other or
  ui/, ui/ never includes server/, common/ includes only common/.

Usage: check_structure.py SOURCE_DIR    (exit 1 and one line per finding when a rule is broken)
       check_structure.py --self-test   (the checks find what they must, on made-up trees)
"""
import os
import re
import sys
import tempfile

PRODUCTION = ["server", "client", "ui", "app", "bench", "common"]
SKIP_DIRS = {"results", "node_modules"}
SOURCE_EXT = (".h", ".cpp", ".py", ".go", ".sh", ".js", ".mjs")
MAX_LINES = 500
# What each layer may include besides itself (a missing key: anything).
MAY_INCLUDE = {
    "common": {"common"},
    "server": {"common", "server"},
    "client": {"common", "client"},
    "ui": {"common", "client", "ui"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def production_files(root):
    for top in PRODUCTION:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
            for name in sorted(filenames):
                if name.endswith(SOURCE_EXT):
                    yield os.path.join(dirpath, name)


def layer_of(root, path):
    return os.path.relpath(path, root).split(os.sep)[0]


def strongly_connected(graph):
    """Tarjan's algorithm; returns the components with more than one node."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def check(root):
    problems = []
    files = list(production_files(root))
    headers = {}
    for path in files:
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        if lines > MAX_LINES:
            problems.append(f"{rel}: {lines} lines (at most {MAX_LINES})")
        if path.endswith(".h"):
            name = os.path.basename(path)
            if name in headers:
                problems.append(f"{rel}: a second header named {name} (also {headers[name]})")
            headers.setdefault(name, rel)

    graph = {}
    for path in files:
        if not path.endswith((".h", ".cpp")):
            continue
        rel = os.path.relpath(path, root)
        node = os.path.splitext(rel)[0]
        with open(path, encoding="utf-8", errors="replace") as f:
            includes = INCLUDE.findall(f.read())
        for inc in includes:
            target = headers.get(os.path.basename(inc))
            if target is None:
                continue  # generated (moc, ui) or a system header in quotes
            target_node = os.path.splitext(target)[0]
            if target_node != node:
                graph.setdefault(node, set()).add(target_node)
            allowed = MAY_INCLUDE.get(layer_of(root, path))
            if allowed is not None and layer_of(root, os.path.join(root, target)) not in allowed:
                problems.append(f"{rel}: includes {target}, against the layers' one direction")
    for component in strongly_connected(graph):
        problems.append("include cycle between " + ", ".join(component))
    return problems, len(files)


def self_test():
    def tree(files):
        root = tempfile.mkdtemp(prefix="pushlab-structure-")
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        return root

    failures = []

    def expect(name, files, fragment):
        problems, _ = check(tree(files))
        hit = [p for p in problems if fragment in p] if fragment else problems
        if fragment and not hit:
            failures.append(f"{name}: expected a finding with '{fragment}', got {problems}")
        if not fragment and problems:
            failures.append(f"{name}: expected none, got {problems}")

    clean = {"server/a.h": '#include "b.h"\n', "server/b.h": "", "server/a.cpp": '#include "a.h"\n'}
    expect("a clean tree", clean, None)
    expect("a .cpp closing a cycle", {"server/a.h": '#include "b.h"\n', "server/b.h": "",
                                      "server/b.cpp": '#include "a.h"\n'}, "include cycle")
    expect("a three-class cycle", {"server/a.h": '#include "b.h"\n', "server/b.h": '#include "c.h"\n',
                                   "server/c.h": '#include "a.h"\n'}, "include cycle")
    expect("a long file", {"ui/long.cpp": "x\n" * (MAX_LINES + 1)}, "lines (at most")
    expect("two headers of one name", {"client/s.h": "", "bench/s.h": ""}, "a second header")
    expect("server reaching into client", {"server/a.cpp": '#include "c.h"\n', "client/c.h": ""},
           "one direction")
    for f in failures:
        print("self-test:", f)
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        status = self_test()
        print("structure self-test:", "failed" if status else "every rule finds its case")
        return status
    if len(argv) != 2:
        print(__doc__)
        return 2
    problems, count = check(argv[1])
    for p in problems:
        print(p)
    print(f"structure: {count} production files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
