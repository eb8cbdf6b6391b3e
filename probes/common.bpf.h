/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared kernel-side plumbing: the ring buffer, the accounting counters, the
 * in-kernel rate limit, the filters and bounded reads at BTF offsets.
 * It is the first part of every translation unit nwtrace compiles; feature
 * probes follow it.  Everything configurable arrives as -D defines:
 *   NWT_RINGBUF_PAGES, NWT_RATE_LIMIT (events/s, 0 = none), NWT_MAX_CONNS,
 *   NWT_FILTER_{FAMILY,PORT,SPORT,DPORT,PID}, NWT_FILTER_ADDR_FAMILY with
 *   NWT_FILTER_ADDR_W0..3 / NWT_FILTER_MASK_W0..3, NWT_OFF_* struct offsets.
 */
#include <uapi/linux/ptrace.h>	/* struct pt_regs for kprobe alternatives */

#include "nwtrace_events.h"

#ifdef NWT_OFFSETS_FROM_HEADERS
/* No BTF: NWT_OFF_* are offsetof() expressions against these headers. */
#include <net/sock.h>
#endif

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif
#ifndef IPPROTO_TCP
#define IPPROTO_TCP 6
#endif

BPF_RINGBUF_OUTPUT(events, NWT_RINGBUF_PAGES);
BPF_PERCPU_ARRAY(counters, u64, NWT_COUNTER_MAX);

/* Rate limit state: the current one-second window and how many events it admitted. */
struct nwt_rate_window {
	u64 window;
	u64 admitted;
};
BPF_ARRAY(rate_window, struct nwt_rate_window, 1);

static __always_inline void nwt_count(u32 counter)
{
	u64 *value = counters.lookup(&counter);

	if (value)
		(*value)++;
}

/*
 * At most NWT_RATE_LIMIT events per second leave the kernel, whichever CPU
 * they come from.  The window id and the admitted count are one shared map
 * value; a window change resets the count with an atomic exchange so that
 * concurrent CPUs can only over-admit by the events that raced the reset.
 */
static __always_inline bool nwt_rate_admit(void)
{
#if NWT_RATE_LIMIT > 0
	u32 zero = 0;
	struct nwt_rate_window *w = rate_window.lookup(&zero);
	u64 now_window = bpf_ktime_get_ns() / 1000000000ULL;

	if (!w)
		return true;
	if (w->window != now_window) {
		w->window = now_window;
		__sync_lock_test_and_set(&w->admitted, 0);
	}
	return __sync_fetch_and_add(&w->admitted, 1) < NWT_RATE_LIMIT;
#else
	return true;
#endif
}

/*
 * Every record leaves through these two functions, so that
 * generated == delivered + suppressed + lost holds exactly.
 * nwt_event_reserve() yields NULL when the record must not be written.
 * (libbcc does not allow map calls inside macros, hence functions.)
 */
static __always_inline void *nwt_event_reserve(u32 size)
{
	void *e;

	nwt_count(NWT_COUNTER_GENERATED);
	if (!nwt_rate_admit()) {
		nwt_count(NWT_COUNTER_SUPPRESSED);
		return NULL;
	}
	e = events.ringbuf_reserve(size);
	if (!e)
		nwt_count(NWT_COUNTER_LOST);
	return e;
}

static __always_inline void nwt_event_submit(void *e)
{
	events.ringbuf_submit(e, 0);
	nwt_count(NWT_COUNTER_DELIVERED);
}

/* Read a kernel field at an offset taken from the running kernel's BTF. */
#define NWT_READ_FIELD(dst, base, offset)                                    \
	bpf_probe_read_kernel(&(dst), sizeof(dst), (const char *)(base) + (offset))

static __always_inline u32 nwt_current_tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

#ifdef NWT_FILTER_ADDR_FAMILY
/* Does a 16-byte address (IPv4 in the first 4 bytes) fall in the --ip prefix? */
static __always_inline bool nwt_addr_matches(const u8 *addr, u16 family)
{
	u32 w[4];

	__builtin_memcpy(w, addr, sizeof(w));
#if NWT_FILTER_ADDR_FAMILY == AF_INET
	if (family == AF_INET)
		return (w[0] & NWT_FILTER_MASK_W0) == NWT_FILTER_ADDR_W0;
	/* An IPv4 peer of a dual-stack socket shows up as ::ffff:a.b.c.d. */
	return family == AF_INET6 && w[0] == 0 && w[1] == 0 &&
	       w[2] == bpf_htonl(0xffff) &&
	       (w[3] & NWT_FILTER_MASK_W0) == NWT_FILTER_ADDR_W0;
#else
	return family == AF_INET6 &&
	       (w[0] & NWT_FILTER_MASK_W0) == NWT_FILTER_ADDR_W0 &&
	       (w[1] & NWT_FILTER_MASK_W1) == NWT_FILTER_ADDR_W1 &&
	       (w[2] & NWT_FILTER_MASK_W2) == NWT_FILTER_ADDR_W2 &&
	       (w[3] & NWT_FILTER_MASK_W3) == NWT_FILTER_ADDR_W3;
#endif
}
#endif

/* The --ip/--port/--sport/--dport/--pid/-4/-6 filters, all compiled in. */
static __always_inline bool nwt_flow_wanted(const struct nwt_flow *flow, u32 owner_pid)
{
#ifdef NWT_FILTER_FAMILY
	if (flow->family != NWT_FILTER_FAMILY)
		return false;
#endif
#ifdef NWT_FILTER_SPORT
	if (flow->sport != NWT_FILTER_SPORT)
		return false;
#endif
#ifdef NWT_FILTER_DPORT
	if (flow->dport != NWT_FILTER_DPORT)
		return false;
#endif
#ifdef NWT_FILTER_PORT
	if (flow->sport != NWT_FILTER_PORT && flow->dport != NWT_FILTER_PORT)
		return false;
#endif
#ifdef NWT_FILTER_ADDR_FAMILY
	if (!nwt_addr_matches(flow->saddr, flow->family) &&
	    !nwt_addr_matches(flow->daddr, flow->family))
		return false;
#endif
#ifdef NWT_FILTER_PID
	if (owner_pid != NWT_FILTER_PID)
		return false;
#endif
	return true;
}

static __always_inline bool nwt_filter(const struct nwt_flow *flow, u32 owner_pid)
{
	if (nwt_flow_wanted(flow, owner_pid))
		return true;
	nwt_count(NWT_COUNTER_FILTERED);
	return false;
}
