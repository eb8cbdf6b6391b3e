# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for nwtrace's end-to-end tests.

Each test builds its own pair of network namespaces joined by a veth pair,
runs real traffic between them with tcp_peer.py, and compares what nwtrace
printed with what the peers themselves observed.  Traffic never leaves the
namespaces.  Exit code 77 means "skipped" unless NWTRACE_REQUIRE_E2E=1.
"""
import atexit
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "tcp_peer.py")
PYTHON = "/usr/bin/python3"
SKIP = 77


def nwtrace_path():
    path = os.environ.get("NWTRACE")
    if not path or not os.access(path, os.X_OK):
        fail("NWTRACE must name the built nwtrace binary")
    return path


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def skip_or_fail(reason):
    if os.environ.get("NWTRACE_REQUIRE_E2E") == "1":
        fail(f"end-to-end test cannot run ({reason}) and NWTRACE_REQUIRE_E2E=1")
    print(f"SKIP: {reason}", flush=True)
    sys.exit(SKIP)


def require_bpf():
    if os.geteuid() != 0:
        skip_or_fail("needs root")
    if not os.path.exists("/sys/kernel/btf/vmlinux") and not os.path.exists("/sys/fs/bpf"):
        skip_or_fail("kernel without BPF support")
    for tool in ("ip", "bpftool"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            skip_or_fail(f"{tool} not installed (scripts/install-deps.sh installs it)")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class NetnsPair:
    """Namespaces <tag>-a (client, .1) and <tag>-b (server, .2) on one veth link."""

    def __init__(self, tag, subnet):
        self.tag = f"nwt{os.getpid() % 10000}{tag}"
        self.a, self.b = f"{self.tag}-a", f"{self.tag}-b"
        self.ip4_a, self.ip4_b = f"10.{subnet}.0.1", f"10.{subnet}.0.2"
        self.ip6_a, self.ip6_b = f"fd00:{subnet}::1", f"fd00:{subnet}::2"

    def __enter__(self):
        self.close()
        run(["ip", "netns", "add", self.a])
        run(["ip", "netns", "add", self.b])
        run(["ip", "link", "add", f"{self.tag}a", "netns", self.a, "type", "veth",
             "peer", "name", f"{self.tag}b", "netns", self.b])
        for ns, dev, ip4, ip6 in ((self.a, f"{self.tag}a", self.ip4_a, self.ip6_a),
                                  (self.b, f"{self.tag}b", self.ip4_b, self.ip6_b)):
            run(["ip", "-n", ns, "addr", "add", f"{ip4}/24", "dev", dev])
            run(["ip", "-n", ns, "addr", "add", f"{ip6}/64", "dev", dev, "nodad"])
            run(["ip", "-n", ns, "link", "set", dev, "up"])
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        return self

    def close(self):
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)

    def __exit__(self, *exc):
        self.close()

    def exec_args(self, ns):
        return ["ip", "netns", "exec", ns]

    def ifindex(self, ns, dev):
        """dev's interface index inside namespace ns, as `ip link` reports it."""
        out = run(["ip", "-n", ns, "-j", "link", "show", "dev", dev]).stdout
        return json.loads(out)[0]["ifindex"]


class Server:
    """tcp_peer.py server in a namespace; .pid is the process that listens and accepts."""

    def __init__(self, pair, addr, port, connections):
        self.proc = subprocess.Popen(
            pair.exec_args(pair.b) + [PYTHON, PEER, "server", addr, str(port), str(connections)],
            stdout=subprocess.PIPE, text=True)
        ready = json.loads(self.proc.stdout.readline())
        check(ready.get("listening"), f"server on {addr}:{port} did not start")
        self.pid = self.proc.pid

    def finish(self):
        out, _ = self.proc.communicate(timeout=30)
        return [json.loads(line) for line in out.splitlines() if line.strip()]


def client(pair, addr, port, connections=1):
    """Runs tcp_peer.py client; returns (pid, [local ports])."""
    proc = subprocess.Popen(
        pair.exec_args(pair.a) + [PYTHON, PEER, "client", addr, str(port), str(connections)],
        stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(timeout=30)
    check(proc.returncode == 0, f"client to {addr}:{port} failed")
    ports = [json.loads(line)["sport"] for line in out.splitlines() if line.strip()]
    return proc.pid, ports


def loaded_bpf_programs():
    """Ids of every BPF program loaded in the kernel, as bpftool sees them."""
    out = run(["bpftool", "prog", "list", "--json"]).stdout
    return {p["id"] for p in json.loads(out)}


def bpf_programs_of(pid):
    """Ids of the BPF programs a process holds, from its fds' fdinfo."""
    ids = set()
    fdinfo = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(fdinfo):
        try:
            with open(os.path.join(fdinfo, fd)) as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def check_programs_released(ids, timeout=5.0):
    """None of a finished nwtrace's programs may still be loaded.  The kernel frees
    programs shortly after the last fd closes (raw tracepoint links release them
    after an RCU grace period), so this waits a little before failing."""
    check(ids, "nwtrace held no BPF program while tracing")
    # The kernel frees detached programs after an RCU grace period: allow it a moment.
    deadline = time.time() + 5
    while (left := ids & loaded_bpf_programs()) and time.time() < deadline:
        time.sleep(0.1)
    check(not left, f"BPF programs {sorted(left)} still loaded after nwtrace exited")


_running_tracers = []


@atexit.register
def _stop_tracers_left_running():
    """A failed check exits mid-test: never leave an nwtrace (and its probes) behind."""
    for t in _running_tracers:
        if t.proc.poll() is None:
            t.proc.send_signal(signal.SIGCONT)  # in case a test stopped it
            t.proc.send_signal(signal.SIGINT)
            try:
                t.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                t.proc.kill()


class _Started:
    def __init__(self, proc):
        self.proc = proc


def stop_at_exit(proc):
    """An nwtrace a test started itself: stopped (SIGINT) if the test fails before it ends."""
    _running_tracers.append(_Started(proc))
    return proc


class Tracer:
    """nwtrace running in the background; stop() sends a signal and collects output."""

    def __init__(self, *args, json_output=True):
        self.out = tempfile.NamedTemporaryFile("w+", prefix="nwtrace-out-", delete=False)
        self.err = tempfile.NamedTemporaryFile("w+", prefix="nwtrace-err-", delete=False)
        # NWTRACE_PREFER: the attach kind to try first (ctest runs some tests on each)
        prefer = ["--prefer", os.environ["NWTRACE_PREFER"]] if os.environ.get("NWTRACE_PREFER") else []
        argv = [nwtrace_path()] + prefer + (["--json"] if json_output else []) + list(args)
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=self.err, text=True)
        _running_tracers.append(self)
        self._wait_attached()
        self.programs = bpf_programs_of(self.proc.pid)

    def _wait_attached(self, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.err.name) as f:
                text = f.read()
            if "tracing, Ctrl-C to stop" in text:
                return
            if self.proc.poll() is not None:
                fail(f"{' '.join(self.argv)} exited {self.proc.returncode}: {text.strip()}")
            time.sleep(0.05)
        self.proc.kill()
        fail(f"nwtrace did not attach within {timeout}s")

    def stop(self, sig=signal.SIGINT, settle=0.3):
        time.sleep(settle)  # let the last events reach the ring buffer
        self.proc.send_signal(sig)
        self.returncode = self.proc.wait(timeout=30)
        check_programs_released(self.programs)
        with open(self.out.name) as f:
            self.stdout = f.read()
        with open(self.err.name) as f:
            self.stderr = f.read()
        os.unlink(self.out.name)
        os.unlink(self.err.name)
        return self

    def events(self):
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def flow_events(events, port):
    return [e for e in events if port in (e.get("sport"), e.get("dport"))]


BULK = os.path.join(HERE, "bulk_peer.py")


def _pinned(cpu):
    """The command prefix that keeps a process on that CPU (None: anywhere)."""
    return ["taskset", "-c", str(cpu)] if cpu is not None else []


def bulk_transfer(pair, addr, port, nbytes, splice=False, client_cpu=None, server_cpu=None):
    """Client in pair.a sends nbytes to a server in pair.b; returns the client's port.
    splice: the server moves the data out with splice(2) instead of reading it.
    client_cpu, server_cpu: that side runs on that CPU only."""
    srv = subprocess.Popen(pair.exec_args(pair.b) + _pinned(server_cpu)
                           + [PYTHON, BULK, "server", addr, str(port)]
                           + (["splice"] if splice else []),
                           stdout=subprocess.PIPE, text=True)
    check(json.loads(srv.stdout.readline()).get("listening"), "bulk server did not start")
    out = run(pair.exec_args(pair.a) + _pinned(client_cpu) + [PYTHON, BULK, "client", addr, str(port), str(nbytes)],
              timeout=60).stdout
    got = json.loads(srv.stdout.readline())
    srv.wait(timeout=30)
    check(got.get("received") == nbytes, f"server received {got}, expected {nbytes}")
    return json.loads(out)["sport"]


class SteadyTraffic:
    """A connection from pair.a to pair.b carrying 1 KiB every 5 ms until the block ends:
    events keep flowing at a rate a shared CI host does not notice."""

    def __init__(self, pair, addr, port):
        self.pair, self.addr, self.port = pair, addr, port

    def __enter__(self):
        self.srv = subprocess.Popen(self.pair.exec_args(self.pair.b)
                                    + [PYTHON, BULK, "server", self.addr, str(self.port)],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        check(json.loads(self.srv.stdout.readline()).get("listening"), "steady server did not start")
        self.cli = subprocess.Popen(self.pair.exec_args(self.pair.a)
                                    + [PYTHON, BULK, "trickle", self.addr, str(self.port)],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.sport = json.loads(self.cli.stdout.readline())["sport"]
        return self

    def __exit__(self, *exc):
        for p in (self.cli, self.srv):
            p.kill()
            p.wait()


def start_tcpdump(pair, ns, dev, port):
    """`tcpdump -S -n -l` of TCP port `port` on dev in namespace ns (skips if tcpdump is missing).
    Give it a second before the traffic: it needs a moment before it captures."""
    if subprocess.run(["sh", "-c", "command -v tcpdump"], capture_output=True).returncode:
        skip_or_fail("tcpdump not installed")
    return subprocess.Popen(pair.exec_args(ns) + ["tcpdump", "-S", "-n", "-l", "-i", dev, "tcp",
                                                  "port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


TCPDUMP_FLAGS = {"S": "S", "F": "F", "R": "R", "P": "P", ".": "A", "U": "U", "E": "E", "W": "C"}
TCPDUMP_SEGMENT = re.compile(r"IP6? (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]+)\]"
                             r"(?:, seq (\d+)(?::\d+)?)?(?:, ack (\d+))?.*?, length (\d+)")


def segment_key(saddr, sport, daddr, dport, flags, seq, ack, length):
    """What identifies a segment in tcpdump's output and nwtrace's alike: addresses,
    ports, flags (nwtrace's letters), seq, ack and length.  tcpdump prints seq only
    for segments with data, SYN, FIN or RST."""
    flags = frozenset(flags)
    shows_seq = length > 0 or flags & {"S", "F", "R"}
    return (saddr, int(sport), daddr, int(dport), flags, seq if shows_seq else None, ack, length)


def tcpdump_segments(text):
    """segment_key() of every TCP segment in `tcpdump -S -n` output."""
    keys = []
    for m in map(TCPDUMP_SEGMENT.search, text.splitlines()):
        if m:
            saddr, sport, daddr, dport, flags, seq, ack, length = m.groups()
            letters = {TCPDUMP_FLAGS[c] for c in flags if c in TCPDUMP_FLAGS}
            keys.append(segment_key(saddr, sport, daddr, dport, letters,
                                    int(seq) if seq else None, int(ack) if ack else None,
                                    int(length)))
    return keys


def tcpdump_data_segments(text, ip, port):
    """(seq, len, ack) of each data segment `tcpdump -S -n` output shows ip:port sending;
    ack is None when the line has none."""
    return [(seq, length, ack) for saddr, sport, _, _, _, seq, ack, length in tcpdump_segments(text)
            if saddr == ip and sport == port and length > 0]


def record_segment_key(e):
    """segment_key() of an nwtrace packet record."""
    return segment_key(e["saddr"], e["sport"], e["daddr"], e["dport"], set(e["flags"]) - {"."},
                       e["seq"], e.get("ack"), e["len"])


def stats_lines(tracer):
    """The -s --json summaries nwtrace printed: (periodic, final)."""
    lines = [json.loads(l) for l in tracer.stdout.splitlines() if l.strip()]
    periodic = [l for l in lines if l.get("type") == "stats"]
    final = [l for l in lines if l.get("type") == "stats_summary"]
    check(len(final) == 1, f"expected one stats_summary line, got {len(final)}")
    return periodic, final[0]


def check_accounting(line):
    check(line["generated"] == line["delivered"] + line["suppressed"] + line["lost"],
          f"accounting identity broken: {line}")
