# SPDX-License-Identifier: Apache-2.0
"""Bounded bulk transfer for nwtrace's packet tests.

  bulk_peer.py server ADDR PORT [splice] accept one connection, read to EOF, reply "done"
                                         (splice: move the data through a pipe with
                                         splice(2), so it is never copied out by recv)
  bulk_peer.py client ADDR PORT BYTES    send BYTES in 16 KiB writes, wait for the reply
  bulk_peer.py trickle ADDR PORT         send 1 KiB every 5 ms until killed (steady, light traffic)
Prints one JSON line: the client's local port (client) or bytes received (server).
"""
import os
import socket
import sys
import time

from peer_common import listen, say


def server(addr, port, splice=False):
    srv = listen(addr, port, 4, 30)
    conn, _ = srv.accept()
    conn.settimeout(None if splice else 30)  # a timeout makes the fd non-blocking: splice fails
    total = 0
    pipe_r, pipe_w = os.pipe()
    while True:
        if splice:
            n = os.splice(conn.fileno(), pipe_w, 65536)
            os.read(pipe_r, n) if n else None
        else:
            n = len(conn.recv(65536))
        if not n:
            break
        total += n
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


def trickle(addr, port):
    conn = socket.create_connection((addr, port), timeout=30)
    say(sport=conn.getsockname()[1])
    while True:
        conn.sendall(b"t" * 1024)
        time.sleep(0.005)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]), sys.argv[4:] == ["splice"])
    elif sys.argv[1] == "trickle":
        trickle(sys.argv[2], int(sys.argv[3]))
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
