# SPDX-License-Identifier: Apache-2.0
"""A bounded TCP peer for nwtrace's tests: prints one JSON line per connection.

  tcp_peer.py server ADDR PORT N   listen, accept N connections, echo, close
  tcp_peer.py client ADDR PORT N   open N connections, send a little, close
"""
import socket
import sys

from peer_common import listen, say


def server(addr, port, count):
    srv = listen(addr, port, 16, 20)
    for _ in range(count):
        conn, peer = srv.accept()
        conn.settimeout(10)
        data = conn.recv(4096)
        conn.sendall(data)
        conn.close()
        say(peer=peer[0], peer_port=peer[1])
    srv.close()


def client(addr, port, count):
    for _ in range(count):
        conn = socket.create_connection((addr, port), timeout=10)
        sport = conn.getsockname()[1]
        conn.sendall(b"ping\n")
        conn.recv(4096)
        conn.close()
        say(sport=sport)


if __name__ == "__main__":
    role, addr, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    (server if role == "server" else client)(addr, port, count)
