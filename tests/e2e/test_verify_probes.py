"""Every attach alternative of every feature compiles and passes the verifier on
this kernel, including kprobe alternatives that cannot attach here
(--verify-probes loads without attaching)."""
import re
import subprocess

from nwt_e2e import check, nwtrace_path, require_bpf


def feature_flags():
    """The short feature flags listed under "Features" in --help."""
    text = subprocess.run([nwtrace_path(), "--help"], capture_output=True, text=True).stdout
    section = text.split("Features", 1)[1].split("\n\n", 1)[0] if "Features" in text else ""
    return re.findall(r"^\s+(-\w|--[\w-]+)", section, re.M)


def main():
    require_bpf()
    flags = feature_flags()
    r = subprocess.run([nwtrace_path(), "--verify-probes", *flags], capture_output=True,
                       text=True, timeout=300)
    print(r.stdout)
    check(r.returncode == 0, f"--verify-probes {flags} exited {r.returncode}: {r.stderr}")
    loaded = [line for line in r.stdout.splitlines() if line.startswith("loaded")]
    check(loaded, "nothing was loaded")
    check(not [line for line in r.stdout.splitlines() if line.startswith("FAILED")], "failures")
    check(any(" kprobe " in line or "kretprobe" in line for line in loaded),
          "no kprobe alternative was verified")
    print(f"PASS: {len(loaded)} alternatives verified for features {flags or ['lifecycle']}")


if __name__ == "__main__":
    main()
