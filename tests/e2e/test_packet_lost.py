# SPDX-License-Identifier: Apache-2.0
"""A full ring buffer: nwtrace -t is stopped (SIGSTOP) while iperf3 runs a
flow for two seconds, so the kernel cannot leave its records anywhere, and
then continued.  The kernel's counts must still add up exactly, generated =
delivered + suppressed + lost, with lost > 0; every delivered record must be
printed; and the socket-read records the full ring dropped are counted, since
their data is then printed without a read time."""
import re
import signal
import subprocess
import time

from nwt_e2e import NetnsPair, Tracer, check, require_bpf, skip_or_fail

PORT = 18107
SUMMARY = re.compile(r"(\d+) events printed; in kernel: (\d+) generated, (\d+) delivered, "
                     r"(\d+) suppressed by rate limit, (\d+) lost \(ring buffer full\), "
                     r"(\d+) filtered out(?:; (\d+) socket reads lost)?")


def main():
    require_bpf()
    if subprocess.run(["sh", "-c", "command -v iperf3"], capture_output=True).returncode:
        skip_or_fail("iperf3 not installed")
    with NetnsPair("pl", 222) as net:
        tracer = Tracer("-t", "-R", "0", "-p", str(PORT))
        server = subprocess.Popen(net.exec_args(net.b) + ["iperf3", "-s", "-1", "-p", str(PORT),
                                                          "-B", net.ip4_b],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        tracer.proc.send_signal(signal.SIGSTOP)
        try:
            subprocess.run(net.exec_args(net.a) + ["iperf3", "-c", net.ip4_b, "-p", str(PORT),
                                                   "-t", "2"],
                           check=True, capture_output=True, timeout=30)
        finally:
            tracer.proc.send_signal(signal.SIGCONT)
        server.wait(timeout=10)
        tracer.stop(settle=2.0)
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        m = SUMMARY.search(tracer.stderr)
        check(m, f"no accounting summary: {tracer.stderr}")
        printed, generated, delivered, suppressed, lost, _ = map(int, m.groups()[:6])
        reads_lost = int(m.group(7) or 0)
        check(lost > 0, f"the ring never filled while nwtrace was stopped: {m.group(0)}")
        check(generated == delivered + suppressed + lost, f"counts do not add up: {m.group(0)}")
        check(printed == delivered, f"printed {printed} of {delivered} delivered: {m.group(0)}")
        lines = [l for l in tracer.stdout.splitlines() if l.strip()]
        check(len(lines) == printed, f"{len(lines)} lines on stdout, summary says {printed}")
        check(reads_lost > 0, f"no socket-read record counted lost with a full ring: {m.group(0)}")
    print(f"PASS: {generated} generated = {delivered} delivered + {suppressed} suppressed + "
          f"{lost} lost; {reads_lost} socket reads lost")


if __name__ == "__main__":
    main()
