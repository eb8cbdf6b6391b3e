"""Bounded bulk transfer for nwtrace's packet tests.

  bulk_peer.py server ADDR PORT          accept one connection, read to EOF, reply "done"
  bulk_peer.py client ADDR PORT BYTES    send BYTES in 16 KiB writes, wait for the reply
Prints one JSON line: the client's local port (client) or bytes received (server).
"""
import socket
import sys

from peer_common import listen, say


def server(addr, port):
    srv = listen(addr, port, 4, 30)
    conn, _ = srv.accept()
    conn.settimeout(30)
    total = 0
    while True:
        data = conn.recv(65536)
        if not data:
            break
        total += len(data)
    conn.sendall(b"done")
    conn.close()
    say(received=total)


def client(addr, port, nbytes):
    conn = socket.create_connection((addr, port), timeout=30)
    sport = conn.getsockname()[1]
    chunk = b"x" * 16384
    sent = 0
    while sent < nbytes:
        n = min(len(chunk), nbytes - sent)
        conn.sendall(chunk[:n])
        sent += n
    conn.shutdown(socket.SHUT_WR)
    conn.recv(16)
    conn.close()
    say(sport=sport, sent=sent)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]))
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
