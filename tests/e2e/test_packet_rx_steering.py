# SPDX-License-Identifier: Apache-2.0
"""The device-receive layer (mac_us) is measured however the packet arrives:
- through NAPI and GRO, as from a NIC driver (net:napi_gro_receive_entry,
  not net:netif_rx): the server's veth runs GRO, which veth does through
  NAPI once the sender stops using TSO;
- steered to another CPU by RPS before IP: both veths queue their packets
  to CPU 0, so the packets a CPU other than 0 transmits change CPU.
In each case the server's rx data records must be the segments tcpdump -S
captured on its veth, and all but one must carry mac_us and ip_us.  The
kernel's own evidence that each path was taken: tcpdump sees segments
larger than one MSS (GRO merged them), and /proc/net/softnet_stat counts the
packets CPU 0 received from other CPUs (RPS)."""
import os
import subprocess
import time

from nwt_e2e import (NetnsPair, Tracer, bulk_transfer, check, require_bpf, skip_or_fail,
                     start_tcpdump, tcpdump_data_segments)

PORT = 18101
NBYTES = 300 * 1024
MSS = 1448


def rps_received_on_cpu0():
    """Packets CPU 0 took from other CPUs' receive steering (softnet_stat column 10)."""
    with open("/proc/net/softnet_stat") as f:
        return int(f.readline().split()[9], 16)


def traced_transfer(net, what, client_cpu=None):
    """Bulk client -> server under nwtrace -t and tcpdump on the server's veth; checks the rx records."""
    dump = start_tcpdump(net, net.b, f"{net.tag}b", PORT)
    tracer = Tracer("-t", "-R", "0", "-p", str(PORT))
    time.sleep(1.0)  # tcpdump needs a moment before it captures
    sport = bulk_transfer(net, net.ip4_b, PORT, NBYTES, client_cpu=client_cpu)
    tracer.stop(settle=1.5)  # unread data waits 1 s in nwtrace; all of it is read here
    dump.terminate()
    dump_out, _ = dump.communicate(timeout=10)
    check(tracer.returncode == 0, f"{what}: nwtrace exited {tracer.returncode}: {tracer.stderr}")

    rx = [e for e in tracer.events() if e.get("type") == "packet" and e["dir"] == "rx" and
          e["saddr"] == net.ip4_a and e["sport"] == sport and e["len"] > 0]
    dumped = {seq: length for seq, length, _ in tcpdump_data_segments(dump_out, net.ip4_a, sport)}
    check(dumped, f"{what}: tcpdump captured no data segments: {dump_out[:500]}")
    seen = {e["seq"]: e["len"] for e in rx}
    unknown = {s: n for s, n in seen.items() if dumped.get(s) != n}
    check(not unknown, f"{what}: rx (seq, len) tcpdump did not capture: {sorted(unknown.items())[:5]}")
    covered = len(seen) / len(dumped)
    check(covered >= 0.9, f"{what}: nwtrace reported {covered:.0%} of tcpdump's {len(dumped)} segments")
    for layer in ("mac_us", "ip_us"):
        with_layer = sum(layer in e for e in rx)
        check(with_layer >= len(rx) - 1,
              f"{what}: only {with_layer} of {len(rx)} rx data records have {layer}: "
              f"{[e for e in rx if layer not in e][:2]}")
    return dumped, f"{sum('mac_us' in e for e in rx)} of {len(rx)} rx data records have mac_us"


def main():
    require_bpf()
    if subprocess.run(["sh", "-c", "command -v ethtool"], capture_output=True).returncode:
        skip_or_fail("ethtool not installed (scripts/install-deps.sh --test installs it)")

    with NetnsPair("pg", 217) as net:
        subprocess.run(net.exec_args(net.a) + ["ethtool", "-K", f"{net.tag}a", "tso", "off"],
                       check=True, capture_output=True)
        subprocess.run(net.exec_args(net.b) + ["ethtool", "-K", f"{net.tag}b", "gro", "on"],
                       check=True, capture_output=True)
        dumped, n = traced_transfer(net, "GRO")
        merged = sum(length > MSS for length in dumped.values())
        check(merged, "GRO: tcpdump saw no segment larger than one MSS, so veth did not use NAPI")
        print(f"GRO: {n}; tcpdump saw {merged} merged segments")

    if os.cpu_count() < 2:
        print("PASS (RPS part not run: one CPU)")
        return
    with NetnsPair("pr", 218) as net:
        for ns, dev in ((net.a, f"{net.tag}a"), (net.b, f"{net.tag}b")):
            subprocess.run(net.exec_args(ns) + ["sh", "-c",
                           f"echo 1 > /sys/class/net/{dev}/queues/rx-0/rps_cpus"], check=True)
        before = rps_received_on_cpu0()
        # The sender on CPU 1, so that its packets cross to CPU 0.
        _, n = traced_transfer(net, "RPS", client_cpu=1)
        steered = rps_received_on_cpu0() - before
        check(steered > 0, "RPS: CPU 0 received no packet from another CPU")
        print(f"RPS: {n}; CPU 0 took {steered} steered packets")
    print("PASS")


if __name__ == "__main__":
    main()
