# SPDX-License-Identifier: Apache-2.0
"""Helpers for the drop (-k) and error-packet (-e) end-to-end tests."""
import json
import os
import re
import subprocess

from nwt_e2e import PYTHON, check, run, skip_or_fail

HERE = os.path.dirname(os.path.abspath(__file__))
FAULT_PEER = os.path.join(HERE, "fault_peer.py")
TRACEFS = ("/sys/kernel/tracing", "/sys/kernel/debug/tracing")


def require_tools(*tools):
    for tool in tools:
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            skip_or_fail(f"{tool} not installed (scripts/install-deps.sh --test installs it)")


def require_scapy():
    if subprocess.run([PYTHON, "-c", "import scapy.all"], capture_output=True).returncode:
        skip_or_fail("python3-scapy not installed (scripts/install-deps.sh --test installs it)")


def peer(pair, ns, *args, background=False):
    """fault_peer.py in a namespace: its JSON line, or the Popen when in the background."""
    argv = pair.exec_args(ns) + [PYTHON, FAULT_PEER] + [str(a) for a in args]
    if background:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        ready = json.loads(proc.stdout.readline())
        check(ready.get("listening"), f"{args} did not start")
        return proc
    res = subprocess.run(argv, capture_output=True, text=True, timeout=40)
    check(res.returncode == 0, f"fault_peer {args} failed: {res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def tracepoint_symbols(event, field):
    """The running kernel's {name: number} for __print_symbolic(REC->field) in a format file,
    read here independently of nwtrace."""
    for root in TRACEFS:
        path = f"{root}/events/{event}/format"
        if os.path.exists(path):
            with open(path) as f:
                text = f.read()
            m = re.search(r"__print_symbolic\(REC->%s,(.*?)\)" % field, text, re.S)
            check(m, f"{path} has no symbolic {field}")
            return {name: int(num, 0) for num, name in
                    re.findall(r'\{\s*([0-9a-fx]+)\s*,\s*"([A-Z0-9_]+)"\s*\}', m.group(1))}
    skip_or_fail("tracefs not mounted: cannot read the kernel's own reason names")


def netns_counter(pair, ns, table, name="packets"):
    """Sum of the rule counters of an nft table in a namespace (nft -j list ruleset)."""
    data = json.loads(run(pair.exec_args(ns) + ["nft", "-j", "list", "table", "inet", table]).stdout)
    total = 0
    for item in data["nftables"]:
        for expr in item.get("rule", {}).get("expr", []):
            if "counter" in expr:
                total += expr["counter"][name]
    return total


def snmp_counter(pair, ns, group, name):
    """A counter from /proc/net/snmp of a namespace (e.g. Tcp InCsumErrors)."""
    lines = [l.split() for l in run(pair.exec_args(ns) + ["cat", "/proc/net/snmp"]).stdout.splitlines()]
    for head, vals in zip(lines[::2], lines[1::2]):
        if head[0] == f"{group}:":
            return int(vals[head.index(name)])
    check(False, f"no {group} {name} in /proc/net/snmp")

