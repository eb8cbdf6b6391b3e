# SPDX-License-Identifier: Apache-2.0
"""-u on datagrams a device hands up, as a NIC does (a tun device here, so that
no local send passes the skb first): to a closed port (dropped, NO_SOCKET) and
to an open one, alternating, so that the kernel reuses a dropped datagram's skb
for the next.  Each rx record must be its own datagram's, in size and port, as
the receiver read them; the counts equal nstat's UdpInDatagrams and UdpNoPorts."""
import json

from nwt_e2e import NetnsPair, PYTHON, Tracer, check, require_bpf, run
from udp_e2e import UDP_PEER, nstat, nstat_delta

COUNT = 100
PORT, CLOSED = 18131, 18132


def main():
    require_bpf()
    with NetnsPair("tu", 225) as net:
        local, peer = "10.225.1.1", "10.225.1.2"
        before = nstat(net, net.b, "UdpInDatagrams", "UdpNoPorts")
        tracer = Tracer("-u", "-i", "10.225.1.0/24")
        out = run(net.exec_args(net.b) + [PYTHON, UDP_PEER, "tun", f"{net.tag}t", local, peer,
                                          str(PORT), str(CLOSED), str(COUNT)]).stdout
        tracer.stop(settle=1.5)
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        read_sizes = json.loads(out.splitlines()[-1])["read_sizes"]
        delta = nstat_delta(before, nstat(net, net.b, "UdpInDatagrams", "UdpNoPorts"))
    events = tracer.events()
    rx = sorted((e for e in events if e.get("type") == "udp" and e.get("dir") == "rx"),
                key=lambda e: e["ts"])
    drops = [e for e in events if e.get("type") == "drop" and e.get("reason") == "NO_SOCKET"]
    check(len(read_sizes) == COUNT == delta["UdpInDatagrams"],
          f"the receiver read {len(read_sizes)} datagrams, UdpInDatagrams +{delta['UdpInDatagrams']}")
    wrong = [e for e in rx if e.get("dport") != PORT or e.get("saddr") != peer]
    check(not wrong, f"{len(wrong)} of {len(rx)} rx records carry another datagram's flow: {wrong[:2]}")
    check([e["len"] for e in rx] == read_sizes,
          f"rx record sizes {[e['len'] for e in rx][:8]}... differ from what the receiver read "
          f"{read_sizes[:8]}...")
    check(all({"mac_us", "ip_us", "sock_us"} <= set(e) for e in rx), f"rx layers missing: {rx[:2]}")
    check(len(drops) == delta["UdpNoPorts"] == COUNT and all(d.get("dport") == CLOSED for d in drops),
          f"{len(drops)} NO_SOCKET drops, UdpNoPorts +{delta['UdpNoPorts']}, sent {COUNT}")
    print(f"PASS: {len(rx)} datagrams from a device between {COUNT} dropped ones, each reported "
          f"with its own flow and size; counts equal nstat")


if __name__ == "__main__":
    main()
