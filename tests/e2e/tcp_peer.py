"""A bounded TCP peer for nwtrace's tests: prints one JSON line per connection.

  tcp_peer.py server ADDR PORT N   listen, accept N connections, echo, close
  tcp_peer.py client ADDR PORT N   open N connections, send a little, close
"""
import json
import socket
import sys


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def server(addr, port, count):
    srv = socket.socket(family_of(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(16)
    srv.settimeout(20)
    print(json.dumps({"listening": True}), flush=True)
    for _ in range(count):
        conn, peer = srv.accept()
        conn.settimeout(10)
        data = conn.recv(4096)
        conn.sendall(data)
        conn.close()
        print(json.dumps({"peer": peer[0], "peer_port": peer[1]}), flush=True)
    srv.close()


def client(addr, port, count):
    for _ in range(count):
        conn = socket.create_connection((addr, port), timeout=10)
        sport = conn.getsockname()[1]
        conn.sendall(b"ping\n")
        conn.recv(4096)
        conn.close()
        print(json.dumps({"sport": sport}), flush=True)


if __name__ == "__main__":
    role, addr, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    (server if role == "server" else client)(addr, port, count)
