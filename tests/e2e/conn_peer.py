# SPDX-License-Identifier: Apache-2.0
"""A bounded bulk-transfer peer for nwtrace's connection tests.

  conn_peer.py server ADDR PORT SEND_BYTES RECV_BYTES
      listen; accept one connection; read RECV_BYTES, then send SEND_BYTES
      (one direction at a time: neither side can block the other); read
      until the client closes; print {"received": N}; close.
  conn_peer.py client ADDR PORT SEND_BYTES RECV_BYTES
      connect; send SEND_BYTES; read RECV_BYTES; print {"sport": P} and hold
      the connection idle until a line arrives on stdin; close; print
      {"closed": true}.
JSON lines on stdout say where each side is, so a test can look at an idle
connection and then close it.
"""
import socket
import sys

from peer_common import listen, say

CHUNK = 65536


def server(addr, port, send_bytes, recv_bytes):
    srv = listen(addr, port, 4, 30)
    conn, _ = srv.accept()
    srv.close()
    conn.settimeout(60)
    received = 0
    while received < recv_bytes:
        data = conn.recv(CHUNK)
        if not data:
            break
        received += len(data)
    conn.sendall(b"s" * send_bytes)
    while True:
        data = conn.recv(CHUNK)
        if not data:
            break
        received += len(data)
    conn.close()
    say(received=received)


def client(addr, port, send_bytes, recv_bytes):
    conn = socket.create_connection((addr, port), timeout=60)
    conn.sendall(b"c" * send_bytes)
    got = 0
    while got < recv_bytes:
        data = conn.recv(CHUNK)
        if not data:
            break
        got += len(data)
    say(sport=conn.getsockname()[1], received=got)
    sys.stdin.readline()
    conn.close()
    say(closed=True)


if __name__ == "__main__":
    role, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if role == "server":
        server(addr, port, int(sys.argv[4]), int(sys.argv[5]))
    else:
        client(addr, port, int(sys.argv[4]), int(sys.argv[5]))
