#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# What -u costs a UDP sender: iperf3 -u with 64-byte datagrams at full rate
# between two namespaces, alternating in each round untraced, traced with a
# record per datagram (`nwtrace -u --json -R 0 -o FILE`), counted per flow
# (`nwtrace -u -s`), then untraced again, RUNS rounds.  The sender and the
# receiver are pinned to CPUs 0 and 1.  Prints each run (datagrams per second
# the receiver got, and lost), the medians, each round's ratios to the mean of
# its two untraced runs with a 90 % bootstrap interval of their median, and
# nwtrace's CPU time.
# Usage: scripts/bench-udp.sh [NWTRACE] [RUNS] [SECONDS]   (root)
set -eu
NWTRACE=${1:-$(dirname "$0")/../build/nwtrace}
RUNS=${2:-5}
SECS=${3:-5}
. "$(dirname "$0")/bench-common.sh"
bench_setup bench-udp 251

run_iperf() {	# prints datagrams/s the receiver got; the lost ones go to $OUT/lost
	ip netns exec "$B" iperf3 -s -1 -A 1 -B 10.251.0.2 >/dev/null 2>&1 &
	SERVER=$!
	sleep 0.3
	ip netns exec "$A" iperf3 -c 10.251.0.2 -A 0 -u -b 0 -l 64 -t "$SECS" -J >"$OUT/iperf.json"
	wait "$SERVER" 2>/dev/null || true
	SERVER=
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["end"]["sum"]
print("%.0f" % ((s["packets"] - s["lost_packets"]) / s["seconds"]))
print(s["lost_packets"], file=open(sys.argv[2], "w"))' "$OUT/iperf.json" "$OUT/lost"
}

traced_run() {	# args: label file nwtrace-options...; one traced run, its result appended to file
	label=$1 file=$2
	shift 2
	bench_start_tracer "$NWTRACE" "$@"
	c0=$(cpu_ticks "$TRACER")
	t=$(run_iperf)
	cpu=$(( ($(cpu_ticks "$TRACER") - c0) * 1000 / $(getconf CLK_TCK) / SECS ))
	bench_stop_tracer
	echo "run $i $label: $t datagrams/s received, $(cat "$OUT/lost") lost, nwtrace CPU $cpu ms/s"
	grep "events printed" "$OUT/nwtrace.err" | sed 's/^/  /'
	echo "$t" >>"$OUT/$file"
	echo "$t" >"$OUT/$file.last"
}

bootstrap() {	# the middle 90 % of the medians of 2000 resamples of the per-round ratios
	python3 -c 'import random, statistics, sys
r = [float(x) for x in open(sys.argv[1])]
random.seed(1)
m = sorted(statistics.median(random.choices(r, k=len(r))) for _ in range(2000))
print("%.3f-%.3f" % (m[100], m[1899]))' "$1"
}

: >"$OUT/base"
for i in $(seq 1 "$RUNS"); do
	# untraced before and after the traced runs: this machine's speed drifts
	# within seconds, and a round's ratios are to the mean of the two
	b1=$(run_iperf)
	echo "run $i untraced: $b1 datagrams/s received, $(cat "$OUT/lost") lost"
	traced_run "-u --json -R 0 -o FILE" records -u --json -R 0 -o "$OUT/events.json"
	rm -f "$OUT/events.json"
	traced_run "-u -s" stats -u -s --interval 3600
	b2=$(run_iperf)
	echo "run $i untraced again: $b2 datagrams/s received, $(cat "$OUT/lost") lost"
	echo "$b1" >>"$OUT/base"
	echo "$b2" >>"$OUT/base"
	for mode in records stats; do
		echo "$(cat "$OUT/$mode.last") $b1 $b2" | awk '{printf "%.3f\n", 2 * $1 / ($2 + $3)}' >>"$OUT/$mode.ratios"
	done
done
mb=$(median <"$OUT/base")
echo "median untraced:              $mb datagrams/s"
for mode in records stats; do
	m=$(median <"$OUT/$mode")
	label=$([ "$mode" = records ] && echo "-u --json -R 0 -o FILE" || echo "-u -s")
	echo "median $label: $m datagrams/s, ratio $(echo "$m $mb" | awk '{printf "%.3f", $1 / $2}'), per-round ratios $(sort -n "$OUT/$mode.ratios" | tr '\n' ' ')(median $(median <"$OUT/$mode.ratios"), 90% bootstrap interval $(bootstrap "$OUT/$mode.ratios"))"
done
