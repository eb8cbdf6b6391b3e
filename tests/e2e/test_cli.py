# SPDX-License-Identifier: Apache-2.0
"""Command-line contract: usage errors exit 2 naming the argument with nothing on
stdout; runtime failures exit 1 with one actionable line; --help, --version,
--list-probes."""
import os
import subprocess
import tempfile

from nwt_e2e import check, nwtrace_path, skip_or_fail

BAD_USAGE = [
    (["-p", "70000"], "-p '70000'"),
    (["--port", "http"], "--port 'http'"),
    (["-i", "10.0.0.0/40"], "-i '10.0.0.0/40'"),
    (["--ip", "not-an-address"], "--ip 'not-an-address'"),
    (["-P", "12ab"], "-P '12ab'"),
    (["-D", "-3"], "-D '-3'"),
    (["-c", "zero"], "-c 'zero'"),
    (["--interval", "0"], "--interval '0'"),
    (["--no-such-flag"], "--no-such-flag"),
    (["-p"], "-p"),
]


def nwtrace(*args, env=None):
    return subprocess.run([nwtrace_path(), *args], capture_output=True, text=True, timeout=120,
                          env=env)


def main():
    for args, named in BAD_USAGE:
        r = nwtrace(*args)
        check(r.returncode == 2, f"{args}: exit {r.returncode}, expected 2")
        check(r.stdout == "", f"{args}: printed to stdout: {r.stdout!r}")
        lines = r.stderr.strip().splitlines()
        check(len(lines) == 1 and named in lines[0], f"{args}: stderr {r.stderr!r} lacks {named!r}")

    r = nwtrace("--help")
    check(r.returncode == 0 and "--list-probes" in r.stdout, "--help")
    r = nwtrace("--version")
    check(r.returncode == 0 and "libbcc" in r.stdout and os.uname().release in r.stdout,
          f"--version: {r.stdout!r}")

    if os.geteuid() != 0:
        skip_or_fail("the privilege and compile checks below need root")

    # Not root: one line naming the privilege, exit 1.
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        "--inh-caps=-all", "--bounding-set=-all", nwtrace_path()],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 1, f"unprivileged run exited {r.returncode}")
    check("CAP_BPF" in r.stderr and len(r.stderr.strip().splitlines()) == 1,
          f"unprivileged message: {r.stderr!r}")

    r = nwtrace("--list-probes")
    check(r.returncode == 0, f"--list-probes exited {r.returncode}: {r.stderr}")
    check("tracepoint sock:inet_sock_set_state" in r.stdout, f"plan: {r.stdout}")
    check("kprobe tcp_set_state" in r.stdout, "the kprobe alternative is not listed")
    if not os.path.exists("/sys/bus/event_source/devices/kprobe"):
        check("CONFIG_KPROBES" in r.stdout, "the plan does not say why kprobes are unusable")

    # Headers that are not a kernel tree: refused before libbcc sees them.
    with tempfile.TemporaryDirectory() as bogus:
        os.makedirs(os.path.join(bogus, "include"))
        r = nwtrace("--kernel-headers", bogus, "-D", "1")
        check(r.returncode == 1 and "incomplete" in r.stderr and "--kernel-headers" in r.stderr,
              f"bogus headers: exit {r.returncode}: {r.stderr!r}")
        check(len(r.stderr.strip().splitlines()) == 1, f"more than one line: {r.stderr!r}")

    # A compile failure: one actionable line without -v, the compiler's diagnostics with it.
    broken = dict(os.environ, NWTRACE_CFLAGS="-DNWT_RINGBUF_PAGES=not_a_number")
    r = nwtrace("-D", "1", env=broken)
    check(r.returncode == 1, f"compile failure: exit {r.returncode}")
    lines = r.stderr.strip().splitlines()
    check("compiling the probes failed" in lines[-1] and "-v" in lines[-1],
          f"compile failure message: {r.stderr!r}")
    check(not any("error:" in line for line in lines[:-1]), f"diagnostics without -v: {lines}")
    r = nwtrace("-D", "1", "-v", env=broken)
    check(r.returncode == 1 and "error:" in r.stderr, "-v does not show compiler diagnostics")
    # LLVM aborts on an instruction the BPF back end lacks: still one line and exit 1, no core.
    aborting = dict(os.environ, NWTRACE_CFLAGS="-DNWT_TEST_COMPILER_ABORT")
    r = nwtrace("-D", "1", env=aborting)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1 and lines and "compiling the probes failed" in lines[-1]
          and "Cannot select" in lines[-1], f"compiler abort: exit {r.returncode}: {r.stderr!r}")
    print("PASS: usage errors, privileges, --help, --version, --list-probes, compile failure")


if __name__ == "__main__":
    main()
