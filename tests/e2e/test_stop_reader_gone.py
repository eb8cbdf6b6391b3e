# SPDX-License-Identifier: Apache-2.0
"""A reader that goes away ends the run as a stop, as for tcpdump: `nwtrace -t
--json | head -1` ends within a second of head's exit, with exit 0 and a
summary that says the reader went away and counts only the records the pipe
took.

  1. traffic keeps flowing when the reader closes (a write meets EPIPE);
  2. the traffic has stopped when the reader closes (nothing more to write:
     nwtrace must notice the closed pipe by itself);
  3. the real pipeline, `nwtrace ... | head -1`, under bash.

In 1 and 2 the test is the reader: it reads one line, stops nwtrace
(SIGSTOP), takes everything left in the pipe, closes it and lets nwtrace go
on (SIGCONT).  It has then received every byte nwtrace wrote, so the events
printed must be exactly its whole lines."""
import json
import os
import re
import signal
import subprocess
import tempfile
import time

from nwt_e2e import (NetnsPair, SteadyTraffic, bpf_programs_of, bulk_transfer, check,
                     check_programs_released, fail, nwtrace_path, require_bpf,
                     stop_at_exit)

PORT = 18131
EXIT_LIMIT_S = 1.0      # from the reader's close to nwtrace's exit


def wait_stopped(pid, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "T":
                return
        time.sleep(0.005)
    fail("nwtrace did not stop on SIGSTOP")


def start():
    err = tempfile.NamedTemporaryFile("w+", prefix="nwtrace-err-")
    proc = stop_at_exit(subprocess.Popen([nwtrace_path(), "-t", "--json", "-p", str(PORT)],
                                         stdout=subprocess.PIPE, stderr=err))
    deadline = time.time() + 90
    while "tracing, Ctrl-C to stop" not in open(err.name).read():
        check(proc.poll() is None and time.time() < deadline,
              f"nwtrace did not start: {open(err.name).read()!r}")
        time.sleep(0.05)
    return proc, bpf_programs_of(proc.pid), err


def read_line_then_close(proc, settle=0.0):
    """Reads up to the first newline, then (after settle seconds) everything nwtrace
    wrote, and closes the pipe.  Returns (all bytes received, time of the close)."""
    fd = proc.stdout.fileno()
    got = b""
    while b"\n" not in got:
        chunk = os.read(fd, 4096)
        check(chunk, "nwtrace closed stdout before its first line")
        got += chunk
    time.sleep(settle)
    proc.send_signal(signal.SIGSTOP)
    wait_stopped(proc.pid)
    os.set_blocking(fd, False)
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            break
        if not chunk:
            break
        got += chunk
    proc.stdout.close()
    closed = time.time()
    proc.send_signal(signal.SIGCONT)
    return got, closed


def check_stop(proc, programs, err, got, closed, what):
    try:
        rc = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail(f"{what}: nwtrace still running 30 s after its reader went away")
    took = time.time() - closed
    check_programs_released(programs)
    text = open(err.name).read()
    summary = text.strip().splitlines()[-1]
    check(rc == 0, f"{what}: exit {rc}: {text[-500:]!r}")
    check(took <= EXIT_LIMIT_S, f"{what}: nwtrace exited {took:.2f} s after its reader went away")
    check("went away" in summary, f"{what}: the summary does not say the reader went away: {summary!r}")
    m = re.search(r"(\d+) events printed", summary)
    check(m, f"{what}: no event count in the summary: {summary!r}")
    whole = got.count(b"\n")
    check(int(m.group(1)) == whole,
          f"{what}: summary says {m.group(1)} events printed, the reader received {whole} whole lines")
    return took, whole


def main():
    require_bpf()
    results = []
    with NetnsPair("rg", 231) as net:
        # 1. traffic still flowing when the reader closes
        proc, programs, err = start()
        with SteadyTraffic(net, net.ip4_b, PORT):
            got, closed = read_line_then_close(proc, settle=0.3)
            results.append(("flowing",) + check_stop(proc, programs, err, got, closed,
                                                     "reader closed while traffic flows"))

        # 2. traffic over, nothing more to write, when the reader closes
        proc, programs, err = start()
        bulk_transfer(net, net.ip4_b, PORT, 100)
        got, closed = read_line_then_close(proc, settle=0.5)
        results.append(("quiet",) + check_stop(proc, programs, err, got, closed,
                                               "reader closed after the traffic"))

        # 3. the real thing
        with tempfile.TemporaryDirectory() as tmp, SteadyTraffic(net, net.ip4_b, PORT):
            script = (f'"{nwtrace_path()}" -t --json -p {PORT} 2>{tmp}/err | '
                      f'{{ head -1 >{tmp}/line; date +%s.%N >{tmp}/head_done; }}; '
                      f'echo "${{PIPESTATUS[0]}}" >{tmp}/rc')
            pipeline = subprocess.Popen(["bash", "-c", script], start_new_session=True)
            deadline = time.time() + 120
            while not os.path.exists(f"{tmp}/head_done") and time.time() < deadline:
                time.sleep(0.05)
            try:
                pipeline.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(pipeline.pid, signal.SIGINT)
                pipeline.wait(timeout=30)
                fail("| head -1: nwtrace still running 10 s after head exited")
            done = time.time()
            took = done - float(open(f"{tmp}/head_done").read())
            rc = int(open(f"{tmp}/rc").read())
            text = open(f"{tmp}/err").read()
            summary = text.strip().splitlines()[-1]
            check(rc == 0, f"| head -1: nwtrace exited {rc}: {text[-500:]!r}")
            check(took <= EXIT_LIMIT_S, f"| head -1: nwtrace exited {took:.2f} s after head")
            check("went away" in summary and "events printed" in summary,
                  f"| head -1: summary {summary!r}")
            line = open(f"{tmp}/line").read()
            check(line.endswith("\n") and json.loads(line).get("type") == "packet",
                  f"| head -1 printed {line!r}")
            results.append(("head -1", took, summary.split(" events printed")[0].split()[-1]))
    print("PASS: " + "; ".join(f"{name}: exit 0 after {took:.2f} s, {n} events printed"
                               for name, took, n in results))


if __name__ == "__main__":
    main()
