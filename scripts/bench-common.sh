# SPDX-License-Identifier: Apache-2.0
# Sourced by the bench-*.sh scripts (POSIX sh).  bench_setup NAME SUBNET:
# refuses to run while another nwtrace is attached (its probes would be
# measured too), makes $OUT (a scratch directory), two namespaces $A and $B
# joined by a veth pair ${TAG}a (10.SUBNET.0.1) and ${TAG}b (10.SUBNET.0.2),
# and removes it all on exit, stopping $TRACER and $SERVER if they are set.
# bench_start_tracer CMD... runs an nwtrace command line in the background
# (stderr to $OUT/nwtrace.err, stdout to $OUT/stdout) and sets TRACER once
# it is attached; bench_stop_tracer stops it as Ctrl-C would.
# Also: median (of the numbers on stdin) and cpu_ticks PID (utime + stime).

bench_cleanup() {
	[ -n "${TRACER:-}" ] && kill -INT "$TRACER" 2>/dev/null || true
	[ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null || true
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	rm -rf "$OUT"
}

bench_setup() {	# NAME SUBNET
	if pids=$(pgrep -x nwtrace); then
		echo "$1: nwtrace is already running (pid $(echo $pids)): its probes would be measured too" >&2
		exit 1
	fi
	TAG=nwt$2$$
	A=$TAG-a B=$TAG-b
	OUT=$(mktemp -d "/tmp/nwtrace-$1.XXXXXX")
	trap bench_cleanup EXIT INT TERM
	ip netns add "$A"
	ip netns add "$B"
	ip link add "${TAG}a" netns "$A" type veth peer name "${TAG}b" netns "$B"
	ip -n "$A" addr add "10.$2.0.1/24" dev "${TAG}a"
	ip -n "$B" addr add "10.$2.0.2/24" dev "${TAG}b"
	for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
	ip -n "$A" link set "${TAG}a" up
	ip -n "$B" link set "${TAG}b" up
}

bench_start_tracer() {
	"$@" 2>"$OUT/nwtrace.err" >"$OUT/stdout" &
	TRACER=$!
	until grep -q "tracing, Ctrl-C" "$OUT/nwtrace.err" 2>/dev/null; do
		kill -0 "$TRACER" 2>/dev/null || { cat "$OUT/nwtrace.err"; exit 1; }
		sleep 0.1
	done
}

bench_stop_tracer() {
	kill -INT "$TRACER"
	wait "$TRACER" || true
	TRACER=
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
