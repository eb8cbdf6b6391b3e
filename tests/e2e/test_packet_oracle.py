# SPDX-License-Identifier: Apache-2.0
"""-t against tcpdump -S: every data packet nwtrace reports from the client
carries a (seq, ack) that tcpdump captured on the client's veth, nwtrace sees
at least 90 % of tcpdump's data segments, and every layer time is >= 0."""
import time

from nwt_e2e import (NetnsPair, Tracer, bulk_transfer, check, require_bpf, start_tcpdump,
                     tcpdump_data_segments)

PORT = 18091
NBYTES = 400 * 1024
LAYERS = ("tcp_us", "ip_us", "qdisc_us", "mac_us")


def main():
    require_bpf()
    with NetnsPair("po", 211) as net:
        dump = start_tcpdump(net, net.a, f"{net.tag}a", PORT)
        tracer = Tracer("-t", "-R", "0", "-p", str(PORT))
        time.sleep(1.0)  # tcpdump needs a moment before it captures
        sport = bulk_transfer(net, net.ip4_b, PORT, NBYTES)
        tracer.stop(settle=0.5)
        time.sleep(0.3)
        dump.terminate()
        dump_out, _ = dump.communicate(timeout=10)
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")

        events = [e for e in tracer.events() if e.get("type") == "packet"]
        check(events, f"no packet records: {tracer.stderr}")
        for e in events:
            for key in ("ts", "family", "saddr", "sport", "daddr", "dport", "dir", "seq", "len",
                        "flags"):
                check(key in e, f"packet record without {key}: {e}")
            for layer in LAYERS:
                if layer in e:
                    check(isinstance(e[layer], (int, float)) and e[layer] >= 0,
                          f"negative or non-numeric {layer}: {e}")
        ours = [e for e in events if e["saddr"] == net.ip4_a and e["sport"] == sport
                and e["len"] > 0]
        check(ours, "no data packets from the client")
        seen = {(e["seq"], e["ack"]) for e in ours if "ack" in e}
        dumped = {(seq, ack) for seq, _, ack in tcpdump_data_segments(dump_out, net.ip4_a, sport)
                  if ack is not None}
        check(dumped, f"tcpdump captured no data segments: {dump_out[:500]}")
        unknown = seen - dumped
        check(not unknown, f"{len(unknown)} (seq, ack) pairs not in tcpdump, e.g. {sorted(unknown)[:5]}")
        covered = len(dumped & seen) / len(dumped)
        check(covered >= 0.9, f"nwtrace saw {covered:.0%} of tcpdump's {len(dumped)} data segments")
        tx = [e for e in ours if e["dir"] == "tx"]
        rx = [e for e in ours if e["dir"] == "rx"]
        check(tx and rx, f"expected the client's tx and the server's rx records: {len(tx)}/{len(rx)}")
        check(all("qdisc_us" in e for e in tx), "a tx record without qdisc_us")
        check(any("tcp_us" in e for e in rx), "no rx record reached the socket read")
        check(all(e.get("pid") for e in rx if "tcp_us" in e), "rx records read by a process lack pid")
        # Each side sends and receives on its own veth; both devices alternate
        # on one CPU, so a device remembered for the other would show here.
        # ifindex comes from `ip link` in each namespace.
        dev_of = {net.ip4_a: (f"{net.tag}a", net.ifindex(net.a, f"{net.tag}a")),
                  net.ip4_b: (f"{net.tag}b", net.ifindex(net.b, f"{net.tag}b"))}
        flow = [e for e in events if sport in (e["sport"], e["dport"])]
        for e in flow:
            local = e["saddr"] if e["dir"] == "tx" else e["daddr"]
            check((e.get("ifname"), e.get("ifindex")) == dev_of[local],
                  f"{e['dir']} record at {local} names {e.get('ifname')}/{e.get('ifindex')},"
                  f" not {dev_of[local]}: {e}")
        # Every rx packet of the established connection passes IP and TCP; one
        # that waited in its socket's backlog meets TCP on another CPU, and
        # must still have its IP stamp.  (One miss is allowed for a stamp slot
        # reused in between.)  The handshake and the close are reported at IP,
        # with the socket's state (test_packet_handshake).
        flow_rx = [e for e in events if e["dir"] == "rx" and sport in (e["sport"], e["dport"])
                   and "tcp_state" not in e]
        with_ip = sum("ip_us" in e for e in flow_rx)
        check(with_ip >= len(flow_rx) - 1,
              f"only {with_ip} of {len(flow_rx)} rx records of the flow have ip_us")
    print(f"PASS: {len(seen)} client data segments match tcpdump ({covered:.0%} of {len(dumped)})")


if __name__ == "__main__":
    main()
