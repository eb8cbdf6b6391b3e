#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Throughput cost of tracing every packet: iperf3 between two namespaces,
# untraced vs `nwtrace -t --json -R 0 -o FILE`, alternating, RUNS runs each.
# Prints each run, both medians, their ratio, the per-run ratios with an interval
# for their median, nwtrace's events/s, its CPU time per second of the run,
# peak RSS (which includes compiling the probes with LLVM) and RSS while tracing.
# Usage: scripts/bench-overhead.sh [NWTRACE] [RUNS] [SECONDS]   (root)
# NWT_BENCH_CC=cubic (say) picks iperf3's congestion control; by default the
# namespaces' own (bbr on kernels built with it as default: its pacing without
# fq can leave the sender idle, so the run is then not purely CPU-bound).
# Each veth's receive processing is steered to CPU 0 (RPS), as a NIC's receive
# queue keeps a flow on one CPU.  Without it, a veth processes a packet on the
# CPU that sent it; TCP sends from the sender's CPU and, ACK-clocked, from the
# receiver's, so segments arrive out of order and spurious retransmissions
# (tens of thousands per run on 2 CPUs) swing the throughput more than tracing
# does.  NWT_BENCH_RPS=0 leaves the default; each run prints its retransmits.
# NWT_BENCH_FLOOR=1 adds, to each round, a run whose packet programs return at
# once (NWT_BENCH_DISPATCH_ONLY): what the attached programs cost the kernel
# before nwtrace does any work, the floor under the traced ratio.
set -eu
NWTRACE=${1:-$(dirname "$0")/../build/nwtrace}
RUNS=${2:-3}
SECS=${3:-5}
. "$(dirname "$0")/bench-common.sh"
bench_setup bench-overhead 250
if [ "${NWT_BENCH_RPS:-1}" != 0 ]; then
	ip netns exec "$A" sh -c "echo 1 >/sys/class/net/${TAG}a/queues/rx-0/rps_cpus"
	ip netns exec "$B" sh -c "echo 1 >/sys/class/net/${TAG}b/queues/rx-0/rps_cpus"
fi
echo "receive steering (RPS) to CPU 0: $([ "${NWT_BENCH_RPS:-1}" != 0 ] && echo on || echo off)"

run_iperf() {	# prints Gbit/s received; the retransmits go to $OUT/retrans
	ip netns exec "$B" iperf3 -s -1 -B 10.250.0.2 >/dev/null 2>&1 &
	SERVER=$!
	sleep 0.3
	ip netns exec "$A" iperf3 -c 10.250.0.2 -t "$SECS" ${NWT_BENCH_CC:+-C "$NWT_BENCH_CC"} -J >"$OUT/iperf.json"
	wait "$SERVER" 2>/dev/null || true
	SERVER=
	python3 -c 'import json,sys; e = json.load(open(sys.argv[1]))["end"]; print("%.3f" % (e["sum_received"]["bits_per_second"] / 1e9)); print(e["sum_sent"].get("retransmits", "?"), file=open(sys.argv[2], "w"))' "$OUT/iperf.json" "$OUT/retrans"
}

echo "congestion control: ${NWT_BENCH_CC:-$(ip netns exec "$A" sysctl -n net.ipv4.tcp_congestion_control)}"
: >"$OUT/base" ; : >"$OUT/traced" ; : >"$OUT/ratios" ; : >"$OUT/floor" ; : >"$OUT/cpu"
for i in $(seq 1 "$RUNS"); do
	b=$(run_iperf)
	echo "run $i untraced: $b Gbit/s, $(cat "$OUT/retrans") retransmits"
	echo "$b" >>"$OUT/base"

	bench_start_tracer "$NWTRACE" -t --json -R 0 -o "$OUT/events.json"
	c0=$(cpu_ticks "$TRACER")
	t=$(run_iperf)
	cpu=$(( ($(cpu_ticks "$TRACER") - c0) * 1000 / $(getconf CLK_TCK) / SECS ))
	rss=$(awk '/VmHWM/ {print $2}' "/proc/$TRACER/status")	# includes compiling the probes
	rss_now=$(awk '/VmRSS/ {print $2}' "/proc/$TRACER/status")
	bench_stop_tracer
	events=$(wc -l <"$OUT/events.json")
	echo "run $i traced:   $t Gbit/s, $(cat "$OUT/retrans") retransmits, $events events ($(echo "$events $SECS" | awk '{printf "%.0f", $1 / $2}')/s), nwtrace CPU $cpu ms/s, peak RSS ${rss} kB, RSS while tracing ${rss_now} kB"
	grep "events printed" "$OUT/nwtrace.err" | sed 's/^/  /'
	echo "$t" >>"$OUT/traced"
	echo "$cpu" >>"$OUT/cpu"
	echo "$t $b" | awk '{printf "%.3f\n", $1 / $2}' >>"$OUT/ratios"

	if [ -n "${NWT_BENCH_FLOOR:-}" ]; then
		bench_start_tracer env NWTRACE_CFLAGS="${NWTRACE_CFLAGS:-} -DNWT_BENCH_DISPATCH_ONLY" \
			"$NWTRACE" -t --json -R 0 -o "$OUT/events.json"
		f=$(run_iperf)
		bench_stop_tracer
		echo "run $i programs attached, returning at once: $f Gbit/s, $(cat "$OUT/retrans") retransmits"
		echo "$f" >>"$OUT/floor"
	fi
done
mb=$(median <"$OUT/base")
mt=$(median <"$OUT/traced")
echo "median untraced: $mb Gbit/s"
echo "median traced:   $mt Gbit/s"
echo "ratio traced/untraced: $(echo "$mt $mb" | awk '{printf "%.3f", $1 / $2}')"
echo "median nwtrace CPU: $(median <"$OUT/cpu") ms per second traced"
echo "per-run ratios: $(sort -n "$OUT/ratios" | tr '\n' ' ')(median $(median <"$OUT/ratios"))"
# How far the host's noise leaves the per-run median uncertain: the middle 90 % of
# the medians of 2000 resamples (with replacement) of the per-run ratios.
python3 -c 'import random, statistics, sys
r = [float(x) for x in open(sys.argv[1])]
random.seed(1)
m = sorted(statistics.median(random.choices(r, k=len(r))) for _ in range(2000))
print("per-run ratio median, 90%% bootstrap interval: %.3f-%.3f" % (m[100], m[1899]))' "$OUT/ratios"
if [ -n "${NWT_BENCH_FLOOR:-}" ]; then
	mf=$(median <"$OUT/floor")
	echo "median with programs returning at once: $mf Gbit/s, ratio $(echo "$mf $mb" | awk '{printf "%.3f", $1 / $2}') (the floor)"
fi
