# SPDX-License-Identifier: Apache-2.0
"""A stop request during start-up is never lost.  nwtrace runs as a background
job of a non-interactive shell (`sh -c 'nwtrace -t -H & wait'`), which starts
it with SIGINT ignored, and gets SIGINT at points of its start-up found from
its -v lines: early, while calibrating the direct map, while compiling, once
compiled (while attaching), while compiling again when the kernel refused BTF
tracepoints, and a third into the attaching that would lead to tracing.  Each time it must exit 0 promptly, say it
stopped before tracing, and leave no BPF program or kprobe event of its own
behind.  "Promptly": within a second, or, when the signal came during a
compile (libbcc cannot be interrupted), within the rest of that compile as a
reference run measured it, plus a second."""
import atexit
import os
import queue
import signal
import subprocess
import threading
import time

from nwt_e2e import (bpf_programs_of, check, check_programs_released, fail, nwtrace_path,
                     require_bpf)

ARGS = ["-t", "-H", "-v", "-p", "18133"]
SLACK_S = 1.0
# -v lines that mark the phases (see session.c)
CALIBRATING = "compiling against"       # printed just before the direct-map calibration
COMPILING = "page fragments:"           # the calibration is done; the probes' compile starts
COMPILED = "probes compiled in"         # attaching starts
FALLBACK = "using raw tracepoints instead"   # BTF tracepoints refused: compiling again


_pids = []


@atexit.register
def _stop_left_running():
    """A failed check exits mid-test: stop any nwtrace still starting (or tracing)."""
    for pid in _pids:
        try:
            os.kill(pid, signal.SIGINT)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Run:
    """nwtrace as `sh -c 'nwtrace ARGS & wait'` (background=True: SIGINT ignored, as for
    any background job of a shell without job control), or run directly; its stderr
    lines with their arrival times."""

    def __init__(self, background=True):
        self.started = time.time()
        if background:
            argv = ["sh", "-c", '"$0" "$@" >/dev/null & echo $!; wait', nwtrace_path()] + ARGS
        else:
            argv = [nwtrace_path()] + ARGS
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE if background else subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self.pid = int(self.proc.stdout.readline()) if background else self.proc.pid
        _pids.append(self.pid)
        self.lines = []
        self.queue = queue.Queue()
        self.programs = set()
        self.done = False
        threading.Thread(target=self._read_stderr, daemon=True).start()
        threading.Thread(target=self._watch_programs, daemon=True).start()

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.queue.put((time.time(), line.rstrip("\n")))
        self.queue.put(None)

    def _watch_programs(self):
        """The BPF programs nwtrace holds at any moment, so that all can be checked gone."""
        while not self.done:
            try:
                self.programs |= bpf_programs_of(self.pid)
            except OSError:
                return
            time.sleep(0.01)

    def wait_line(self, text, nth=1, timeout=90):
        """Reads stderr up to the nth line containing text; returns its arrival time."""
        deadline = time.time() + timeout
        while True:
            try:
                item = self.queue.get(timeout=max(0.0, deadline - time.time()))
            except queue.Empty:
                item = None
            if item is None:
                fail(f"nwtrace printed no line with {text!r}: {self.text()[-800:]}")
            self.lines.append(item)
            if text in item[1]:
                nth -= 1
                if not nth:
                    return item[0]

    def text(self):
        return "\n".join(l for _, l in self.lines)

    def finish(self, timeout):
        """Waits up to timeout for the exit; returns its exit code."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            fail(f"nwtrace did not exit within {timeout:.1f} s of SIGINT: {self.text()[-800:]}")
        self.done = True
        while (item := self.queue.get(timeout=10)) is not None:
            self.lines.append(item)
        return self.proc.returncode


def background_jobs_ignore_sigint():
    """What nwtrace inherits as such a job (it installs its own handler at once, so a
    stand-in shows it)."""
    out = subprocess.run(["sh", "-c", "grep SigIgn /proc/self/status & wait"],
                         capture_output=True, text=True).stdout
    return bool(int(out.split()[1], 16) & (1 << (signal.SIGINT - 1)))


def reference_run():
    """Start-up without a signal: how long each phase takes, and whether the probes are
    compiled twice (BTF tracepoints refused: raw tracepoints instead)."""
    run = Run()
    t_cal = run.wait_line(CALIBRATING)
    t_comp = run.wait_line(COMPILING)
    t_done = run.wait_line(COMPILED)
    t_tracing = run.wait_line("tracing, Ctrl-C to stop")
    os.kill(run.pid, signal.SIGTERM)
    rc = run.finish(30)
    check(rc == 0, f"reference run: exit {rc}")
    compiles = [t for t, l in run.lines if COMPILED in l]
    return {"calibrate": t_comp - t_cal, "compile": t_done - t_comp, "compiles": len(compiles),
            "attach": t_tracing - compiles[-1],
            "fallback": any(FALLBACK in l for _, l in run.lines)}


def stopped_at(name, trigger, delay, limit, background=True, nth=1):
    """SIGINT delay seconds after the nth line with trigger (or after the start)."""
    run = Run(background)
    base = run.wait_line(trigger, nth) if trigger else run.started
    time.sleep(max(0.0, base + delay - time.time()))
    sent = time.time()
    os.kill(run.pid, signal.SIGINT)
    rc = run.finish(limit + 10)
    took = time.time() - sent
    summary = run.lines[-1][1] if run.lines else ""
    check(rc == 0, f"{name}: exit {rc}: {run.text()[-800:]}")
    check(took <= limit, f"{name}: took {took:.2f} s to stop (limit {limit:.2f} s)")
    check("stopped" in summary and "before tracing" in summary, f"{name}: last line {summary!r}")
    check(not any("tracing, Ctrl-C" in l for _, l in run.lines), f"{name}: it started tracing")
    check(not any(FALLBACK in l for t, l in run.lines if t > sent + 0.05),
          f"{name}: it went on to compile again")
    if run.programs:
        check_programs_released(run.programs)
    events = "/sys/kernel/tracing/kprobe_events"
    if os.path.exists(events):
        with open(events) as f:
            left = [l for l in f if f"nwt_{run.pid}_" in l]
        check(not left, f"{name}: kprobe events left behind: {left}")
    return f"{name}: {took:.2f} s, {len(run.programs)} programs seen ({summary[9:]})"


def main():
    require_bpf()
    check(background_jobs_ignore_sigint(), "sh does not start background jobs with SIGINT ignored")
    ref = reference_run()
    points = [
        ("after 0.2 s", None, 0.2, SLACK_S),
        ("calibrating", CALIBRATING, 0.0, ref["calibrate"] + SLACK_S),
        ("compiling", COMPILING, 0.1, ref["compile"] + SLACK_S),
        ("mid-compile", COMPILING, ref["compile"] / 2, ref["compile"] / 2 + SLACK_S),
        ("attaching", COMPILED, 0.0, SLACK_S),
    ]
    if ref["fallback"]:
        points.append(("compiling again for raw tracepoints", FALLBACK, 0.0,
                       ref["compile"] + SLACK_S))
    results = [stopped_at(*p) for p in points]
    # a third into the attaching that leads to tracing: some programs are loaded then
    results.append(stopped_at("mid-attach", COMPILED, ref["attach"] / 3, SLACK_S,
                              nth=ref["compiles"]))
    # SIGINT not ignored: a stop during the compile is still a clean one, not a kill
    results.append(stopped_at("compiling, SIGINT not ignored", COMPILING, 0.0,
                              ref["compile"] + SLACK_S, background=False))
    print(f"PASS (reference: calibration {ref['calibrate']:.2f} s, compile {ref['compile']:.2f} s, "
          f"{ref['compiles']} compile(s), attach {ref['attach']:.2f} s): "
          + "; ".join(results))


if __name__ == "__main__":
    main()
