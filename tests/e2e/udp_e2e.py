# SPDX-License-Identifier: Apache-2.0
"""What the UDP (-u) tests share: the peers (udp_peer.py) and the kernel's own
UDP counters (nstat, per namespace) as the oracle."""
import json
import os
import subprocess

from nwt_e2e import PYTHON, check, run

UDP_PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "udp_peer.py")


def nstat(pair, ns, *names):
    """Absolute values of the named kernel counters in namespace ns (nstat -a)."""
    out = run(pair.exec_args(ns) + ["nstat", "-asz", "--json"] + list(names)).stdout
    values = json.loads(out)["kernel"]
    check(all(n in values for n in names), f"nstat lacks one of {names}: {values}")
    return {n: values[n] for n in names}


def nstat_delta(before, after):
    return {n: after[n] - before[n] for n in before}


class Receiver:
    """udp_peer.py recv in a namespace; .pid is the process that reads."""

    def __init__(self, pair, ns, addr, port, count, *extra):
        self.proc = subprocess.Popen(
            pair.exec_args(ns) + [PYTHON, UDP_PEER, "recv", addr, str(port), str(count)]
            + [str(x) for x in extra], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        check(line and json.loads(line).get("ready"), f"receiver on {addr}:{port} did not start")
        self.pid = self.proc.pid

    def finish(self):
        out, _ = self.proc.communicate(timeout=30)
        check(self.proc.returncode == 0, f"receiver failed: {out}")
        return json.loads(out.splitlines()[-1])


def send(pair, ns, addr, port, sport, sizes):
    """Sends one datagram per size; returns (sender pid, its report)."""
    proc = subprocess.Popen(
        pair.exec_args(ns) + [PYTHON, UDP_PEER, "send", addr, str(port), str(sport)]
        + [str(s) for s in sizes], stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(timeout=30)
    check(proc.returncode == 0, f"sender to {addr}:{port} failed")
    return proc.pid, json.loads(out.splitlines()[-1])


def datagrams(events, direction, saddr, sport, daddr, dport):
    """The udp records of one flow and direction, in time order."""
    found = [e for e in events if e.get("type") == "udp" and e.get("dir") == direction
             and e.get("saddr") == saddr and e.get("sport") == sport
             and e.get("daddr") == daddr and e.get("dport") == dport]
    return sorted(found, key=lambda e: e["ts"])


def layer_sum_us(e):
    return sum(v for k, v in e.items() if k.endswith("_us"))


def bad_checksums(pair, ns, saddr, addr, port, sport, count, size):
    """Datagrams with a wrong UDP checksum from a raw socket in ns."""
    out = run(pair.exec_args(ns) + [PYTHON, UDP_PEER, "badcsum", saddr, addr, str(port), str(sport),
                                    str(count), str(size)]).stdout
    return json.loads(out.splitlines()[-1])
