# SPDX-License-Identifier: Apache-2.0
"""A quiet trace prints in time order.  Records reach nwtrace per CPU, so with
the client on one CPU and the server on another a short exchange used to
print CPU by CPU: the server's SYN-ACK could come before the client's SYN.
TCP itself fixes the true order of these transmissions, each caused by the
one before: SYN, SYN-ACK, the client's data, the client's FIN, the server's
reply (sent once it has read to the end).  The transmit records must come out
in that order, and all records but received data (which leaves when the
application reads it) in the order of their timestamps."""
import os

from nwt_e2e import (NetnsPair, Tracer, bulk_transfer, check, flow_events, require_bpf,
                     skip_or_fail)

PORT = 18103
DATA = 100


def main():
    require_bpf()
    if len(os.sched_getaffinity(0)) < 2:
        skip_or_fail("needs two CPUs to put the client and the server apart")
    cpus = sorted(os.sched_getaffinity(0))[:2]
    with NetnsPair("or", 228) as net:
        tracer = Tracer("-t", "-R", "0", "-p", str(PORT))
        # nwtrace flushes CPUs' staged records in CPU order: the client, whose
        # CPU handles the handshake too (a veth receives on the sender's CPU),
        # goes on the later one, so that the server's reply is flushed first
        sport = bulk_transfer(net, net.ip4_b, PORT, DATA, client_cpu=cpus[1],
                              server_cpu=cpus[0])
        tracer.stop()
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        records = [e for e in flow_events(tracer.events(), PORT)
                   if e.get("type") == "packet" and sport in (e["sport"], e["dport"])]
        tx = [e for e in records if e["dir"] == "tx"]

        def first(what, match):
            for i, e in enumerate(tx):
                if match(e):
                    return i
            check(False, f"no transmit record of the {what}: {tx}")

        client = lambda e: e["sport"] == sport
        chain = [
            ("SYN", first("SYN", lambda e: client(e) and e["flags"] == "S")),
            ("SYN-ACK", first("SYN-ACK", lambda e: not client(e) and e["flags"] == "SA")),
            ("client data", first("client data", lambda e: client(e) and e["len"] == DATA)),
            ("client FIN", first("client FIN", lambda e: client(e) and "F" in e["flags"])),
            ("server reply", first("server reply", lambda e: not client(e) and e["len"] == 4)),
        ]
        check([i for _, i in chain] == sorted(i for _, i in chain),
              f"transmissions out of TCP's order: {chain}")
        timed = [e["ts"] for e in records if not (e["dir"] == "rx" and e["len"] > 0)]
        check(timed == sorted(timed), f"records out of time order: {timed}")
    print(f"PASS: {len(records)} records of a client on CPU {cpus[1]} and a server on CPU "
          f"{cpus[0]} in time order; SYN, SYN-ACK, data, FIN, reply in TCP's order")


if __name__ == "__main__":
    main()
