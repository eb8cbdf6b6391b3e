#!/bin/sh
# Throughput cost of tracing every packet: iperf3 between two namespaces,
# untraced vs `nwtrace -t --json -R 0 -o FILE`, alternating, RUNS runs each.
# Prints each run, both medians, their ratio, nwtrace's events/s, peak RSS (which
# includes compiling the probes with LLVM) and RSS while tracing.
# Usage: scripts/bench-overhead.sh [NWTRACE] [RUNS] [SECONDS]   (root)
# NWT_BENCH_CC=cubic (say) picks iperf3's congestion control; by default the
# namespaces' own (bbr on kernels built with it as default: its pacing without
# fq can leave the sender idle, so the run is then not purely CPU-bound).
set -eu
NWTRACE=${1:-$(dirname "$0")/../build/nwtrace}
RUNS=${2:-3}
SECS=${3:-5}
TAG=nwtb$$
if pids=$(pgrep -x nwtrace); then
	echo "bench-overhead: nwtrace is already running (pid $(echo $pids)): its probes would be measured too" >&2
	exit 1
fi
A=$TAG-a B=$TAG-b
OUT=$(mktemp -d /tmp/nwtrace-bench.XXXXXX)

cleanup() {
	[ -n "${TRACER:-}" ] && kill -INT "$TRACER" 2>/dev/null || true
	[ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null || true
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	rm -rf "$OUT"
}
trap cleanup EXIT INT TERM

ip netns add "$A"
ip netns add "$B"
ip link add "${TAG}a" netns "$A" type veth peer name "${TAG}b" netns "$B"
ip -n "$A" addr add 10.250.0.1/24 dev "${TAG}a"
ip -n "$B" addr add 10.250.0.2/24 dev "${TAG}b"
for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
ip -n "$A" link set "${TAG}a" up
ip -n "$B" link set "${TAG}b" up

run_iperf() {	# prints Gbit/s received
	ip netns exec "$B" iperf3 -s -1 -B 10.250.0.2 >/dev/null 2>&1 &
	SERVER=$!
	sleep 0.3
	ip netns exec "$A" iperf3 -c 10.250.0.2 -t "$SECS" ${NWT_BENCH_CC:+-C "$NWT_BENCH_CC"} -J >"$OUT/iperf.json"
	wait "$SERVER" 2>/dev/null || true
	SERVER=
	python3 -c 'import json,sys; print("%.3f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9))' "$OUT/iperf.json"
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

echo "congestion control: ${NWT_BENCH_CC:-$(ip netns exec "$A" sysctl -n net.ipv4.tcp_congestion_control)}"
: >"$OUT/base" ; : >"$OUT/traced" ; : >"$OUT/ratios"
for i in $(seq 1 "$RUNS"); do
	b=$(run_iperf)
	echo "run $i untraced: $b Gbit/s"
	echo "$b" >>"$OUT/base"

	"$NWTRACE" -t --json -R 0 -o "$OUT/events.json" 2>"$OUT/nwtrace.err" &
	TRACER=$!
	until grep -q "tracing, Ctrl-C" "$OUT/nwtrace.err" 2>/dev/null; do
		kill -0 "$TRACER" 2>/dev/null || { cat "$OUT/nwtrace.err"; exit 1; }
		sleep 0.1
	done
	t=$(run_iperf)
	rss=$(awk '/VmHWM/ {print $2}' "/proc/$TRACER/status")	# includes compiling the probes
	rss_now=$(awk '/VmRSS/ {print $2}' "/proc/$TRACER/status")
	start=$(date +%s.%N)
	kill -INT "$TRACER"
	wait "$TRACER" || true
	TRACER=
	events=$(wc -l <"$OUT/events.json")
	echo "run $i traced:   $t Gbit/s, $events events ($(echo "$events $SECS" | awk '{printf "%.0f", $1 / $2}')/s), peak RSS ${rss} kB, RSS while tracing ${rss_now} kB"
	grep "events printed" "$OUT/nwtrace.err" | sed 's/^/  /'
	echo "$t" >>"$OUT/traced"
	echo "$t $b" | awk '{printf "%.3f\n", $1 / $2}' >>"$OUT/ratios"
done
mb=$(median <"$OUT/base")
mt=$(median <"$OUT/traced")
echo "median untraced: $mb Gbit/s"
echo "median traced:   $mt Gbit/s"
echo "ratio traced/untraced: $(echo "$mt $mb" | awk '{printf "%.3f", $1 / $2}')"
echo "per-run ratios: $(sort -n "$OUT/ratios" | tr '\n' ' ')(median $(median <"$OUT/ratios"))"
