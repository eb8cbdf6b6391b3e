# SPDX-License-Identifier: Apache-2.0
"""-u -s: traffic per flow, counted in the kernel, against the peers and the
namespaces' own counters.  Three flows between two namespaces: one read, a
smaller one read, one into a tiny receive buffer nobody reads.  Each flow's
datagrams and bytes each way must equal what its sender sent and its receiver
read (or had queued), its drops the receiving namespace's UdpRcvbufErrors; the
flows together equal the nstat deltas; the interval reports add up to the
final one; with --top-flows 3 the other flows are summed in other_flows."""
from nwt_e2e import NetnsPair, Tracer, check, require_bpf
from udp_e2e import Receiver, nstat, nstat_delta, send

A_PORT, B_PORT, C_PORT = 18141, 18142, 18143
A_SPORT, B_SPORT, C_SPORT = 41141, 41142, 41143


def find(flows, saddr, sport, daddr, dport):
    found = [f for f in flows if (f["saddr"], f["sport"], f["daddr"], f["dport"])
             == (saddr, sport, daddr, dport)]
    check(len(found) <= 1, f"flow listed twice: {found}")
    return found[0] if found else None


def main():
    require_bpf()
    with NetnsPair("uf", 223) as net:
        a, b = net.ip4_a, net.ip4_b
        out0, in0 = nstat(net, net.a, "UdpOutDatagrams"), \
            nstat(net, net.b, "UdpInDatagrams", "UdpRcvbufErrors")
        tracer = Tracer("-u", "-s", "--interval", "0.5", "--top-flows", "10",
                        "-i", "10.223.0.0/24")
        ra = Receiver(net, net.b, b, A_PORT, 30)
        rb = Receiver(net, net.b, b, B_PORT, 10)
        rc = Receiver(net, net.b, b, C_PORT, 0, "--no-read", "--rcvbuf", "1024", "--wait", "2.5")
        _, sa = send(net, net.a, b, A_PORT, A_SPORT, [500] * 30)
        _, sb = send(net, net.a, b, B_PORT, B_SPORT, [200] * 10)
        _, sc = send(net, net.a, b, C_PORT, C_SPORT, [1000] * 40)
        ga, gb = ra.finish(), rb.finish()
        rc.finish()
        tracer.stop(settle=0.8)
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        out = nstat_delta(out0, nstat(net, net.a, "UdpOutDatagrams"))
        inb = nstat_delta(in0, nstat(net, net.b, "UdpInDatagrams", "UdpRcvbufErrors"))
        reports = [e for e in tracer.events() if e.get("type") == "udp_flows"]
        check(not [e for e in tracer.events() if e.get("type") == "udp"],
              "-u -s printed per-datagram records")
        final = [r for r in reports if r["final"]]
        check(len(final) == 1 and reports[-1]["final"], f"no single final report last: {reports}")
        flows = final[0]["flows"]
        check(final[0]["other_flows"]["flows"] == 0 and final[0]["other_flows"]["unkept_datagrams"] == 0,
              f"flows left out with --top-flows 10: {final[0]['other_flows']}")
        expect = {  # local end first: tx in the sender's namespace, rx in the receiver's
            "A tx": ((a, A_SPORT, b, A_PORT), ("tx", sa["sent"], sa["bytes"])),
            "A rx": ((b, A_PORT, a, A_SPORT), ("rx", ga["received"], ga["bytes"])),
            "B tx": ((a, B_SPORT, b, B_PORT), ("tx", sb["sent"], sb["bytes"])),
            "B rx": ((b, B_PORT, a, B_SPORT), ("rx", gb["received"], gb["bytes"])),
            "C tx": ((a, C_SPORT, b, C_PORT), ("tx", sc["sent"], sc["bytes"])),
        }
        for name, (tuple_, (d, n, nbytes)) in expect.items():
            f = find(flows, *tuple_)
            check(f is not None, f"flow {name} {tuple_} missing: {flows}")
            check((f[f"{d}_datagrams"], f[f"{d}_bytes"]) == (n, nbytes),
                  f"flow {name}: {f[f'{d}_datagrams']} datagrams {f[f'{d}_bytes']} bytes, "
                  f"the peer says {n} / {nbytes}: {f}")
            other = "rx" if d == "tx" else "tx"
            check(f[f"{other}_datagrams"] == 0, f"flow {name} counted the other way too: {f}")
        c_rx = find(flows, b, C_PORT, a, C_SPORT)
        check(c_rx and c_rx["drops"] == inb["UdpRcvbufErrors"] > 0 and
              c_rx["rx_datagrams"] + c_rx["drops"] == sc["sent"],
              f"flow C rx: {c_rx}; UdpRcvbufErrors +{inb['UdpRcvbufErrors']}, sent {sc['sent']}")
        check(c_rx["rx_bytes"] == c_rx["rx_datagrams"] * 1000, f"flow C rx bytes: {c_rx}")
        tx_total = sum(f["tx_datagrams"] for f in flows)
        check(tx_total == out["UdpOutDatagrams"] == 80,
              f"tx datagrams {tx_total}, UdpOutDatagrams +{out['UdpOutDatagrams']}")
        read_total = sum(f["rx_datagrams"] for f in flows if f["sport"] in (A_PORT, B_PORT))
        check(read_total == inb["UdpInDatagrams"],
              f"rx datagrams read {read_total}, UdpInDatagrams +{inb['UdpInDatagrams']}")
        # the intervals add up to the run
        for name, (tuple_, (d, n, nbytes)) in expect.items():
            summed = sum((find(r["flows"], *tuple_) or {}).get(f"{d}_bytes", 0)
                         for r in reports if not r["final"])
            check(summed == nbytes, f"flow {name}: intervals sum to {summed} bytes, run {nbytes}")
        for r in reports:
            for f in r["flows"]:
                check(abs(f["tx_bytes_per_s"] * r["window_s"] - f["tx_bytes"]) < 1e-6 * (1 + f["tx_bytes"]),
                      f"rate is not bytes over the window: {f} in {r['window_s']} s")
        # ranking: three flows listed, the rest summed, drop-only flows among them
        noports0 = nstat(net, net.b, "UdpNoPorts")
        top = Tracer("-u", "-s", "--top-flows", "3", "-i", "10.223.0.0/24")
        rb = Receiver(net, net.b, b, B_PORT, 10)
        send(net, net.a, b, A_PORT, A_SPORT, [700] * 4)   # A's receiver is gone: NO_SOCKET
        send(net, net.a, b, B_PORT, B_SPORT, [100] * 10)
        send(net, net.a, b, C_PORT, C_SPORT, [300] * 2)   # and C's
        rb.finish()
        top.stop(settle=0.5)
        noports = nstat_delta(noports0, nstat(net, net.b, "UdpNoPorts"))["UdpNoPorts"]
        last = [e for e in top.events() if e.get("type") == "udp_flows"][-1]
        kept = [(f["saddr"], f["sport"], f["tx_bytes"] + f["rx_bytes"]) for f in last["flows"]]
        check(kept == [(a, A_SPORT, 2800), (a, B_SPORT, 1000), (b, B_PORT, 1000)],
              f"top 3 by bytes wrong: {kept}")
        rest = last["other_flows"]
        check(rest["flows"] == 3 and rest["tx_datagrams"] == 2 and rest["tx_bytes"] == 600 and
              rest["rx_datagrams"] == 0 and rest["drops"] == noports == 6,
              f"other_flows should hold C tx and the two unreachable ports' drops "
              f"(UdpNoPorts +{noports}): {rest}")
    print(f"PASS: {len(flows)} flows equal the peers and nstat (tx {tx_total}, read {read_total}, "
          f"C dropped {c_rx['drops']}); {len(reports) - 1} intervals add up; top 3 + other_flows right")


if __name__ == "__main__":
    main()
