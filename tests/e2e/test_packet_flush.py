# SPDX-License-Identifier: Apache-2.0
"""Records are staged per CPU in the kernel and committed in batches; nwtrace
flushes partly filled batches every poll period.  A short exchange (far fewer
records than a batch per CPU) must therefore be on stdout within a second,
while nwtrace still runs, and stopping must add none of that flow's records
again: each was committed exactly once."""
import json
import time

from nwt_e2e import NetnsPair, Tracer, bulk_transfer, check, require_bpf

PORT = 18097
FLUSH_WAIT_S = 1.0


def flow_records(path, sport):
    with open(path) as f:
        lines = [json.loads(l) for l in f.read().splitlines() if l.strip()]
    return [e for e in lines if e.get("type") == "packet" and
            {e["sport"], e["dport"]} == {sport, PORT}]


def key(e):
    return (e["dir"], e["saddr"], e["sport"], e["seq"], e.get("ack"), e["flags"], e["len"],
            e["ts"])


def main():
    require_bpf()
    with NetnsPair("pl", 214) as net:
        tracer = Tracer("-t", "-R", "0", "-p", str(PORT))
        sport = bulk_transfer(net, net.ip4_b, PORT, 100)
        time.sleep(FLUSH_WAIT_S)
        live = flow_records(tracer.out.name, sport)
        check(tracer.proc.poll() is None, "nwtrace stopped on its own")
        check(any(e["dir"] == "tx" and e["len"] == 100 and e["saddr"] == net.ip4_a for e in live),
              f"the client's 100-byte segment not printed {FLUSH_WAIT_S}s later: {live}")
        check(any(e["dir"] == "rx" and e["len"] == 100 and "tcp_us" in e for e in live),
              f"the server's read of it not printed {FLUSH_WAIT_S}s later: {live}")
        out_name = tracer.out.name
        tracer.stop()
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        final = [e for e in tracer.events() if e.get("type") == "packet" and
                 {e["sport"], e["dport"]} == {sport, PORT}]
        keys = [key(e) for e in final]
        check(len(keys) == len(set(keys)), f"a record was printed twice: {final}")
        check(len(final) == len(live),
              f"{len(final) - len(live)} records of the idle flow appeared only at exit "
              f"({out_name}): {final[len(live):]}")
    print(f"PASS: {len(live)} records of a 100-byte exchange printed within {FLUSH_WAIT_S}s, "
          f"none again at exit")


if __name__ == "__main__":
    main()
