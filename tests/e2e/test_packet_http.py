# SPDX-License-Identifier: Apache-2.0
"""-H between two namespaces: a real HTTP/1.1 exchange with python's http.server
yields the request line and the status line on tx and rx records, exactly as the
client sent and received them; binary payload on another connection yields none.

TCP on veth keeps payload in the skb's page fragments, so this exercises the
fragment path (and, where the direct map is randomised and hidden, calibration)."""
import json
import os
import socket
import subprocess
import tempfile
import time

from nwt_e2e import PYTHON, NetnsPair, Tracer, bulk_transfer, check, require_bpf, run


def program_types(ids):
    """The kernel's type of each BPF program id, as bpftool shows it."""
    progs = json.loads(run(["bpftool", "prog", "--json"]).stdout)
    return {p["type"] for p in progs if p["id"] in ids}

PORT, BIN_PORT = 18096, 18097

CLIENT = r"""
import json, socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
request = b"GET /hello.txt HTTP/1.1\r\nHost: nwtrace-test\r\nConnection: close\r\n\r\n"
conn = socket.create_connection((addr, port), timeout=10)
sport = conn.getsockname()[1]
conn.sendall(request)
reply = b""
while chunk := conn.recv(65536):
    reply += chunk
conn.close()
print(json.dumps({"sport": sport, "request": request.split(b"\r\n")[0].decode(),
                  "status": reply.split(b"\r\n")[0].decode(), "bytes": len(reply)}))
"""


def wait_listening(net, addr, port):
    probe = f"import socket; socket.create_connection(('{addr}', {port}), timeout=1).close()"
    deadline = time.time() + 10
    while time.time() < deadline:
        if subprocess.run(net.exec_args(net.a) + [PYTHON, "-c", probe],
                          capture_output=True).returncode == 0:
            return
        time.sleep(0.1)
    check(False, f"http.server on {addr}:{port} did not start")


def main():
    require_bpf()
    with NetnsPair("ht", 215) as net, tempfile.TemporaryDirectory() as root:
        with open(os.path.join(root, "hello.txt"), "w") as f:
            f.write("hello from nwtrace's HTTP test\n")
        server = subprocess.Popen(
            net.exec_args(net.b) + [PYTHON, "-m", "http.server", str(PORT), "--bind", net.ip4_b],
            cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_listening(net, net.ip4_b, PORT)
            http = Tracer("-H", "-R", "0", "-p", str(PORT))
            binary = Tracer("-H", "-R", "0", "-p", str(BIN_PORT))
            http_types = program_types(http.programs)
            got = json.loads(run(net.exec_args(net.a) + [PYTHON, "-c", CLIENT, net.ip4_b,
                                                          str(PORT)], timeout=30).stdout)
            bulk_transfer(net, net.ip4_b, BIN_PORT, 64 * 1024)
            http.stop()
            binary.stop()
        finally:
            server.kill()
            server.wait()
        for t in (http, binary):
            check(t.returncode == 0, f"nwtrace exited {t.returncode}: {t.stderr}")
        # This kernel types the packet path's tracepoints: -H must run there, not fall back.
        check("using raw tracepoints instead" not in http.stderr and
              "tracing" in http_types,
              f"-H did not run on BTF tracepoints: program types {http_types}: {http.stderr}")

        check(got["request"] == "GET /hello.txt HTTP/1.1", f"client sent {got}")
        check(got["status"].startswith("HTTP/1."), f"client received {got}")
        mine = [e for e in http.events() if e["type"] == "packet" and
                {e["sport"], e["dport"]} == {got["sport"], PORT}]
        check(mine, f"no packet records for the HTTP connection: {http.stdout[:2000]}")
        for line, sender in ((got["request"], got["sport"]), (got["status"], PORT)):
            for direction in ("tx", "rx"):
                hits = [e for e in mine if e["dir"] == direction and e.get("http") == line]
                check(hits, f"no {direction} record carries {line!r}: "
                            f"{[e for e in mine if e['len'] > 0]}")
                check(all(e["sport"] == sender for e in hits), f"{line!r} on the wrong side: {hits}")
        odd = [e for e in mine if "http" in e and e["http"] not in (got["request"], got["status"])]
        check(not odd, f"HTTP lines nobody sent: {odd}")

        data = [e for e in binary.events() if e["type"] == "packet" and e["len"] > 0]
        check(data, "no data packet records on the binary connection")
        with_http = [e for e in data if "http" in e]
        check(not with_http, f"binary payload reported as HTTP: {with_http[:3]}")
    print(f"PASS: {got['request']!r} and {got['status']!r} seen on tx and rx; "
          f"{len(data)} binary data packets without an http field")


if __name__ == "__main__":
    main()
