#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Startup cost: wall time from exec to "attached" (median of N runs) and peak RSS.
# Usage: scripts/bench-startup.sh [RUNS] [-- nwtrace args]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
[[ "$runs" =~ ^[0-9]+$ ]] || { echo "bench-startup: RUNS '$runs' must be a number; usage: $0 [RUNS] [-- nwtrace args]" >&2; exit 2; }
shift || true
[[ "${1:-}" == "--" ]] && shift
nwtrace=${NWTRACE:-build/nwtrace}
[[ -x "$nwtrace" ]] || { echo "bench-startup: build first (scripts/build.sh)" >&2; exit 1; }

times=() rss=()
for ((i = 0; i < runs; i++)); do
  err=$(mktemp)
  start=$(date +%s%N)
  "$nwtrace" "$@" >/dev/null 2>"$err" &
  pid=$!
  until grep -q "tracing, Ctrl-C to stop" "$err"; do
    kill -0 "$pid" 2>/dev/null || { cat "$err" >&2; exit 1; }
    sleep 0.005
  done
  end=$(date +%s%N)
  times+=($(((end - start) / 1000000)))
  rss+=($(awk '/VmHWM/ {print $2}' "/proc/$pid/status"))
  kill -INT "$pid"
  wait "$pid"
  rm -f "$err"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "startup (exec to attached): runs ${times[*]} ms; median $(median "${times[@]}") ms"
echo "peak RSS: runs ${rss[*]} kB; median $(median "${rss[@]}") kB"
