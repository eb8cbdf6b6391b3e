# SPDX-License-Identifier: Apache-2.0
"""Session control: SIGTERM/SIGINT detach and summarise, -c and -D stop by
themselves, -o writes elsewhere, the table has a header, tracefs is mounted
when missing, no nwtrace program outlives nwtrace, and nwtrace runs small
once its probes are compiled."""
import os
import signal
import subprocess
import tempfile
import time

from nwt_e2e import (NetnsPair, Server, Tracer, check, client, nwtrace_path,
                     require_bpf)

PORT = 18101
# Once attached, nwtrace holds its maps, ring buffer and heap; the compiler's
# code (~85 MB of libLLVM and libclang-cpp) is dropped after compiling.
TRACING_RSS_LIMIT_KB = 64 * 1024


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(next(l for l in f if l.startswith("VmRSS:")).split()[1])


def remount_tracefs_test():
    """With debugfs and tracefs unmounted, nwtrace mounts them and says so."""
    subprocess.run(["umount", "/sys/kernel/tracing"], capture_output=True)
    if subprocess.run(["umount", "/sys/kernel/debug"], capture_output=True).returncode:
        print("note: debugfs busy, tracefs mount path not exercised this run")
        return
    r = subprocess.run([nwtrace_path(), "-D", "0.5"], capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"after unmounting debugfs: exit {r.returncode}: {r.stderr}")
    check("mounted debugfs at /sys/kernel/debug" in r.stderr, f"mount not reported: {r.stderr!r}")
    for root in ("/sys/kernel/debug/tracing", "/sys/kernel/tracing"):
        check(os.path.exists(f"{root}/events/sock"), f"{root} still unreachable")


def main():
    require_bpf()
    remount_tracefs_test()
    with NetnsPair("ses", 203) as net:
        # SIGTERM: exit 0, summary with the kernel's accounting.
        tracer = Tracer("-p", str(PORT))
        rss = rss_kb(tracer.proc.pid)
        check(rss < TRACING_RSS_LIMIT_KB, f"RSS while tracing is {rss} kB")
        srv = Server(net, net.ip4_b, PORT, 1)
        client(net, net.ip4_b, PORT)
        srv.finish()
        tracer.stop(signal.SIGTERM)
        check(tracer.returncode == 0, f"SIGTERM: exit {tracer.returncode}")
        summary = tracer.stderr.strip().splitlines()[-1]
        n = len(tracer.events())
        check(f"{n} events printed" in summary and "generated" in summary and "lost" in summary,
              f"summary: {summary!r}")

        # -c 3: stops by itself after exactly three records.
        proc = subprocess.Popen([nwtrace_path(), "--json", "-c", "3", "-p", str(PORT)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        srv = Server(net, net.ip4_b, PORT, 2)
        client(net, net.ip4_b, PORT, 2)
        srv.finish()
        out, err = proc.communicate(timeout=30)
        check(proc.returncode == 0, f"-c: exit {proc.returncode}: {err}")
        check(len(out.splitlines()) == 3, f"-c 3 printed {len(out.splitlines())} lines")

        # -D: stops by itself; -o: events go to the file, nothing to stdout; table header.
        with tempfile.NamedTemporaryFile("r", suffix=".txt") as outfile:
            start = time.time()
            proc = subprocess.Popen([nwtrace_path(), "-D", "4", "-o", outfile.name, "-p",
                                     str(PORT)], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            time.sleep(2.5)
            srv = Server(net, net.ip4_b, PORT, 1)
            client(net, net.ip4_b, PORT)
            srv.finish()
            out, err = proc.communicate(timeout=60)
            check(proc.returncode == 0 and out == "", f"-D/-o: exit {proc.returncode}, stdout {out!r}")
            check(time.time() - start < 30, "-D 4 did not stop")
            lines = outfile.read().splitlines()
            check(lines and lines[0].split() == ["TIME", "PID", "COMM", "LOCAL", "REMOTE", "EVENT"],
                  f"table header: {lines[:1]}")
            check(any("accept" in line for line in lines[1:]), f"table rows: {lines}")
            check(all(len(line) < 80 for line in lines), "an IPv4 table line is 80+ columns")
    print(f"PASS: signals, -c, -D, -o, table header, tracefs mount, clean detach; "
          f"RSS while tracing {rss} kB")


if __name__ == "__main__":
    main()
