# SPDX-License-Identifier: Apache-2.0
"""-S and -a: the state transitions of a normal open and close, on both ends,
chain into the expected sequences with non-negative times in the previous
state; with -a the closed connection stays in the -x table, marked closed,
with its final byte counts."""
import time

from conn_e2e import (BulkClient, BulkServer, conn_records, start_tracer, ts_seconds,
                      wait_for_snapshot)
from nwt_e2e import NetnsPair, check, require_bpf

PORT = 18241
INTERVAL = 0.5
UP, DOWN = 200_000, 100_000

# The client closes first.  This kernel reports FIN_WAIT2 -> CLOSE as the
# socket hands over to its TIME_WAIT mini-socket; older kernels may show TIME_WAIT.
CLIENT_START = [("CLOSE", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED"), ("ESTABLISHED", "FIN_WAIT1"),
                ("FIN_WAIT1", "FIN_WAIT2")]
SERVER = [("LISTEN", "SYN_RECV"), ("SYN_RECV", "ESTABLISHED"), ("ESTABLISHED", "CLOSE_WAIT"),
          ("CLOSE_WAIT", "LAST_ACK"), ("LAST_ACK", "CLOSE")]


def check_chain(label, trans, expected_start):
    pairs = [(e["old_state"], e["state"]) for e in trans]
    print(f"{label}: " + ", ".join(f"{a}>{b} {e.get('old_state_us', '-')}us"
                                   for (a, b), e in zip(pairs, trans)))
    check(pairs[:len(expected_start)] == expected_start, f"{label} sequence {pairs}")
    check(pairs[-1][1] == "CLOSE", f"{label} does not end in CLOSE: {pairs}")
    for prev, cur in zip(pairs, pairs[1:]):
        check(prev[1] == cur[0], f"{label}: {prev} does not lead to {cur}")
    # The first state's start is before the socket was known; every later one is timed.
    for e in trans[1:]:
        check(isinstance(e.get("old_state_us"), int) and e["old_state_us"] >= 0,
              f"{label}: no time in previous state: {e}")
    check(all(e["type"] == "state" for e in trans), f"{label}: -S record types {trans}")


def main():
    require_bpf()
    with NetnsPair("st", 241) as net:
        tracer = start_tracer("-S", "-a", "--interval", str(INTERVAL), "-i", "10.241.0.0/24")
        srv = BulkServer(net, net.ip4_b, PORT, DOWN, UP)
        cli = BulkClient(net, net.ip4_b, PORT, UP, DOWN)
        wait_for_snapshot(INTERVAL)
        cli.close()
        srv.finish()
        closed_at = time.time() + 0.1
        wait_for_snapshot(INTERVAL)
        wait_for_snapshot(INTERVAL)
        tracer.stop()
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        events = tracer.events()

        client = [e for e in events if e["type"] != "conn" and e.get("direction") == "client"
                  and e.get("dport") == PORT]
        check_chain("client", client, CLIENT_START)
        check(all(e.get("pid") == cli.pid for e in client), "client transitions: wrong pid")
        server = [e for e in events if e["type"] != "conn" and e.get("direction") == "server"
                  and e.get("sport") == PORT]
        check_chain("server", server, SERVER)
        check(server == [] or all(e.get("pid") == srv.pid for e in server), "server pid wrong")

        recs = conn_records(events, net.ip4_a, cli.sport)
        closed = [e for e in recs if e["closed"]]
        check(closed, f"-a: closed client connection missing from the table: {recs[-2:]}")
        # Stamped when it closed, and printed again by every later snapshot.
        check(all(ts_seconds(e) <= closed_at for e in closed), f"closed row's ts: {closed}")
        check(len(closed) >= 2, "-a: closed row not kept across snapshots")
        for e in closed:
            check(e["state"] == "CLOSE" and e["bytes_acked"] >= UP and
                  e["bytes_received"] >= DOWN and e.get("duration_us", -1) >= 0,
                  f"closed record lost its final values: {e}")
    print("PASS: -S sequences with non-negative durations; -a keeps the closed connection")


if __name__ == "__main__":
    main()
