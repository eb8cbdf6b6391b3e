# SPDX-License-Identifier: Apache-2.0
"""A full file system ends the run: with -o FILE (direct I/O) and with stdout
redirected to a file, on a 256 KiB tmpfs mounted here, nwtrace stops by
itself, says on one line which file and why (`nwtrace: writing 'PATH': No
space left on device`), exits 1, and leaves the file holding whole JSON lines
only, every one of them parseable; its BPF programs are gone."""
import json
import os
import signal
import subprocess
import tempfile
import time

from nwt_e2e import (NetnsPair, SteadyTraffic, bpf_programs_of, check, check_programs_released,
                     fail, nwtrace_path, require_bpf, stop_at_exit)

PORT = 18135
FS_SIZE = "256k"
STOP_LIMIT_S = 30       # the steady traffic fills 256 KiB in a few seconds


def run_until_full(net, path, stdout_to_file):
    err = tempfile.NamedTemporaryFile("w+", prefix="nwtrace-err-")
    argv = [nwtrace_path(), "-t", "--json", "-p", str(PORT)]
    out = open(path, "w") if stdout_to_file else subprocess.DEVNULL
    if not stdout_to_file:
        argv += ["-o", path]
    proc = stop_at_exit(subprocess.Popen(argv, stdout=out, stderr=err))
    if stdout_to_file:
        out.close()
    deadline = time.time() + 90
    while "tracing, Ctrl-C to stop" not in open(err.name).read():
        check(proc.poll() is None and time.time() < deadline,
              f"nwtrace did not start: {open(err.name).read()!r}")
        time.sleep(0.05)
    programs = bpf_programs_of(proc.pid)
    with SteadyTraffic(net, net.ip4_b, PORT):
        started = time.time()
        try:
            rc = proc.wait(timeout=STOP_LIMIT_S)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)    # before the file system is unmounted
            proc.wait(timeout=30)
            fail(f"nwtrace still running {STOP_LIMIT_S} s into a full file system "
                 f"({os.path.getsize(path)} bytes written): {open(err.name).read()[-400:]!r}")
        took = time.time() - started
    check_programs_released(programs)
    lines = open(err.name).read().strip().splitlines()
    return rc, lines, took


def check_whole_lines(path, what):
    with open(path, "rb") as f:
        data = f.read()
    check(data, f"{what}: nothing was written")
    check(data.endswith(b"\n"), f"{what}: the file ends in a partial line: {data[-80:]!r}")
    records = []
    for i, line in enumerate(data.decode().splitlines()):
        try:
            records.append(json.loads(line))
        except ValueError:
            fail(f"{what}: line {i + 1} is not JSON: {line[:120]!r}")
    check(all(r.get("type") == "packet" for r in records), f"{what}: unexpected records")
    return len(records), len(data)


def main():
    require_bpf()
    mnt = tempfile.mkdtemp(prefix="nwt-full-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={FS_SIZE}", "nwt-full", mnt], check=True)
    results = []
    try:
        with NetnsPair("full", 233) as net:
            for stdout_to_file, what, name in ((False, "-o FILE", "trace.jsonl"),
                                              (True, "> FILE", "stdout.jsonl")):
                path = os.path.join(mnt, name)
                rc, lines, took = run_until_full(net, path, stdout_to_file)
                said = f"'{path}' (stdout)" if stdout_to_file else f"'{path}'"
                expect = f"nwtrace: writing {said}: No space left on device"
                check(rc == 1, f"{what}: exit {rc}: {lines[-3:]}")
                check(lines[-1] == expect, f"{what}: last line {lines[-1]!r}, expected {expect!r}")
                check(not any("events printed" in l for l in lines),
                      f"{what}: more than the one error line: {lines[-3:]}")
                n, size = check_whole_lines(path, what)
                results.append(f"{what}: exit 1 after {took:.1f} s, {n} whole lines, {size} bytes")
                os.unlink(path)
    finally:
        if not subprocess.run(["umount", mnt]).returncode:
            os.rmdir(mnt)
    print("PASS: " + "; ".join(results))


if __name__ == "__main__":
    main()
