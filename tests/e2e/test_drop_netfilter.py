# SPDX-License-Identifier: Apache-2.0
"""nftables as the oracle for -k: a rule with a counter drops a client's SYNs to one
port in the server namespace; nwtrace must report exactly as many NETFILTER_DROP
drops for that flow as the rule counted, with a location printed as function+offset."""
import re

from fault_e2e import netns_counter, peer, require_tools, tracepoint_symbols
from nwt_e2e import NetnsPair, Tracer, check, require_bpf, run

PORT, SPORT = 18091, 41091


def main():
    require_bpf()
    require_tools("nft")
    reasons = tracepoint_symbols("skb/kfree_skb", "reason")
    check("NETFILTER_DROP" in reasons, f"this kernel has no NETFILTER_DROP reason: {reasons}")
    with NetnsPair("dn", 211) as net:
        nft = net.exec_args(net.b) + ["nft"]
        run(nft + ["add", "table", "inet", "nwt_test"])
        run(nft + ["add", "chain", "inet", "nwt_test", "input",
                   "{ type filter hook input priority 0; policy accept; }"])
        run(nft + ["add", "rule", "inet", "nwt_test", "input", "ip", "saddr", net.ip4_a,
                   "tcp", "dport", str(PORT), "counter", "drop"])
        tracer = Tracer("-k", "-T", "-i", "10.211.0.0/24")
        res = peer(net, net.a, "blocked", net.ip4_b, PORT, SPORT)
        check(res["result"] == "timeout", f"the nft rule did not block the connection: {res}")
        tracer.stop(settle=0.5)
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        counted = netns_counter(net, net.b, "nwt_test")
        events = tracer.events()
        drops = [e for e in events if e["type"] == "drop" and e.get("reason") == "NETFILTER_DROP"
                 and e.get("saddr") == net.ip4_a and e.get("sport") == SPORT
                 and e.get("daddr") == net.ip4_b and e.get("dport") == PORT]
        check(counted > 0, "the nft rule counted nothing")
        check(len(drops) == counted,
              f"{len(drops)} NETFILTER_DROP records for the flow, nft counted {counted}: {events}; "
              f"nwtrace said: {tracer.stderr.strip()}")
        for e in drops:
            check(e["reason_code"] == reasons["NETFILTER_DROP"], f"reason number wrong: {e}")
            check(e.get("proto") == "tcp" and e.get("tcp_flags") == "S", f"not the SYN: {e}")
            check(re.fullmatch(r"[A-Za-z_][\w.]*\+0x[0-9a-f]+", e.get("location", "")),
                  f"-T did not give function+offset: {e}")
            check(e.get("ifname") == f"{net.tag}b", f"wrong interface: {e}")
            check("pid" not in e, f"softirq drop claims an owner: {e}")
        check("NETFILTER_DROP" in tracer.stderr and "drops by reason" in tracer.stderr,
              f"no per-reason summary: {tracer.stderr}")
    print(f"PASS: {len(drops)} NETFILTER_DROP records == nft counter {counted}; e.g. "
          f"{drops[0]['location']}")


if __name__ == "__main__":
    main()
