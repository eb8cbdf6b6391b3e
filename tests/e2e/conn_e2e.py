# SPDX-License-Identifier: Apache-2.0
"""Helpers for the connection tests (-x, -r, -S, -a): bulk peers that can hold
a connection idle, ss as the independent oracle, and picking nwtrace records."""
import atexit
import datetime
import json
import os
import re
import subprocess
import time

from nwt_e2e import PYTHON, Tracer, check

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "conn_peer.py")

# Whatever a failing test leaves running (peers) is killed at exit; nwt_e2e stops tracers.
_started = []


@atexit.register
def _kill_leftovers():
    for proc in _started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def start_tracer(*args, **kw):
    return Tracer(*args, **kw)


class BulkServer:
    def __init__(self, pair, addr, port, send_bytes, recv_bytes):
        self.proc = subprocess.Popen(
            pair.exec_args(pair.b) + [PYTHON, PEER, "server", addr, str(port), str(send_bytes),
                                      str(recv_bytes)],
            stdout=subprocess.PIPE, text=True)
        _started.append(self.proc)
        check(json.loads(self.proc.stdout.readline()).get("listening"),
              f"server on {addr}:{port} did not start")
        self.pid = self.proc.pid

    def finish(self):
        out, _ = self.proc.communicate(timeout=60)
        return json.loads(out.splitlines()[-1])


class BulkClient:
    """Connects, transfers, then holds the connection idle until close()."""

    def __init__(self, pair, addr, port, send_bytes, recv_bytes):
        self.proc = subprocess.Popen(
            pair.exec_args(pair.a) + [PYTHON, PEER, "client", addr, str(port), str(send_bytes),
                                      str(recv_bytes)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        _started.append(self.proc)
        line = self.proc.stdout.readline()
        check(line, "client ended before the transfer finished")
        ready = json.loads(line)
        check(ready["received"] == recv_bytes, f"client got {ready} of {recv_bytes} bytes")
        self.sport = ready["sport"]
        self.pid = self.proc.pid

    def close(self):
        out, _ = self.proc.communicate("close\n", timeout=30)
        check(self.proc.returncode == 0, "client failed")


def ss_info(ns, sport):
    """ss -tinH for the socket with local port sport in ns: {cwnd, bytes_acked, ...}."""
    out = subprocess.run(["ip", "netns", "exec", ns, "ss", "-tinH", "sport", "=", f":{sport}"],
                         check=True, capture_output=True, text=True).stdout
    text = " ".join(out.split())
    check(text, f"ss shows no socket with local port {sport} in {ns}")
    info = {"line": out.strip()}
    for key in ("cwnd", "bytes_acked", "bytes_received", "ssthresh"):
        m = re.search(rf"\b{key}:(\d+)", text)
        if m:
            info[key] = int(m.group(1))
    m = re.search(r"\brtt:([\d.]+)/([\d.]+)", text)
    if m:
        info["rtt_us"] = float(m.group(1)) * 1000
    m = re.search(r"\bretrans:(\d+)/(\d+)", text)
    info["retrans_total"] = int(m.group(2)) if m else 0
    return info


def conn_records(events, saddr, sport):
    return [e for e in events if e.get("type") == "conn" and e.get("saddr") == saddr
            and e.get("sport") == sport]


def idle_record(records, since):
    """The last of one socket's conn records taken after `since` (time.time()) while the
    socket was still ESTABLISHED: the idle connection ss read.  Snapshots taken after
    close() are past that moment: the FIN is acked (+1 byte), a lost FIN retransmitted."""
    idle = [e for e in records if e["state"] == "ESTABLISHED" and ts_seconds(e) >= since]
    check(idle, f"no ESTABLISHED conn record after ss read the socket: {records[-3:]}")
    return idle[-1]


def wait_for_snapshot(interval):
    """Sleep long enough for nwtrace to take at least one more snapshot."""
    time.sleep(interval * 2.5)


def ts_seconds(record):
    """A record's ts as seconds since the epoch."""
    return datetime.datetime.strptime(record["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
