# SPDX-License-Identifier: Apache-2.0
"""--hops: one record per point a packet passes, against tcpdump -S on the
client's veth.
- Every client data segment nwtrace reports was captured by tcpdump with the
  same (seq, ack, len); at least 90 % of tcpdump's client data segments pass
  every point of the path this kernel shows (device queue, driver transmit,
  device receive, IP, TCP), in that order in time; the server's reads show
  as rx_sock hops.
- --hops -s: each packet of the flow is queued, transmitted, received and
  handed to IP once, so those points' counts equal the packets tcpdump saw
  on the veth, both directions together."""
import re
import time
from datetime import datetime

from nwt_e2e import (NetnsPair, Tracer, bulk_transfer, check, require_bpf, start_tcpdump,
                     stats_lines, tcpdump_data_segments)

PORT = 18103
NBYTES = 150 * 1024
PATH = ("tx_queue", "tx_xmit", "rx_dev", "rx_ip", "rx_tcp")
ONCE_PER_PACKET = ("tx_queue", "tx_xmit", "rx_dev", "rx_ip")


def tcpdump_lines(text, port):
    return [l for l in text.splitlines() if re.search(rf"\.{port}[ :]", l)]


def traced(net, *args):
    """A bulk transfer traced with args, and tcpdump's lines for it on the client's veth."""
    dump = start_tcpdump(net, net.a, f"{net.tag}a", PORT)
    tracer = Tracer("--hops", "-R", "0", "-p", str(PORT), *args)
    time.sleep(1.0)  # tcpdump needs a moment before it captures
    sport = bulk_transfer(net, net.ip4_b, PORT, NBYTES)
    time.sleep(0.5)  # the FIN's last ACK
    tracer.stop(settle=0.5)
    dump.terminate()
    out, _ = dump.communicate(timeout=10)
    check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
    return tracer, sport, tcpdump_lines(out, PORT)


def when(hop):
    return datetime.strptime(hop["ts"], "%Y-%m-%dT%H:%M:%S.%fZ")


def main():
    require_bpf()
    with NetnsPair("ph", 219) as net:
        tracer, sport, lines = traced(net)
        hops = [e for e in tracer.events() if e.get("type") == "hop"]
        check(hops, f"no hop records: {tracer.stderr}")
        for e in hops:
            for key in ("point", "ts", "seq", "len", "dir", "saddr", "sport"):
                check(key in e, f"hop record without {key}: {e}")
        dumped = {(seq, ack, length) for seq, length, ack in
                  tcpdump_data_segments("\n".join(lines), net.ip4_a, sport) if ack is not None}
        check(dumped, f"tcpdump captured no data segments: {lines[:5]}")

        by_segment = {}
        for e in hops:
            if e["saddr"] == net.ip4_a and e["sport"] == sport and e["len"] > 0:
                key = (e["seq"], e.get("ack"), e["len"])
                by_segment.setdefault(key, {})[e["point"]] = e
        unknown = set(by_segment) - dumped
        check(not unknown, f"hops for segments tcpdump did not capture: {sorted(unknown)[:5]}")
        complete = [seg for seg in dumped if all(p in by_segment.get(seg, {}) for p in PATH)]
        check(len(complete) >= 0.9 * len(dumped),
              f"only {len(complete)} of tcpdump's {len(dumped)} data segments passed every point "
              f"of {PATH}; e.g. {[sorted(by_segment.get(s, {})) for s in list(dumped)[:3]]}")
        for seg in complete:
            times = [when(by_segment[seg][p]) for p in PATH]
            check(times == sorted(times), f"segment {seg}: points out of order: "
                  f"{[(p, by_segment[seg][p]['ts']) for p in PATH]}")
        reads = [e for e in hops if e["point"] == "rx_sock" and e["dport"] == PORT]
        check(reads, "no rx_sock hop for the server's reads")
        print(f"--hops: {len(complete)} of {len(dumped)} data segments passed {', '.join(PATH)} "
              f"in order; {len(reads)} server reads")

    with NetnsPair("pi", 220) as net:
        tracer, sport, lines = traced(net, "-s")
        _, final = stats_lines(tracer)
        points = final.get("points", {})
        for p in ONCE_PER_PACKET:
            check(points.get(p) == len(lines),
                  f"--hops -s: {p} counted {points.get(p)}, tcpdump saw {len(lines)} packets: "
                  f"{points}")
        print(f"--hops -s: {', '.join(ONCE_PER_PACKET)} each counted {len(lines)} packets, "
              f"as tcpdump saw")
    print("PASS")


if __name__ == "__main__":
    main()
