# SPDX-License-Identifier: Apache-2.0
"""In-kernel filters: -p, --sport, --dport, -P, -i (IPv4 host, IPv6 prefix), -4.
Each run sees traffic it must report and traffic it must not."""
from nwt_e2e import NetnsPair, Server, Tracer, check, client, require_bpf

PORT_A, PORT_B, PORT_6 = 18091, 18092, 18093


def traffic(net):
    """One IPv4 connection to each of PORT_A and PORT_B, one IPv6 to PORT_6."""
    servers = [Server(net, net.ip4_b, PORT_A, 1), Server(net, net.ip4_b, PORT_B, 1),
               Server(net, net.ip6_b, PORT_6, 1)]
    for srv, addr, port in zip(servers, (net.ip4_b, net.ip4_b, net.ip6_b), (PORT_A, PORT_B, PORT_6)):
        client(net, addr, port)
        srv.finish()
    return servers


def traced(net, *args):
    tracer = Tracer(*args)
    servers = traffic(net)
    tracer.stop()
    check(tracer.returncode == 0, f"nwtrace {args} exited {tracer.returncode}")
    events = [e for e in tracer.events() if e.get("saddr", "").startswith(("10.202.", "fd00:202:"))
              or e.get("daddr", "").startswith(("10.202.", "fd00:202:"))]
    return events, servers


def main():
    require_bpf()
    with NetnsPair("flt", 202) as net:
        events, _ = traced(net, "-p", str(PORT_A))
        check(events, "-p: nothing reported for the matching port")
        check(all(PORT_A in (e.get("sport"), e.get("dport")) for e in events), f"-p leaked: {events}")
        check({"client", "server"} <= {e.get("direction") for e in events}, "-p should match both sides")

        events, _ = traced(net, "--dport", str(PORT_A))
        check(events and all(e.get("dport") == PORT_A for e in events), f"--dport wrong: {events}")

        events, _ = traced(net, "--sport", str(PORT_B))
        check(events and all(e.get("sport") == PORT_B for e in events), f"--sport wrong: {events}")
        check(any(e["type"] == "accept" for e in events), "--sport: the server's accept is missing")

        events, _ = traced(net, "-i", "fd00:202::/64")
        check(events and all(e["family"] == "ipv6" for e in events), f"-i v6 prefix wrong: {events}")

        events, _ = traced(net, "-i", net.ip4_a)
        check(events and all(net.ip4_a in (e["saddr"], e["daddr"]) for e in events),
              f"-i host wrong: {events}")
        check({PORT_A, PORT_B} <= {e.get("dport") for e in events}, "-i host missed a connection")

        events, _ = traced(net, "-4")
        check(events and all(e["family"] == "ipv4" for e in events), "-4 let IPv6 through")

        # -P: a server started before tracing; only its sockets' records may appear.
        srv = Server(net, net.ip4_b, PORT_A, 2)
        tracer = Tracer("-P", str(srv.pid))
        client(net, net.ip4_b, PORT_A, 2)
        srv.finish()
        other = Server(net, net.ip4_b, PORT_B, 1)
        client(net, net.ip4_b, PORT_B)
        other.finish()
        tracer.stop()
        events = tracer.events()
        check(len([e for e in events if e["type"] == "accept"]) == 2, f"-P missed accepts: {events}")
        check(all(e.get("pid") == srv.pid for e in events), f"-P leaked other pids: {events}")
    print("PASS: filters -p --sport --dport -P -i -4 apply in the kernel")


if __name__ == "__main__":
    main()
