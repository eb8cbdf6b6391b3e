# SPDX-License-Identifier: Apache-2.0
"""-u's drops against the receiving namespace's own counters: a receiver with a
tiny SO_RCVBUF that never reads (UdpRcvbufErrors), datagrams to a port nobody
listens on (UdpNoPorts), and datagrams with a wrong checksum from a raw socket
(UdpInCsumErrors): short ones, which the kernel checks on arrival, and longer
ones, which it checks as a reader copies them, so that the reads that follow
must still be joined to the right datagrams.  Each drop record must carry the kernel's reason name and the
datagram's flow, and -u alone must report no drop of any other protocol."""
from fault_e2e import tracepoint_symbols
from nwt_e2e import NetnsPair, Tracer, check, require_bpf
from udp_e2e import Receiver, bad_checksums, nstat, nstat_delta, send

FULL, CLOSED, CSUM, READ_CSUM = 18131, 18132, 18133, 18134
COUNTERS = ("UdpRcvbufErrors", "UdpNoPorts", "UdpInCsumErrors")


def flow_drops(events, reason, saddr, sport, daddr, dport):
    return [e for e in events if e.get("type") == "drop" and e.get("reason") == reason
            and (e.get("saddr"), e.get("sport"), e.get("daddr"), e.get("dport"))
            == (saddr, sport, daddr, dport)]


def main():
    require_bpf()
    reasons = tracepoint_symbols("skb/kfree_skb", "reason")
    for name in ("SOCKET_RCVBUFF", "NO_SOCKET", "UDP_CSUM"):
        check(name in reasons, f"this kernel has no {name} drop reason: {reasons}")
    with NetnsPair("uk", 222) as net:
        a, b = net.ip4_a, net.ip4_b
        before = nstat(net, net.b, *COUNTERS)
        tracer = Tracer("-u", "-i", "10.222.0.0/24")
        full = Receiver(net, net.b, b, FULL, 0, "--no-read", "--rcvbuf", "1024", "--wait", "2")
        send(net, net.a, b, FULL, 41131, [1000] * 40)
        send(net, net.a, b, CLOSED, 41132, [64] * 10)
        csum_rcv = Receiver(net, net.b, b, CSUM, 0, "--no-read", "--wait", "1")
        bad = bad_checksums(net, net.a, a, b, CSUM, 41133, 6, 32)
        reader = Receiver(net, net.b, b, READ_CSUM, 6)
        send(net, net.a, b, READ_CSUM, 41134, [300, 301, 302])
        late = bad_checksums(net, net.a, a, b, READ_CSUM, 41135, 3, 200)
        send(net, net.a, b, READ_CSUM, 41134, [303, 304, 305])
        read = reader.finish()
        csum_rcv.finish()
        full.finish()
        tracer.stop(settle=1.5)
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        delta = nstat_delta(before, nstat(net, net.b, *COUNTERS))
        events = tracer.events()
        rcvbuf = flow_drops(events, "SOCKET_RCVBUFF", a, 41131, b, FULL)
        noport = flow_drops(events, "NO_SOCKET", a, 41132, b, CLOSED)
        csum = flow_drops(events, "UDP_CSUM", a, 41133, b, CSUM)
        check(delta["UdpRcvbufErrors"] > 0, f"the tiny receive buffer dropped nothing: {delta}")
        check(len(rcvbuf) == delta["UdpRcvbufErrors"],
              f"{len(rcvbuf)} SOCKET_RCVBUFF drop records, UdpRcvbufErrors +{delta['UdpRcvbufErrors']}")
        check(len(noport) == delta["UdpNoPorts"] == 10,
              f"{len(noport)} NO_SOCKET drop records, UdpNoPorts +{delta['UdpNoPorts']} (sent 10)")
        late_csum = flow_drops(events, "UDP_CSUM", a, 41135, b, READ_CSUM)
        check(len(csum) == bad["sent"] and len(late_csum) == late["sent"] and
              len(csum) + len(late_csum) == delta["UdpInCsumErrors"],
              f"{len(csum)} + {len(late_csum)} UDP_CSUM drop records, UdpInCsumErrors "
              f"+{delta['UdpInCsumErrors']}, sent {bad['sent']} + {late['sent']} with checksum "
              f"{bad['checksum']}")
        # the reads after a datagram dropped as it was read still pair with the right datagrams
        good = sorted((e for e in events if e.get("type") == "udp" and e.get("dir") == "rx"
                       and e.get("sport") == 41134), key=lambda e: e["ts"])
        check(read["received"] == 6 and [e["len"] for e in good] == [300, 301, 302, 303, 304, 305],
              f"reader got {read['received']}, rx records {[e['len'] for e in good]}")
        check(all("sock_us" in e and e.get("pid") == reader.pid for e in good),
              f"a datagram that was read shows no read by the reader ({reader.pid}): {good}")
        dropped_late = [e for e in events if e.get("type") == "udp" and e.get("dir") == "rx"
                        and e.get("sport") == 41135]
        check(len(dropped_late) == 3 and not any("sock_us" in e for e in dropped_late),
              f"a datagram dropped as it was read shows a read: {dropped_late}")
        drops = [e for e in events if e.get("type") == "drop"]
        check(all(e.get("proto") == "udp" for e in drops),
              f"-u reported a drop that is not UDP: {[e for e in drops if e.get('proto') != 'udp'][:3]}")
        known = rcvbuf + noport + csum + late_csum
        check(len(drops) == len(known),
              f"drops outside the test's flows: {[e for e in drops if e not in known][:3]}")
        for name in ("SOCKET_RCVBUFF", "NO_SOCKET", "UDP_CSUM"):
            check(name in tracer.stderr, f"no {name} in the drop summary: {tracer.stderr}")
        # the datagrams the full receiver queued are still reported, without a read
        queued = [e for e in events if e.get("type") == "udp" and e.get("dir") == "rx"
                  and e.get("dport") == FULL]
        check(len(queued) + len(rcvbuf) == 40,
              f"{len(queued)} queued + {len(rcvbuf)} dropped != 40 sent to the full receiver")
    print(f"PASS: SOCKET_RCVBUFF {len(rcvbuf)}, NO_SOCKET {len(noport)}, UDP_CSUM {len(csum)} "
          f"+ {len(late_csum)} (at read) drop records equal UdpRcvbufErrors, UdpNoPorts, "
          f"UdpInCsumErrors; reads after a drop at read still pair right")


if __name__ == "__main__":
    main()
