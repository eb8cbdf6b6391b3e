# SPDX-License-Identifier: Apache-2.0
"""UDP test peer: one JSON line per event on stdout.

  udp_peer.py recv ADDR PORT COUNT [--no-read] [--rcvbuf BYTES] [--wait SEC]
      binds, says {"ready": true}, then reads COUNT datagrams (or, with
      --no-read, sleeps --wait seconds without reading and closes); says what
      it received and, per datagram, the time since the sender's timestamp.
  udp_peer.py send ADDR PORT SPORT SIZE...
      sends one datagram per SIZE from local port SPORT, each starting with
      the CLOCK_MONOTONIC time (ns) just before its sendto().
  udp_peer.py gso ADDR PORT SPORT SEGMENT SIZE COUNT
      sends COUNT datagrams of SIZE bytes with UDP_SEGMENT SEGMENT: the
      kernel cuts each into SIZE / SEGMENT datagrams on the wire.
  udp_peer.py badcsum SADDR ADDR PORT SPORT COUNT SIZE
      sends COUNT datagrams of SIZE payload bytes whose UDP checksum is wrong,
      from a raw socket (the kernel adds the IPv4 header and fixes nothing).
  udp_peer.py tun DEV LOCAL PEER PORT CLOSED_PORT COUNT
      creates tun device DEV with address LOCAL/24 and, as a NIC would hand
      them up, injects COUNT pairs of datagrams from PEER: one to CLOSED_PORT
      (no socket), one to PORT, which it reads; says the sizes it read.
"""
import fcntl
import os
import socket
import struct
import subprocess
import sys
import time

from peer_common import say

STAMP = struct.Struct("!Q")


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv(addr, port, count, no_read=False, rcvbuf=0, wait=1.0):
    sock = socket.socket(family_of(addr), socket.SOCK_DGRAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((addr, port))
    say(ready=True)
    if no_read:
        time.sleep(wait)
        sock.close()
        say(received=0, bytes=0)
        return
    sock.settimeout(30)  # the first datagram may wait for a tracer to start
    e2e_ns, total = [], 0
    for _ in range(count):
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        now = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        total += len(data)
        if len(data) >= STAMP.size:
            e2e_ns.append(now - STAMP.unpack_from(data)[0])
    say(received=len(e2e_ns), bytes=total, e2e_ns=e2e_ns)


def send(addr, port, sport, sizes):
    family = family_of(addr)
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", sport))
    total = 0
    for size in sizes:
        payload = bytearray(max(size, STAMP.size))
        STAMP.pack_into(payload, 0, time.clock_gettime_ns(time.CLOCK_MONOTONIC))
        total += sock.sendto(payload, (addr, port))
        time.sleep(0.002)  # a paced sender: one datagram in flight at a time
    say(sent=len(sizes), bytes=total)


UDP_SEGMENT = 103  # linux/udp.h


def gso(addr, port, sport, segment, size, count):
    family = family_of(addr)
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", sport))
    sock.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, segment)
    for _ in range(count):
        sock.sendto(bytes(size), (addr, port))
        time.sleep(0.002)
    say(sent=count, bytes=count * size)


def inet_checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def badcsum(saddr, addr, port, sport, count, size):
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    payload = bytes(size)
    length = 8 + size
    pseudo = socket.inet_aton(saddr) + socket.inet_aton(addr) + struct.pack("!BBH", 0, 17, length)
    good = inet_checksum(pseudo + struct.pack("!HHHH", sport, port, length, 0) + payload) or 0xffff
    wrong = good ^ 0x0101
    for _ in range(count):
        sock.sendto(struct.pack("!HHHH", sport, port, length, wrong) + payload, (addr, 0))
        time.sleep(0.002)
    say(sent=count, checksum=f"{wrong:#06x}", correct=f"{good:#06x}")


def ipv4_udp_packet(saddr, daddr, sport, dport, payload):
    src, dst = socket.inet_aton(saddr), socket.inet_aton(daddr)
    length = 8 + len(payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, length)
    udp = struct.pack("!HHHH", sport, dport, length, 0) + payload
    udp = udp[:6] + struct.pack("!H", inet_checksum(pseudo + udp) or 0xffff) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 0, 0, 64, 17, 0, src, dst)
    return ip[:10] + struct.pack("!H", inet_checksum(ip)) + ip[12:] + udp


TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454ca, 0x0001, 0x1000


def tun(dev, local, peer, port, closed_port, count):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", dev.encode(), IFF_TUN | IFF_NO_PI))
    subprocess.run(["ip", "addr", "add", f"{local}/24", "dev", dev], check=True)
    subprocess.run(["ip", "link", "set", dev, "up"], check=True)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((local, port))
    sock.settimeout(5)
    sizes = []
    for i in range(count):
        os.write(fd, ipv4_udp_packet(peer, local, 42000, closed_port, b"c" * 33))
        os.write(fd, ipv4_udp_packet(peer, local, 42000, port, b"o" * (100 + i % 40)))
        sizes.append(len(sock.recv(2048)))
    os.close(fd)
    say(injected=2 * count, read_sizes=sizes)


def main():
    if sys.argv[1] == "tun":
        dev, local, peer, port, closed_port, count = sys.argv[2:8]
        tun(dev, local, peer, int(port), int(closed_port), int(count))
        return
    if sys.argv[1] == "gso":
        addr, port, sport, segment, size, count = sys.argv[2:8]
        gso(addr, int(port), int(sport), int(segment), int(size), int(count))
        return
    if sys.argv[1] == "badcsum":
        saddr, addr, port, sport, count, size = sys.argv[2:8]
        badcsum(saddr, addr, int(port), int(sport), int(count), int(size))
        return
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "send":
        send(addr, port, int(sys.argv[4]), [int(s) for s in sys.argv[5:]])
        return
    args = sys.argv[4:]
    count = int(args.pop(0))
    opts = {"no_read": False, "rcvbuf": 0, "wait": 1.0}
    while args:
        arg = args.pop(0)
        if arg == "--no-read":
            opts["no_read"] = True
        elif arg == "--rcvbuf":
            opts["rcvbuf"] = int(args.pop(0))
        elif arg == "--wait":
            opts["wait"] = float(args.pop(0))
    recv(addr, port, count, **opts)


if __name__ == "__main__":
    main()
