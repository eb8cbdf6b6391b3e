# SPDX-License-Identifier: Apache-2.0
"""Runs inside the stock-kernel guest (scripts/test-kprobe-kernel.sh): -k and -e
with --prefer kprobe must pick the kprobe alternatives the guest kernel offers
(kfree_skb_reason or sk_skb_reason_drop, tcp_v4_send_reset, tcp_reset), attach
them, and report a connection refused on loopback: the SYN dropped with the
guest kernel's own NO_SOCKET number, the reset sent and the reset received."""
import json
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from nwt_e2e import check, nwtrace_path  # noqa: E402

PORT, SPORT = 18299, 41299
FEATURES = ["-k", "-e", "-T"]


def kernel_reason_number(name):
    with open("/sys/kernel/debug/tracing/events/skb/kfree_skb/format") as f:
        m = re.search(r'\{\s*(\d+)\s*,\s*"%s"\s*\}' % name, f.read())
    check(m, f"the guest kernel has no {name} drop reason")
    return int(m.group(1))


def main():
    r = subprocess.run([nwtrace_path(), "--prefer", "kprobe", "--list-probes", "--json",
                        *FEATURES], capture_output=True, text=True, timeout=900)
    check(r.returncode == 0, f"--list-probes failed: {r.stderr}")
    chosen = {row["probe"]: row.get("chosen", {}) for row in map(json.loads, r.stdout.splitlines()[1:])}
    for probe in ("drop", "tcp_rst_sent", "tcp_rst_recv"):
        check(chosen[probe].get("kind") == "kprobe", f"{probe} not on a kprobe: {chosen[probe]}")
    with open("/tmp/faults.err", "w") as err, open("/tmp/faults.out", "w") as out:
        tracer = subprocess.Popen([nwtrace_path(), "--prefer", "kprobe", "--json", "-p", str(PORT),
                                   *FEATURES], stdout=out, stderr=err)
        started = time.time()
        while "tracing, Ctrl-C to stop" not in open("/tmp/faults.err").read():
            check(tracer.poll() is None, f"nwtrace exited: {open('/tmp/faults.err').read()}")
            check(time.time() - started < 600, "nwtrace did not attach within 600 s")
            time.sleep(0.5)
        s = socket.socket()
        s.bind(("127.0.0.1", SPORT))
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", PORT))
            check(False, "connected to a port nobody listens on")
        except ConnectionRefusedError:
            pass
        s.close()
        time.sleep(1)
        tracer.send_signal(2)
        check(tracer.wait(timeout=60) == 0, "nwtrace did not exit 0 on SIGINT")
    with open("/tmp/faults.out") as f:
        events = [json.loads(line) for line in f if line.strip()]
    print("\n".join(json.dumps(e) for e in events), flush=True)
    drops = [e for e in events if e["type"] == "drop" and e.get("sport") == SPORT]
    check(len(drops) == 1 and drops[0].get("reason") == "NO_SOCKET" and
          drops[0].get("reason_code") == kernel_reason_number("NO_SOCKET"),
          f"the SYN's NO_SOCKET drop: {events}")
    check(re.fullmatch(r"tcp_v4_rcv\+0x[0-9a-f]+", drops[0].get("location", "")),
          f"kprobe drop location is not in tcp_v4_rcv: {drops[0]}")
    sent = [e for e in events if e["type"] == "reset_sent" and e.get("dport") == SPORT]
    check(len(sent) == 1 and sent[0].get("ack") == (drops[0]["seq"] + 1) % 2**32,
          f"reset_sent answering the SYN: {events}")
    got = [e for e in events if e["type"] == "reset_received" and e.get("dport") == SPORT]
    check(len(got) == 1 and got[0].get("state") == "SYN_SENT", f"reset_received: {events}")
    print("PASS: -k -e on kprobes: NO_SOCKET drop in tcp_v4_rcv, reset sent and received")


if __name__ == "__main__":
    main()
