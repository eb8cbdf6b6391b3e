#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Every source file of the tree names its licence on an SPDX line near its top:
Apache-2.0 for user space, scripts and tests, GPL-2.0-only OR BSD-2-Clause for
the BPF programs under probes/ (README, "Licence").
Usage: check_spdx.py [SOURCE_DIR]"""
import os
import re
import subprocess
import sys

SOURCE = re.compile(r"\.(c|h|py|sh|cmake)$|(^|/)(CMakeLists\.txt|run|init)$")
SKIP = re.compile(r"^tests/fuzz/(corpus|regressions)/|^tests/data/")
SPDX = re.compile(r"SPDX-License-Identifier: (.+?)\s*(\*/)?$")
EXPECTED = {"probes": "GPL-2.0-only OR BSD-2-Clause"}
DEFAULT = "Apache-2.0"


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1
                           else os.path.join(os.path.dirname(__file__), "..", ".."))
    try:
        files = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True,
                               text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        files = [os.path.relpath(os.path.join(d, f), root)
                 for d, _, fs in os.walk(root) if "/build" not in d and "/.git" not in d
                 for f in fs]
    problems = []
    for path in sorted(files):
        if not SOURCE.search(path) or SKIP.search(path):
            continue
        if not os.path.exists(os.path.join(root, path)):
            continue
        with open(os.path.join(root, path), encoding="utf-8") as f:
            head = [next(f, "") for _ in range(3)]
        want = EXPECTED.get(path.split("/")[0], DEFAULT)
        found = [m.group(1) for line in head if (m := SPDX.search(line.rstrip()))]
        if not found:
            problems.append(f"{path}: no SPDX-License-Identifier line in its first 3 lines")
        elif found[0] != want:
            problems.append(f"{path}: SPDX says {found[0]!r}, expected {want!r}")
    for p in problems:
        print(p)
    if problems:
        print(f"FAIL: {len(problems)} files without the right SPDX line")
        return 1
    print("PASS: every source file names its licence")
    return 0


if __name__ == "__main__":
    sys.exit(main())
