#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The layering check (ARCHITECTURE.md): fails on an include against the
layer rules, on a <bcc/...> include outside src/loader, on an include
cycle between modules, in src/ and in probes/, and on a line printed to
stdout or stderr outside src/output and src/cli (diagnostics go through
output/diag.c; other layers hand a stream to output's functions).

A module is a .c file and its .h (src/kernel/btf_offsets.{c,h}); a module
depends on another when any of its files includes the other's header.
Usage: check_layers.py [SOURCE_DIR]"""
import os
import re
import sys

# What each layer of src/ may include, beside itself and probes/nwtrace_events.h.
MAY_INCLUDE = {
    "util": set(),
    "kernel": {"util"},
    "plan": {"util", "kernel"},
    "loader": {"util", "kernel", "plan"},
    "decode": {"util", "kernel"},
    "output": {"util", "kernel", "decode"},
    "features": {"util", "kernel", "plan", "loader", "decode", "output"},
    "session": {"util", "kernel", "plan", "loader", "decode", "output", "features"},
    "cli": {"util", "kernel", "plan", "loader", "decode", "output", "features", "session"},
}
SHARED = "probes/nwtrace_events.h"
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]', re.M)
PRINTS = ("output", "cli")
PRINT_CALL = re.compile(
    r'\b(?:(?:printf|puts|putchar|perror|vprintf)\s*\('
    r'|(?:fprintf|vfprintf|fputs|fputc|putc|fwrite)\s*\([^;]*\b(?:stdout|stderr)\b)')


def sources(root, top):
    for d, _, files in os.walk(os.path.join(root, top)):
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(d, f), root)


def module(path):
    return os.path.splitext(path)[0].removesuffix(".bpf")


def includes(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        text = f.read()
    return [(kind, name) for kind, name in INCLUDE.findall(text)]


def find_cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return cycles


def check_src(root, problems):
    edges = {}
    for path in sources(root, "src"):
        parts = path.split(os.sep)
        layer = parts[1] if len(parts) > 2 else None
        if layer not in MAY_INCLUDE:
            problems.append(f"{path}: not in a layer folder ({', '.join(MAY_INCLUDE)})")
            continue
        if layer not in PRINTS:
            with open(os.path.join(root, path), encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if PRINT_CALL.search(line):
                        problems.append(f"{path}:{n}: prints to stdout/stderr; "
                                        "only src/output and src/cli do (output/diag.h)")
        for kind, name in includes(root, path):
            if kind == "<":
                if name.startswith("bcc/") and layer != "loader":
                    problems.append(f"{path}: includes <{name}>; only src/loader talks to libbcc")
                continue
            if name == SHARED:
                continue
            target_layer = name.split("/")[0] if "/" in name else None
            target = os.path.join("src", name)
            if target_layer not in MAY_INCLUDE or not os.path.exists(os.path.join(root, target)):
                problems.append(f'{path}: #include "{name}" is not a header of a layer of src/')
                continue
            if target_layer != layer and target_layer not in MAY_INCLUDE[layer]:
                problems.append(f'{path}: #include "{name}": {layer} may not include {target_layer}')
            if module(target) != module(path):
                edges.setdefault(module(path), set()).add(module(target))
    for cycle in find_cycles(edges):
        problems.append("include cycle between modules: " + ", ".join(cycle))


def check_probes(root, problems):
    edges = {}
    for path in sources(root, "probes"):
        for kind, name in includes(root, path):
            if kind != '"':
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path), name))
            if not os.path.exists(os.path.join(root, target)):
                target = os.path.normpath(os.path.join("probes", name))
            if not os.path.exists(os.path.join(root, target)):
                continue    # composed at run time (e.g. the kernel's own headers)
            if module(target) != module(path):
                edges.setdefault(module(path), set()).add(module(target))
    for cycle in find_cycles(edges):
        problems.append("include cycle between probe files: " + ", ".join(cycle))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    root = os.path.abspath(root)
    problems = []
    check_src(root, problems)
    check_probes(root, problems)
    for p in problems:
        print(p)
    if problems:
        print(f"FAIL: {len(problems)} layering problems (see ARCHITECTURE.md)")
        return 1
    print("PASS: includes follow the layers; no include cycles; only output and cli print")
    return 0


if __name__ == "__main__":
    sys.exit(main())
