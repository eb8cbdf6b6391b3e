# SPDX-License-Identifier: Apache-2.0
"""TCP lifecycle over IPv4 and IPv6 between two namespaces: every record's
4-tuple and owner pid must match what the peers themselves saw."""
from nwt_e2e import (NetnsPair, Server, Tracer, check, client, flow_events,
                     require_bpf)

PORT4, PORT6 = 18081, 18082


def check_connection(events, pid_client, pid_server, caddr, saddr, sport, port):
    """The client's and the server's records for one connection."""
    mine = [e for e in events if {e.get("sport"), e.get("dport")} == {sport, port}]
    client_side = [e for e in mine if e.get("direction") == "client"]
    server_side = [e for e in mine if e.get("direction") == "server"]
    states = [(e["old_state"], e["state"]) for e in client_side]
    check(("SYN_SENT", "ESTABLISHED") in states, f"client never ESTABLISHED: {states}")
    check(client_side and client_side[-1]["type"] == "close", f"client close missing: {states}")
    for e in client_side:
        check(e.get("pid") == pid_client, f"client record pid {e.get('pid')} != {pid_client}: {e}")
        check(e["saddr"] == caddr and e["daddr"] == saddr and e["sport"] == sport
              and e["dport"] == port, f"client 4-tuple wrong: {e}")
    accepts = [e for e in server_side if e["type"] == "accept"]
    check(len(accepts) == 1, f"expected one accept record, got {server_side}")
    for e in server_side:
        check(e.get("pid") == pid_server, f"server record pid {e.get('pid')} != {pid_server}: {e}")
        check(e["saddr"] == saddr and e["daddr"] == caddr and e["sport"] == port
              and e["dport"] == sport, f"server 4-tuple wrong: {e}")
    closes = [e for e in mine if e["type"] == "close"]
    check(len(closes) == 2, f"expected a close per side: {closes}")
    for e in closes:
        check(isinstance(e.get("duration_us"), int) and e["duration_us"] >= 0,
              f"close without duration: {e}")


def main():
    require_bpf()
    with NetnsPair("lc", 201) as net:
        tracer = Tracer("-i", "10.201.0.0/24")
        srv = Server(net, net.ip4_b, PORT4, 2)
        pid_c, ports = client(net, net.ip4_b, PORT4, 2)
        srv.finish()
        tracer.stop()
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        events = tracer.events()
        for e in events:
            for key in ("type", "ts", "family", "saddr", "daddr", "state", "old_state"):
                check(key in e, f"record without {key}: {e}")
            check(e["family"] == "ipv4", f"-i 10.201.0.0/24 let through {e}")
        for sport in ports:
            check_connection(events, pid_c, srv.pid, net.ip4_a, net.ip4_b, sport, PORT4)
        listens = [e for e in flow_events(events, PORT4) if e["type"] == "listen"]
        check(listens and listens[0].get("pid") == srv.pid, f"listen record wrong: {listens}")
        check("events printed" in tracer.stderr, f"no summary on stderr: {tracer.stderr}")

        tracer6 = Tracer("-6")
        srv = Server(net, net.ip6_b, PORT6, 1)
        pid_c, ports = client(net, net.ip6_b, PORT6, 1)
        srv.finish()
        tracer6.stop()
        events = tracer6.events()
        check(all(e["family"] == "ipv6" for e in events), "-6 let IPv4 through")
        check_connection(events, pid_c, srv.pid, net.ip6_a, net.ip6_b, ports[0], PORT6)
    print("PASS: lifecycle over IPv4 and IPv6 with owner pids and 4-tuples")


if __name__ == "__main__":
    main()
