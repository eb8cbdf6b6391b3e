# SPDX-License-Identifier: Apache-2.0
"""-t reports every segment of a connection's life, rx and tx, against tcpdump -S
on the client's veth: the handshake, the data, a close started by the server, and
a refused connect's reset, over IPv4 and IPv6.
- Each segment tcpdump captured shows as one tx record from its sender and one rx
  record at its receiver, with the same addresses, ports, flags, seq, ack and
  length (seq where tcpdump prints one); nwtrace reports no segment twice.
- On the tracepoint chain, TCP's receive point sees only the established state:
  the SYN, SYN-ACK, the handshake's last ACK, the reset and the closing segments
  are reported at IP with the receiving socket's TCP state (LISTEN, SYN_SENT,
  SYN_RECV, FIN_WAIT1/2, LAST_ACK) and the device layer (mac_us); the segments
  of the established connection are not, and carry ip_us."""
import collections
import subprocess
import sys
import time

from nwt_e2e import (NetnsPair, Server, Tracer, check, record_segment_key, require_bpf,
                     start_tcpdump, tcpdump_segments)

PORT = 18109          # a tcp_peer.py server: one connection, echo, the server closes first
CLOSED_PORT = 18110   # nothing listens: the connect is refused with a reset
def exchange(net, addr):
    """Connect, send a line, read the echo until the server's FIN, then close: one
    side closes first, so the states each segment meets are known (the two sides
    closing at once: test_packet_churn)."""
    code = ("import socket\n"
            f"conn = socket.create_connection(('{addr}', {PORT}), timeout=10)\n"
            "conn.sendall(b'ping\\n')\n"
            "while conn.recv(4096):\n"
            "    pass\n"
            "conn.close()\n")
    got = subprocess.run(net.exec_args(net.a) + [sys.executable, "-c", code], timeout=30)
    check(got.returncode == 0, f"exchange with {addr}:{PORT} failed")


def refused_connect(net, addr):
    code = ("import socket, sys\n"
            "try:\n"
            f"    socket.create_connection(('{addr}', {CLOSED_PORT}), timeout=5)\n"
            "except ConnectionRefusedError:\n"
            "    sys.exit(0)\n"
            "sys.exit(1)\n")
    got = subprocess.run(net.exec_args(net.a) + [sys.executable, "-c", code], timeout=30)
    check(got.returncode == 0, f"connect to {addr}:{CLOSED_PORT} was not refused")


def main():
    require_bpf()
    with NetnsPair("hs", 223) as net:
        dump = start_tcpdump(net, net.a, f"{net.tag}a", f"{PORT} or port {CLOSED_PORT}")
        tracer = Tracer("-t", "-R", "0", "-i", net.ip4_b)
        tracer6 = Tracer("-t", "-R", "0", "-i", net.ip6_b)
        time.sleep(1.0)  # tcpdump needs a moment before it captures
        for addr in (net.ip4_b, net.ip6_b):
            server = Server(net, addr, PORT, 1)
            exchange(net, addr)
            server.finish()
            refused_connect(net, addr)
        time.sleep(0.5)  # the last ACK of the close
        for t in (tracer, tracer6):
            t.stop(settle=0.5)
            check(t.returncode == 0, f"nwtrace exited {t.returncode}: {t.stderr}")
        dump.terminate()
        out, _ = dump.communicate(timeout=10)

        captured = tcpdump_segments(out)
        for family, t in (("IPv4", tracer), ("IPv6", tracer6)):
            server_ip = net.ip4_b if t is tracer else net.ip6_b
            segments = collections.Counter(k for k in captured if server_ip in (k[0], k[2]))
            check(len(segments) >= 10, f"{family}: tcpdump captured only {dict(segments)}")
            records = [e for e in t.events() if e.get("type") == "packet"]
            for direction in ("tx", "rx"):
                got = collections.Counter(record_segment_key(e) for e in records
                                          if e["dir"] == direction)
                missing, extra = segments - got, got - segments
                check(not missing and not extra,
                      f"{family}: segments tcpdump captured without a {direction} record: "
                      f"{sorted(missing, key=str)}; {direction} records tcpdump did not capture "
                      f"(or reported twice): {sorted(extra, key=str)}")
            rx = [e for e in records if e["dir"] == "rx"]
            syns = [e for e in rx if "S" in e["flags"] and PORT in (e["sport"], e["dport"])]
            resets = [e for e in rx if "R" in e["flags"] and e["sport"] == CLOSED_PORT]
            check(len(syns) == 2, f"{family}: expected the SYN and the SYN-ACK on rx: {syns}")
            check(len(resets) == 1, f"{family}: expected the refused connect's reset on rx: "
                  f"{resets}")
            for e in syns + resets:
                check("mac_us" in e, f"{family}: rx record without its device layer: {e}")
            state_of = {("S" if e["flags"] == "S" else "SA" if "S" in e["flags"] else "R"):
                        e.get("tcp_state") for e in syns + resets}
            check(state_of == {"S": "LISTEN", "SA": "SYN_SENT", "R": "SYN_SENT"},
                  f"{family}: receiving sockets' states: {state_of}")
            states = {e.get("tcp_state") for e in rx}
            check({"SYN_RECV", "LAST_ACK"} <= states and states & {"FIN_WAIT1", "FIN_WAIT2"},
                  f"{family}: states of the rx records reported at IP: {states}")
            for e in rx:
                if "tcp_state" in e:
                    check("ip_us" not in e, f"{family}: {e['tcp_state']} record with ip_us: {e}")
                else:
                    check("ip_us" in e and "S" not in e["flags"] and "R" not in e["flags"],
                          f"{family}: established rx record without ip_us: {e}")
            print(f"{family}: {sum(segments.values())} segments captured, each with one tx and "
                  f"one rx record; reported at IP in states {sorted(states - {None})}")


if __name__ == "__main__":
    main()
