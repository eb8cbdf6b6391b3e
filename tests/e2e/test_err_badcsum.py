# SPDX-License-Identifier: Apache-2.0
"""A TCP SYN with a wrong checksum, crafted with scapy and sent from a raw socket in
the client namespace (veth passes it unchanged), must yield a bad_csum record and a
drop with this kernel's TCP_CSUM reason; the server namespace's own InCsumErrors
counter is the oracle for how many."""
from fault_e2e import peer, require_scapy, snmp_counter, tracepoint_symbols
from nwt_e2e import NetnsPair, Tracer, check, require_bpf

PORT, SPORT, SEQ = 18093, 41093, 123456789


def main():
    require_bpf()
    require_scapy()
    reasons = tracepoint_symbols("skb/kfree_skb", "reason")
    check("TCP_CSUM" in reasons, f"this kernel has no TCP_CSUM drop reason: {reasons}")
    with NetnsPair("ec", 213) as net:
        errors_before = snmp_counter(net, net.b, "Tcp", "InCsumErrors")
        tracer = Tracer("-k", "-e", "-i", "10.213.0.0/24", "--dport", str(PORT))
        peer(net, net.a, "badcsum", net.ip4_a, net.ip4_b, PORT, SPORT, SEQ)
        tracer.stop()
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        counted = snmp_counter(net, net.b, "Tcp", "InCsumErrors") - errors_before
        check(counted == 1, f"the server namespace counted {counted} checksum errors, not 1")
        events = tracer.events()
        tuple_ = (net.ip4_a, SPORT, net.ip4_b, PORT)
        bad = [e for e in events if e["type"] == "bad_csum"]
        check(len(bad) == counted, f"expected {counted} bad_csum record: {events}")
        check((bad[0].get("saddr"), bad[0].get("sport"), bad[0].get("daddr"),
               bad[0].get("dport")) == tuple_, f"bad_csum 4-tuple wrong: {bad[0]}")
        check(bad[0].get("seq") == SEQ and bad[0].get("tcp_flags") == "S",
              f"bad_csum seq/flags wrong: {bad[0]}")
        drops = [e for e in events if e["type"] == "drop"]
        check(len(drops) == 1 and drops[0].get("reason") == "TCP_CSUM" and
              drops[0].get("reason_code") == reasons["TCP_CSUM"] and
              drops[0].get("seq") == SEQ, f"expected one TCP_CSUM drop: {events}")
    print("PASS: bad checksum reported once, as InCsumErrors counted, with drop reason TCP_CSUM")


if __name__ == "__main__":
    main()
