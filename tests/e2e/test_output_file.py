# SPDX-License-Identifier: Apache-2.0
"""-o FILE: a regular file is written with direct I/O, so a trace of many MB
leaves at most the unfinished 1 MiB run in the page cache (the kernel's own
count, from fincore); a short exchange still reaches the file within about a
second while nwtrace runs; the file holds every record printed, each line
whole."""
import json
import mmap
import os
import subprocess
import tempfile
import time

from nwt_e2e import NetnsPair, Tracer, bulk_transfer, check, require_bpf

PORT = 18099
RUN_BYTES = 1 << 20             # what nwtrace may still hold in the page cache
SHOW_WAIT_S = 2.0               # a second of lag, a poll period, slack for a busy CI host
BULK_BYTES = 200 * 1000 * 1000
TRACE_BYTES_MIN = 8 * RUN_BYTES       # enough trace to tell the page cache apart
MAX_TRANSFERS = 4


def flow_lines(path):
    with open(path) as f:
        return [l for l in f.read().splitlines() if str(PORT) in l]


def takes_direct_io(directory):
    """Whether the file system under directory accepts an O_DIRECT write."""
    probe = os.path.join(directory, "direct-probe")
    buf = mmap.mmap(-1, 4096)           # page aligned, as O_DIRECT wants
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_DIRECT, 0o600)
    except OSError:
        return False
    try:
        return os.write(fd, buf) == 4096
    except OSError:
        return False
    finally:
        os.close(fd)
        os.unlink(probe)


def resident_bytes(path):
    out = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", path],
                         capture_output=True, text=True, check=True).stdout
    return int(out.split()[0])


def main():
    require_bpf()
    # /var/tmp: on disk on a stock install, where /tmp may be tmpfs (no direct I/O there)
    with NetnsPair("of", 227) as net, tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        path = os.path.join(tmp, "trace.jsonl")
        tracer = Tracer("-t", "-R", "0", "-p", str(PORT), "-o", path, "-v")
        direct = takes_direct_io(tmp)
        with open(tracer.err.name) as f:
            said = f.read()
        check((f"-o '{path}': direct I/O" in said) == direct,
              f"the file system {'takes' if direct else 'refuses'} direct I/O; nwtrace said: {said!r}")

        bulk_transfer(net, net.ip4_b, PORT, 100)
        deadline = time.time() + SHOW_WAIT_S
        while not flow_lines(path) and time.time() < deadline:
            time.sleep(0.1)
        check(tracer.proc.poll() is None, "nwtrace stopped on its own")
        check(flow_lines(path), f"no record of a 100-byte exchange in the file after {SHOW_WAIT_S}s")

        # The records a transfer makes depend on how the stack batches it (GSO, a busy
        # host); more transfers, bounded, until the trace is well past the run size.
        for _ in range(MAX_TRANSFERS):
            bulk_transfer(net, net.ip4_b, PORT, BULK_BYTES)
            if os.path.getsize(path) > 2 * TRACE_BYTES_MIN:
                break
        tracer.stop()
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        check(tracer.stdout == "", f"-o: something went to stdout: {tracer.stdout[:200]!r}")
        size = os.path.getsize(path)
        resident = resident_bytes(path)    # before reading the file brings it in
        with open(path, "rb") as f:
            data = f.read()
        check(data.endswith(b"\n"), "the file ends in a partial line")
        records = [json.loads(line) for line in data.decode().splitlines()]
        printed = int(tracer.stderr.split(" events printed")[0].split()[-1])
        check(len(records) == printed, f"{len(records)} lines in the file, {printed} printed")
        check(size > TRACE_BYTES_MIN, f"only {size} bytes traced: too few to tell the page cache apart")
        if not direct:
            print(f"note: {tmp} is on a file system without direct I/O; page-cache check skipped")
        else:
            check(resident <= RUN_BYTES + 4096,
                  f"{resident} of {size} bytes of the trace are in the page cache")
    print(f"PASS: {len(records)} records, {size} bytes, {resident} resident in the page cache "
          f"({'direct I/O' if direct else 'page cache'}); a short exchange was in the file "
          f"within {SHOW_WAIT_S}s")


if __name__ == "__main__":
    main()
