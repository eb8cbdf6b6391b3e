# SPDX-License-Identifier: Apache-2.0
"""A segment 2^30 bytes beyond what the client of an established connection has
sent (its numbers read from the client's own socket in TCP repair mode) must yield an
invalid_seq record carrying that sequence number, with the server socket ESTABLISHED,
its owner (the server process) and one of this kernel's sequence drop reasons."""
from fault_e2e import peer, require_scapy, tracepoint_symbols
from nwt_e2e import NetnsPair, Tracer, check, require_bpf

PORT = 18094
SEQ_REASONS = {"TCP_INVALID_SEQUENCE", "TCP_INVALID_END_SEQUENCE", "TCP_OLD_SEQUENCE",
               "TCP_OVERWINDOW"}


def main():
    require_bpf()
    require_scapy()
    reasons = tracepoint_symbols("skb/kfree_skb", "reason")
    check("TCP_INVALID_SEQUENCE" in reasons, "this kernel has no TCP_INVALID_SEQUENCE reason")
    with NetnsPair("es", 214) as net:
        tracer = Tracer("-e", "-i", "10.214.0.0/24")
        server = peer(net, net.b, "hold", net.ip4_b, PORT, 5, background=True)
        res = peer(net, net.a, "badseq", net.ip4_a, net.ip4_b, PORT)
        server.wait(timeout=30)
        tracer.stop()
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        events = tracer.events()
        mine = [e for e in events if e["type"] == "invalid_seq" and e.get("seq") == res["seq"]]
        check(len(mine) == 1, f"no invalid_seq record with seq {res['seq']}: {events}")
        e = mine[0]
        check((e.get("saddr"), e.get("sport"), e.get("daddr"), e.get("dport")) ==
              (net.ip4_a, res["sport"], net.ip4_b, PORT), f"4-tuple wrong: {e}")
        check(e.get("reason") == "TCP_INVALID_SEQUENCE" and
              e.get("reason_code") == reasons["TCP_INVALID_SEQUENCE"], f"reason wrong: {e}")
        check(e.get("state") == "ESTABLISHED", f"server socket state wrong: {e}")
        # The server's socket was accepted from its listener: the listener's process owns it.
        check(e.get("pid") == server.pid and e.get("comm") == "python3",
              f"owner of the server socket should be pid {server.pid}: {e}")
        check(not [x for x in events if x["type"] in ("connect", "accept", "close", "state")],
              f"-e alone printed lifecycle records: {events}")
        check("ack" in e and e.get("tcp_flags") == "A", f"seq/ack/flags missing: {e}")
        check(all(x.get("reason") in SEQ_REASONS for x in events if x["type"] == "invalid_seq"),
              f"invalid_seq with a non-sequence reason: {events}")
    print(f"PASS: invalid_seq seq={res['seq']} TCP_INVALID_SEQUENCE on an ESTABLISHED socket")


if __name__ == "__main__":
    main()
