# SPDX-License-Identifier: Apache-2.0
"""Packet records over IPv6, and the filters applied to packets: -6 keeps only
IPv6, --dport keeps only packets whose remote port matches (the client side)."""
from nwt_e2e import NetnsPair, Tracer, bulk_transfer, check, require_bpf

PORT4, PORT6 = 18094, 18095


def local_remote_ports(e):
    return (e["sport"], e["dport"]) if e["dir"] == "tx" else (e["dport"], e["sport"])


def main():
    require_bpf()
    with NetnsPair("pf", 213) as net:
        only6 = Tracer("-t", "-6", "-R", "0", "-i", "fd00:213::/64")
        client_side = Tracer("-t", "-R", "0", "--dport", str(PORT4))
        sport4 = bulk_transfer(net, net.ip4_b, PORT4, 256 * 1024)
        sport6 = bulk_transfer(net, net.ip6_b, PORT6, 256 * 1024)
        only6.stop()
        client_side.stop()
        for t in (only6, client_side):
            check(t.returncode == 0, f"nwtrace exited {t.returncode}: {t.stderr}")

        ev6 = [e for e in only6.events() if e["type"] == "packet"]
        check(ev6, "no IPv6 packet records")
        check(all(e["family"] == "ipv6" for e in ev6), "-6 let IPv4 packets through")
        mine = [e for e in ev6 if {e["sport"], e["dport"]} == {sport6, PORT6}]
        check(any(e["dir"] == "tx" and e["saddr"] == net.ip6_a and e["len"] > 0 for e in mine),
              "no IPv6 data packet from the client")
        check(any(e["dir"] == "rx" and e["daddr"] == net.ip6_b and "tcp_us" in e for e in mine),
              "no IPv6 data packet read by the server")

        ev4 = [e for e in client_side.events() if e["type"] == "packet"]
        check(ev4, "no packet records with --dport")
        for e in ev4:
            local, remote = local_remote_ports(e)
            check(remote == PORT4, f"--dport {PORT4} let through {e}")
        check(any(e["dir"] == "tx" and e["sport"] == sport4 for e in ev4), "client tx missing")
        check(any(e["dir"] == "rx" and e["dport"] == sport4 for e in ev4), "client rx missing")
    print(f"PASS: {len(ev6)} IPv6 packet records, {len(ev4)} records on the client side only")


if __name__ == "__main__":
    main()
