# SPDX-License-Identifier: Apache-2.0
"""Received data that the application never copies out still has its
records: a server that moves the data with splice(2) (as proxies do) gets
one rx record per data segment tcpdump captured on its veth, printed while
nwtrace runs, with no socket-read time (nothing read it, so that layer
is absent, not 0)."""
import json
import time

from nwt_e2e import (NetnsPair, Tracer, bulk_transfer, check, require_bpf, start_tcpdump,
                     tcpdump_data_segments)

PORT = 18098
NBYTES = 200 * 1024
WAIT_S = 2.5  # nwtrace waits 1 s for a read before it reports data without one


def main():
    require_bpf()
    with NetnsPair("ps", 215) as net:
        dump = start_tcpdump(net, net.b, f"{net.tag}b", PORT)
        tracer = Tracer("-t", "-R", "0", "-p", str(PORT))
        time.sleep(1.0)  # tcpdump needs a moment before it captures
        sport = bulk_transfer(net, net.ip4_b, PORT, NBYTES, splice=True)
        time.sleep(WAIT_S)
        with open(tracer.out.name) as f:
            live = [json.loads(l) for l in f.read().splitlines() if l.strip()]
        check(tracer.proc.poll() is None, "nwtrace stopped on its own")
        tracer.stop()
        dump.terminate()
        dump_out, _ = dump.communicate(timeout=10)
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")

        rx = [e for e in live if e.get("type") == "packet" and e["dir"] == "rx" and
              e["saddr"] == net.ip4_a and e["sport"] == sport and e["len"] > 0]
        dumped = {seq for seq, _, _ in tcpdump_data_segments(dump_out, net.ip4_a, sport)}
        check(dumped, f"tcpdump captured no data segments: {dump_out[:500]}")
        seen = {e["seq"] for e in rx}
        unknown = seen - dumped
        check(not unknown, f"rx records with a seq tcpdump did not capture: {sorted(unknown)[:5]}")
        covered = len(seen & dumped) / len(dumped)
        check(covered >= 0.9, f"{WAIT_S}s after the transfer nwtrace had printed {covered:.0%} "
              f"of the {len(dumped)} data segments tcpdump captured on the server's veth")
        read = [e for e in rx if "tcp_us" in e]
        check(not read, f"spliced data shows a socket-read time: {read[:2]}")
        # The splice reader holds its socket for the whole call, so segments
        # wait in the backlog and meet TCP on the reader's CPU: their IP stamps
        # must still be found.
        check(all("ip_us" in e for e in rx), f"an rx record without ip_us: {rx[:2]}")
    print(f"PASS: {len(seen)} spliced data segments reported ({covered:.0%} of tcpdump's "
          f"{len(dumped)}), none with a read time")


if __name__ == "__main__":
    main()
