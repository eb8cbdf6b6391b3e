# SPDX-License-Identifier: Apache-2.0
"""-u against the kernel's own counters and the peers: between two namespaces a
sender sends datagrams of known sizes (IPv4, then IPv6); nwtrace's tx and rx
records and bytes must equal what the sender sent, what the receiver read and
the nstat deltas of Udp(6)OutDatagrams / Udp(6)InDatagrams; each record names
the real sending or reading process; each datagram's layer times add up to at
most the end-to-end time the application measured.  A receiver that never
reads: its datagrams are still reported, without the read layer.  -P: a
receiver's datagrams only, from the first on.  UDP_SEGMENT: a record per send
on tx, one per datagram read on rx."""
from nwt_e2e import PYTHON, NetnsPair, Tracer, check, require_bpf, run
from udp_e2e import UDP_PEER, Receiver, datagrams, layer_sum_us, nstat, nstat_delta, send

SIZES = [16 + (i * 37) % 1200 for i in range(40)]
TX_LAYERS = {"udp_ip_us", "qdisc_us"}
RX_LAYERS = {"mac_us", "ip_us", "sock_us"}


def one_family(net, tracer_args, v6, port, sport):
    a, b = (net.ip6_a, net.ip6_b) if v6 else (net.ip4_a, net.ip4_b)
    out_name, in_name = ("Udp6OutDatagrams", "Udp6InDatagrams") if v6 else \
        ("UdpOutDatagrams", "UdpInDatagrams")
    out0, in0 = nstat(net, net.a, out_name), nstat(net, net.b, in_name)
    tracer = Tracer(*tracer_args)
    rcv = Receiver(net, net.b, b, port, len(SIZES))
    sender_pid, sent = send(net, net.a, b, port, sport, SIZES)
    got = rcv.finish()
    tracer.stop(settle=0.5)
    check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
    sent_out = nstat_delta(out0, nstat(net, net.a, out_name))[out_name]
    received_in = nstat_delta(in0, nstat(net, net.b, in_name))[in_name]
    events = tracer.events()
    tx = datagrams(events, "tx", a, sport, b, port)
    rx = datagrams(events, "rx", a, sport, b, port)
    fam = "IPv6" if v6 else "IPv4"
    check(sent["sent"] == len(SIZES) and got["received"] == len(SIZES),
          f"{fam}: the peers did not exchange every datagram: {sent} {got}")
    check(len(tx) == sent["sent"] == sent_out,
          f"{fam}: {len(tx)} tx records, sender sent {sent['sent']}, {out_name} +{sent_out}")
    check(len(rx) == got["received"] == received_in,
          f"{fam}: {len(rx)} rx records, receiver read {got['received']}, {in_name} +{received_in}")
    check(sum(e["len"] for e in tx) == sent["bytes"],
          f"{fam}: tx bytes {sum(e['len'] for e in tx)} != sent {sent['bytes']}")
    check(sum(e["len"] for e in rx) == got["bytes"],
          f"{fam}: rx bytes {sum(e['len'] for e in rx)} != read {got['bytes']}")
    check([e["len"] for e in tx] == [max(s, 8) for s in SIZES],
          f"{fam}: tx sizes out of order or wrong: {[e['len'] for e in tx]}")
    for e in tx:
        check(e.get("pid") == sender_pid and e.get("comm") == "python3",
              f"{fam}: tx record not the sender's ({sender_pid}): {e}")
        check(TX_LAYERS <= set(e), f"{fam}: tx layers missing: {e}")
    for e in rx:
        check(e.get("pid") == rcv.pid and e.get("comm") == "python3",
              f"{fam}: rx record not the reader's ({rcv.pid}): {e}")
        check(RX_LAYERS <= set(e), f"{fam}: rx layers missing: {e}")
    for e in tx + rx:
        check(all(v >= 0 for k, v in e.items() if k.endswith("_us")), f"negative layer: {e}")
    # FIFO: the i-th datagram sent is the i-th received (one in flight at a time)
    worst = 0.0
    for t, r, e2e_ns in zip(tx, rx, got["e2e_ns"]):
        check(t["len"] == r["len"], f"{fam}: tx/rx records out of step: {t} {r}")
        total = layer_sum_us(t) + layer_sum_us(r)
        check(total <= e2e_ns / 1000.0,
              f"{fam}: layers add up to {total:.1f} us, more than the application's "
              f"{e2e_ns / 1000.0:.1f} us: {t} {r}")
        worst = max(worst, total / (e2e_ns / 1000.0))
    return len(tx), len(rx), worst


def unread(net, port, sport):
    """Datagrams nobody reads: reported after the wait for their read, without sock_us.
    UdpInDatagrams counts reads, so the sender's UdpOutDatagrams is the oracle here."""
    tracer = Tracer("-u", "--sport", str(port))
    out0 = nstat(net, net.a, "UdpOutDatagrams")
    rcv = Receiver(net, net.b, net.ip4_b, port, 0, "--no-read", "--wait", "0.5")
    _, sent = send(net, net.a, net.ip4_b, port, sport, [100] * 5)
    rcv.finish()
    tracer.stop(settle=1.5)
    out = nstat_delta(out0, nstat(net, net.a, "UdpOutDatagrams"))["UdpOutDatagrams"]
    events = tracer.events()
    rx = datagrams(events, "rx", net.ip4_a, sport, net.ip4_b, port)
    check(len(rx) == out == sent["sent"] == 5,
          f"{len(rx)} unread datagrams reported, sender sent {sent['sent']}, UdpOutDatagrams +{out}")
    for e in rx:
        check("sock_us" not in e and "mac_us" in e and "ip_us" in e,
              f"an unread datagram with a read layer, or without its others: {e}")
    # --sport is the local port: the receiver's on rx, so the sender's tx records are not shown
    others = [e for e in events if e not in rx]
    check(not others, f"--sport {port} let other records through: {others[:3]}")


def pid_filter(net, port, sport):
    """-P: the receiver's datagrams and no one else's, the first too, though it arrived
    while the receiver sat in its first read (its socket's owner not yet known)."""
    mine = Receiver(net, net.b, net.ip4_b, port, 6)
    other = Receiver(net, net.b, net.ip4_b, port + 1, 6)
    in0 = nstat(net, net.b, "UdpInDatagrams")
    tracer = Tracer("-u", "-P", str(mine.pid))
    send(net, net.a, net.ip4_b, port, sport, [100 + i for i in range(6)])
    send(net, net.a, net.ip4_b, port + 1, sport + 1, [200 + i for i in range(6)])
    got, got_other = mine.finish(), other.finish()
    tracer.stop(settle=0.5)
    read = nstat_delta(in0, nstat(net, net.b, "UdpInDatagrams"))["UdpInDatagrams"]
    check(got["received"] == got_other["received"] == 6 and read == 12,
          f"the peers did not exchange every datagram: {got} {got_other}, UdpInDatagrams +{read}")
    events = [e for e in tracer.events() if e.get("type") == "udp"]
    rx = datagrams(events, "rx", net.ip4_a, sport, net.ip4_b, port)
    check(sorted(e["len"] for e in rx) == [100 + i for i in range(6)],
          f"-P {mine.pid}: not one rx record per datagram the receiver read: {rx}")
    check(all(e.get("pid") == mine.pid for e in rx), f"-P {mine.pid}: wrong owner: {rx}")
    others = [e for e in events if e not in rx]
    check(not others, f"-P {mine.pid} let other processes' datagrams through: {others[:3]}")


def gso(net, port, sport):
    """UDP_SEGMENT: the sender hands down 5 datagrams of 1,200 bytes, the wire and the
    receiver see 60 of 100.  tx records are the sender's sends (UdpOutDatagrams counts
    those), rx records the datagrams read (UdpInDatagrams)."""
    out0, in0 = nstat(net, net.a, "UdpOutDatagrams"), nstat(net, net.b, "UdpInDatagrams")
    tracer = Tracer("-u", "-i", "10.221.0.0/24")
    rcv = Receiver(net, net.b, net.ip4_b, port, 60)
    proc = run(net.exec_args(net.a) + [PYTHON, UDP_PEER, "gso", net.ip4_b, str(port), str(sport),
                                       "100", "1200", "5"])
    got = rcv.finish()
    tracer.stop(settle=0.5)
    out = nstat_delta(out0, nstat(net, net.a, "UdpOutDatagrams"))["UdpOutDatagrams"]
    read = nstat_delta(in0, nstat(net, net.b, "UdpInDatagrams"))["UdpInDatagrams"]
    check(proc.returncode == 0 and got["received"] == 60 == read and out == 5,
          f"UDP_SEGMENT: the peers did not exchange 5 x 12 datagrams: {got}, "
          f"UdpOutDatagrams +{out}, UdpInDatagrams +{read}")
    events = tracer.events()
    tx = datagrams(events, "tx", net.ip4_a, sport, net.ip4_b, port)
    rx = datagrams(events, "rx", net.ip4_a, sport, net.ip4_b, port)
    check([e["len"] for e in tx] == [1200] * 5,
          f"UDP_SEGMENT: tx records are not the 5 sends of 1200 bytes: {[e['len'] for e in tx]}")
    check([e["len"] for e in rx] == [100] * 60,
          f"UDP_SEGMENT: rx records are not the 60 datagrams of 100 bytes read: "
          f"{len(rx)} records, sizes {sorted(set(e['len'] for e in rx))}")
    for e in rx:
        check("sock_us" in e and e.get("pid") == rcv.pid, f"UDP_SEGMENT: rx record without its read: {e}")
        check(all(v >= 0 for k, v in e.items() if k.endswith("_us")), f"negative layer: {e}")


def main():
    require_bpf()
    with NetnsPair("ud", 221) as net:
        n4 = one_family(net, ["-u", "-i", "10.221.0.0/24"], False, 18121, 41121)
        n6 = one_family(net, ["-u", "-6"], True, 18122, 41122)
        unread(net, 18123, 41123)
        pid_filter(net, 18124, 41124)
        gso(net, 18126, 41126)
    print(f"PASS: IPv4 {n4[0]} tx / {n4[1]} rx, IPv6 {n6[0]} tx / {n6[1]} rx records equal "
          f"nstat and the peers; layers at most {max(n4[2], n6[2]):.0%} of the end-to-end time; "
          f"unread datagrams reported without a read; -P shows the reader's datagrams only; "
          f"UDP_SEGMENT sends and reads each reported")


if __name__ == "__main__":
    main()
