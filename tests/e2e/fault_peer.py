# SPDX-License-Identifier: Apache-2.0
"""Peers for the drop and error-packet tests; each prints one JSON line.

  fault_peer.py hold ADDR PORT SECONDS      accept one connection, keep it open
  fault_peer.py refused ADDR PORT SPORT     connect from SPORT to a closed port
  fault_peer.py blocked ADDR PORT SPORT     connect from SPORT, give up after 3 s
  fault_peer.py badcsum SADDR ADDR PORT SPORT SEQ
                                            one SYN with a wrong TCP checksum, sent
                                            from a raw socket (nothing fixes it up)
  fault_peer.py badseq SADDR ADDR PORT      connect, then one segment of that
                                            connection 2^30 bytes beyond what it sent
"""
import socket
import struct
import sys
import time

from peer_common import listen, say

TCP_REPAIR, TCP_REPAIR_QUEUE, TCP_QUEUE_SEQ = 19, 20, 21
TCP_RECV_QUEUE, TCP_SEND_QUEUE = 1, 2


def hold(addr, port, seconds):
    srv = listen(addr, port, 1, 20)
    conn, _ = srv.accept()
    conn.settimeout(seconds)
    deadline = time.time() + seconds
    try:
        while time.time() < deadline and conn.recv(4096):
            pass
    except socket.timeout:
        pass
    conn.close()
    srv.close()


def connect_from(addr, port, sport, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", sport))
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        result = "connected"
    except ConnectionRefusedError:
        result = "refused"
    except socket.timeout:
        result = "timeout"
    s.close()
    say(sport=sport, result=result)


def badcsum(saddr, addr, port, sport, seq):
    from scapy.all import IP, TCP, conf, send
    conf.verb = 0
    send(IP(src=saddr, dst=addr) / TCP(sport=sport, dport=port, flags="S", seq=seq,
                                        chksum=0xdead))
    say(sport=sport, seq=seq)


def queue_seq(s, queue):
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, queue)
    return struct.unpack("I", s.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ, 4))[0]


def badseq(saddr, addr, port):
    from scapy.all import IP, TCP, conf, send
    conf.verb = 0
    s = socket.create_connection((addr, port), timeout=5)
    s.sendall(b"ping\n")
    time.sleep(0.3)
    # The connection's own numbers, from the kernel's socket (repair mode, root only).
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
    snd_nxt = queue_seq(s, TCP_SEND_QUEUE)
    rcv_nxt = queue_seq(s, TCP_RECV_QUEUE)
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 0)
    sport = s.getsockname()[1]
    bad = (snd_nxt + (1 << 30)) % (1 << 32)
    send(IP(src=saddr, dst=addr) / TCP(sport=sport, dport=port, flags="A", seq=bad,
                                        ack=rcv_nxt) / b"x")
    time.sleep(0.3)
    s.close()
    say(sport=sport, seq=bad, snd_nxt=snd_nxt)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "hold":
        hold(args[0], int(args[1]), float(args[2]))
    elif cmd in ("refused", "blocked"):
        connect_from(args[0], int(args[1]), int(args[2]), 2 if cmd == "refused" else 3)
    elif cmd == "badcsum":
        badcsum(args[0], args[1], int(args[2]), int(args[3]), int(args[4]))
    elif cmd == "badseq":
        badseq(args[0], args[1], int(args[2]))
    else:
        sys.exit(f"unknown command {cmd}")
