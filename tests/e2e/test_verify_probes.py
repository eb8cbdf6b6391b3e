# SPDX-License-Identifier: Apache-2.0
"""Every attach alternative of every feature compiles and passes the verifier on
this kernel, including kprobe alternatives that cannot attach here
(--verify-probes loads without attaching), and so do the programs nwtrace runs
on demand (the batch flush, the direct-map calibration).

Whether the verifier accepts a program can hinge on how the compiler
allocated registers, and that follows defines that differ from machine to
machine on the same kernel: the number of possible CPUs, how -H finds the
direct map, the kernel's own features.  A machine with 8 CPUs once passed
programs that one with 2 refused.  So the packet path is also verified for
the shapes of other machines, overriding those defines through
NWTRACE_CFLAGS (appended after nwtrace's own, so they win)."""
import json
import os
import re
import subprocess

from nwt_e2e import check, nwtrace_path, require_bpf


def feature_flags():
    """The short feature flags listed under "Features" in --help."""
    text = subprocess.run([nwtrace_path(), "--help"], capture_output=True, text=True).stdout
    section = text.split("Features", 1)[1].split("\n\n", 1)[0] if "Features" in text else ""
    return re.findall(r"^\s+(-\w|--[\w-]+)", section, re.M)


PACKET_FLAG_SETS = [["-t"], ["--hops"], ["-t", "--hops"], ["-H"]]
NO_FRAGS = "-UNWT_PKT_FRAGS -UNWT_DM_POB -UNWT_DM_VMB -UNWT_DM_VMB_ALIGN"
DIRECT_MAP_SHAPES = {
    "direct map from kallsyms": f"{NO_FRAGS} -DNWT_PKT_FRAGS -DNWT_DM_POB_ADDR=0xffffffff83000000ULL "
                                "-DNWT_DM_VMB_ADDR=0xffffffff83000008ULL",
    "direct map at the x86-64 defaults": f"{NO_FRAGS} -DNWT_PKT_FRAGS -DNWT_DM_POB=0xffff888000000000ULL "
                                         "-DNWT_DM_VMB=0xffffea0000000000ULL",
    "direct map calibrated": f"{NO_FRAGS} -DNWT_PKT_FRAGS -DNWT_DM_POB=0xffff9a3b40000000ULL "
                             "-DNWT_DM_VMB_ALIGN=0x40000000ULL",
    "no page fragments": NO_FRAGS,
}


def verify(flags, cflags=""):
    """Runs --verify-probes; returns the lines of programs loaded."""
    env = dict(os.environ, NWTRACE_CFLAGS=cflags) if cflags else None
    r = subprocess.run([nwtrace_path(), "--verify-probes", *flags], capture_output=True,
                       text=True, timeout=300, env=env)
    what = f"--verify-probes {' '.join(flags)}" + (f" with {cflags}" if cflags else "")
    failed = [line for line in r.stdout.splitlines() if line.startswith("FAILED")]
    check(r.returncode == 0 and not failed, f"{what} exited {r.returncode}: {failed} {r.stderr}")
    loaded = [line for line in r.stdout.splitlines() if line.startswith("loaded")]
    check(loaded, f"{what}: nothing was loaded")
    return loaded


def main():
    require_bpf()
    flags = feature_flags()
    loaded = verify(flags)
    print("\n".join(loaded))
    check(any(" kprobe " in line or "kretprobe" in line for line in loaded),
          "no kprobe alternative was verified")
    for prog in ("nwt_pkt_flush", "nwt_dm_calibrate"):
        check(any(f"prog '{prog}'" in line and "run on demand" in line for line in loaded),
              f"{prog}, run on demand, was not verified")
    print(f"{len(loaded)} programs verified for features {flags or ['lifecycle']}")

    shapes = 0
    # The CPU count shapes only the packet path: its lightest and heaviest builds.
    for cpus in (1, 6, 128):
        for packet_flags in (["-t"], ["-t", "--hops", "-H"]):
            verify(packet_flags, f"-UNWT_NR_CPUS -DNWT_NR_CPUS={cpus}")
            shapes += 1
    for name, cflags in DIRECT_MAP_SHAPES.items():
        verify(["-H"], cflags)
        shapes += 1
    verify(["-t", "-H"], "-UNWT_SK_STORAGE_TRACING")
    verify(["-t", "-H"], "-UNWT_OFF_SKB_QUEUE_MAPPING")
    shapes += 2
    for packet_flags in PACKET_FLAG_SETS:
        verify(packet_flags)
        shapes += 1
    # What a run on a kernel without typed tracepoint arguments compiles: the
    # plan alone, not every alternative beside it (--list-probes loads it).
    for packet_flags in PACKET_FLAG_SETS:
        r = subprocess.run([nwtrace_path(), "--list-probes", "--json", "--prefer", "raw_tracepoint",
                            *packet_flags], capture_output=True, text=True, timeout=300)
        check(r.returncode == 0, f"--list-probes --prefer raw_tracepoint {packet_flags}: {r.stderr}")
        chosen = [json.loads(line).get("chosen") for line in r.stdout.splitlines()[1:]]
        check(all(c["loaded"] and c["kind"] == "raw_tracepoint" for c in chosen if c),
              f"--prefer raw_tracepoint {packet_flags}: {chosen}")
        shapes += 1
    print(f"PASS: every program loads on this kernel, also in {shapes} other machine shapes")


if __name__ == "__main__":
    main()
