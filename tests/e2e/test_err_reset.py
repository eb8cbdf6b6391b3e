# SPDX-License-Identifier: Apache-2.0
"""A connection to a port nobody listens on: nwtrace -k -e must show the reset the
server's kernel sent (with its reset reason), the drop of the SYN with this kernel's
NO_SOCKET drop reason, and the reset the client received; names and numbers are
checked against the kernel's own tracepoint format files."""
from fault_e2e import peer, tracepoint_symbols
from nwt_e2e import NetnsPair, Tracer, check, require_bpf

PORT, SPORT = 18092, 41092


def main():
    require_bpf()
    drop_reasons = tracepoint_symbols("skb/kfree_skb", "reason")
    rst_reasons = tracepoint_symbols("tcp/tcp_send_reset", "reason")
    with NetnsPair("er", 212) as net:
        tracer = Tracer("-k", "-e", "-i", "10.212.0.0/24")
        res = peer(net, net.a, "refused", net.ip4_b, PORT, SPORT)
        check(res["result"] == "refused", f"expected a refused connection: {res}")
        tracer.stop()
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        events = tracer.events()
        sent = [e for e in events if e["type"] == "reset_sent"]
        check(len(sent) == 1, f"expected one reset_sent: {events}")
        rst = sent[0]
        check((rst.get("saddr"), rst.get("sport"), rst.get("daddr"), rst.get("dport")) ==
              (net.ip4_b, PORT, net.ip4_a, SPORT), f"reset_sent 4-tuple wrong: {rst}")
        if rst_reasons:
            check(rst.get("reason") == "NO_SOCKET" and
                  rst.get("reason_code") == rst_reasons["NO_SOCKET"], f"reset reason: {rst}")
        # A RST answering a SYN acknowledges it: ack = the SYN's seq + 1.
        syn_drops = [e for e in events if e["type"] == "drop" and e.get("sport") == SPORT
                     and e.get("dport") == PORT]
        check(len(syn_drops) == 1, f"expected the SYN's drop: {events}")
        drop = syn_drops[0]
        check(drop.get("reason") == "NO_SOCKET" and
              drop.get("reason_code") == drop_reasons["NO_SOCKET"], f"drop reason: {drop}")
        check(drop.get("tcp_flags") == "S", f"dropped packet is not the SYN: {drop}")
        check(rst.get("seq") == 0 and rst.get("ack") == (drop["seq"] + 1) % 2**32,
              f"RST seq/ack do not answer the SYN (seq {drop['seq']}): {rst}")
        got = [e for e in events if e["type"] == "reset_received"]
        check(len(got) == 1 and got[0].get("state") == "SYN_SENT" and
              got[0].get("saddr") == net.ip4_b and got[0].get("dport") == SPORT,
              f"expected the client's socket to receive the RST in SYN_SENT: {got}")
        check("reset_sent 1" in tracer.stderr, f"no per-kind summary: {tracer.stderr}")

        # -s: the same again, counted instead of printed.
        stats = Tracer("-k", "-e", "-s", "-p", str(PORT))
        res = peer(net, net.a, "refused", net.ip4_b, PORT, SPORT + 1)
        check(res["result"] == "refused", f"expected a refused connection: {res}")
        stats.stop()
        final = [e for e in stats.events() if e.get("type") == "fault_stats"][-1]
        check(final.get("drops_by_reason") == {"NO_SOCKET": 1} and
              final.get("errors", {}).get("reset_sent") == 1 and
              final["errors"].get("reset_received") == 1,
              f"-s summary does not count the refused connection: {final}")
    print("PASS: reset sent (NO_SOCKET), SYN dropped (NO_SOCKET), reset received in SYN_SENT")


if __name__ == "__main__":
    main()
