# SPDX-License-Identifier: Apache-2.0
"""The plan is the truth: for each set of flags, the alternatives that
`--list-probes --json` calls chosen are exactly what a tracing run with the
same flags attaches, as the kernel reports it (bpftool perf: each attached
program's tracepoint or function; bpftool link: iterators; bpftool prog: the
program's type, which tells a BTF tracepoint from a raw one).  One case
stages a verifier refusal of a BTF tracepoint program (-DNWT_TEST_REJECT_BTF
through NWTRACE_CFLAGS): the plan must then say raw tracepoints, as the run
takes them, and give the refusal as the reason."""
import json
import os
import subprocess
from collections import Counter

from nwt_e2e import Tracer, bpf_programs_of, check, nwtrace_path, require_bpf, run

CASES = [
    ([], ""),
    (["-x", "-r", "-S", "-k", "-e"], ""),
    (["-t", "--hops", "-H"], ""),
    (["-t"], "-DNWT_TEST_REJECT_BTF"),
]


def planned(flags, cflags):
    env = dict(os.environ, NWTRACE_CFLAGS=cflags) if cflags else None
    r = subprocess.run([nwtrace_path(), "--list-probes", "--json", *flags], capture_output=True,
                       text=True, timeout=120, env=env)
    check(r.returncode == 0, f"--list-probes {flags} exited {r.returncode}: {r.stderr}")
    rows = [json.loads(line) for line in r.stdout.splitlines()][1:]
    chosen = Counter()
    for row in rows:
        c = row.get("chosen")
        if not c:
            continue
        check(c.get("loaded") is True, f"{flags}: chosen {row['probe']} not load-checked: {c}")
        target = c["target"].split(":", 1)[-1] if c["kind"].endswith("tracepoint") else c["target"]
        chosen[(c["kind"], target)] += 1
    return chosen, rows


def attached(pid):
    """(kind, target) of every program the process has attached, as the kernel shows them."""
    ids = bpf_programs_of(pid)
    types = {p["id"]: p["type"] for p in json.loads(run(["bpftool", "prog", "--json"]).stdout)
             if p["id"] in ids}
    found = Counter()
    for p in json.loads(run(["bpftool", "perf", "--json"]).stdout):
        if p["pid"] != pid:
            continue
        kind = p["fd_type"]
        if kind == "raw_tracepoint" and types.get(p["prog_id"]) == "tracing":
            kind = "btf_tracepoint"
        found[(kind, p.get("tracepoint") or p.get("func"))] += 1
    for link in json.loads(run(["bpftool", "link", "--json"]).stdout):
        if link.get("type") == "iter" and link["prog_id"] in ids:
            found[("iter", link["target_name"])] += 1
    return found


def main():
    require_bpf()
    for flags, cflags in CASES:
        plan, rows = planned(flags, cflags)
        if cflags:
            os.environ["NWTRACE_CFLAGS"] = cflags
        try:
            tracer = Tracer(*flags, "-p", "9")
        finally:
            os.environ.pop("NWTRACE_CFLAGS", None)
        real = attached(tracer.proc.pid)
        tracer.stop(settle=0)
        check(tracer.returncode == 0, f"{flags}: nwtrace exited {tracer.returncode}")
        check(plan and plan == real,
              f"{flags} {cflags}: --list-probes chose {sorted(plan.items())}, "
              f"the run attached {sorted(real.items())}")
        if cflags:
            kinds = {k for k, _ in plan}
            check("btf_tracepoint" not in kinds and "raw_tracepoint" in kinds,
                  f"staged refusal: plan kinds {kinds}")
            reasons = [a.get("reason", "") for r in rows for a in r["alternatives"]
                       if a["kind"] == "btf_tracepoint"]
            check(reasons and all("verifier rejected" in why for why in reasons),
                  f"staged refusal: BTF tracepoint reasons {reasons}")
        print(f"{' '.join(flags) or '(lifecycle)'} {cflags}: {sum(plan.values())} "
              f"programs planned and attached alike")
    print("PASS: --list-probes names what tracing runs attach")


if __name__ == "__main__":
    main()
