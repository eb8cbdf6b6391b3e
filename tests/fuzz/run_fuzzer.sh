#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one libFuzzer harness for a bounded time, failing on any crash, leak
# or timeout: first every seed (corpus/NAME) and saved crash input
# (regressions/NAME), then new inputs until SECONDS have passed.  New inputs
# and crash files stay in WORK_DIR/runs/NAME, never in the source tree.
# Usage: run_fuzzer.sh HARNESS NAME SECONDS SOURCE_DIR WORK_DIR [libFuzzer flags...]
set -euo pipefail
harness=$1 name=$2 seconds=$3 src=$4 work=$5
shift 5
out=$work/runs/$name
rm -rf "$out"
mkdir -p "$out/corpus" "$out/crashes"
dirs=("$out/corpus" "$src/corpus/$name")
[[ -d $src/regressions/$name ]] && dirs+=("$src/regressions/$name")
flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
       -artifact_prefix="$out/crashes/")
[[ -f $src/$name.dict ]] && flags+=(-dict="$src/$name.dict")
exec "$harness" "${flags[@]}" "$@" "${dirs[@]}"
