"""Bounded bulk transfer for nwtrace's packet tests.

  bulk_peer.py server ADDR PORT          accept one connection, read to EOF, reply "done"
  bulk_peer.py client ADDR PORT BYTES    send BYTES in 16 KiB writes, wait for the reply
Prints one JSON line: the client's local port (client) or bytes received (server).
"""
import json
import socket
import sys


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def server(addr, port):
    srv = socket.socket(family_of(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(4)
    srv.settimeout(30)
    print(json.dumps({"listening": True}), flush=True)
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
    print(json.dumps({"received": total}), flush=True)


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
    print(json.dumps({"sport": sport, "sent": sent}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]))
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
