/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Shared kernel-side plumbing: the ring buffer, the accounting counters, the
 * in-kernel rate limit and the filters (bounded reads at BTF offsets: kread.h).
 * It is the first part of every translation unit nwtrace compiles, composed
 * into it rather than included, because it declares maps; feature probes
 * follow it.  Everything configurable arrives as -D defines:
 *   NWT_RINGBUF_PAGES, NWT_WAKEUP_EVENTS, NWT_RATE_LIMIT (events/s, 0 = none), NWT_MAX_CONNS,
 *   NWT_FILTER_{FAMILY,PORT,SPORT,DPORT,PID}, NWT_FILTER_ADDR_FAMILY with
 *   NWT_FILTER_ADDR_W0..3 / NWT_FILTER_MASK_W0..3, NWT_OFF_* struct offsets.
 */
#ifndef NWT_COMMON_BPF_H
#define NWT_COMMON_BPF_H

/*
 * The licence the kernel is told: GPL-compatible, as its GPL-only helpers
 * require; the BSD alternative lets this source travel inside nwtrace's
 * Apache-2.0 binary (README, "Licence").
 */
#define BPF_LICENSE Dual BSD/GPL

#include <uapi/linux/ptrace.h>	/* struct pt_regs for kprobe alternatives */

#include "nwtrace_events.h"
#include "lib/kread.h"
#include "lib/sock_flow.h"

BPF_RINGBUF_OUTPUT(events, NWT_RINGBUF_PAGES);
BPF_PERCPU_ARRAY(counters, u64, NWT_COUNTER_MAX);

/*
 * Rate limit state: one 64-bit word, the one-second window id in the high
 * half and the events it admitted in the low half, so that a window change
 * and an admission are a single compare-and-swap.
 */
BPF_ARRAY(rate_window, u64, 1);

/* Per-CPU slots, but a program can interrupt another on the same CPU: add atomically. */
static __always_inline void nwt_count_add(u32 counter, u64 n)
{
	u64 *value = counters.lookup(&counter);

	if (value)
		__sync_fetch_and_add(value, n);
#ifdef NWT_TEST_COMPILER_ABORT
	/* Tests: an atomic the BPF back end cannot select, which makes LLVM abort. */
	if (value && __sync_fetch_and_sub((u32 *)value, 1) == 1)
		__sync_fetch_and_add(value, 1);
#endif
}

static __always_inline void nwt_count(u32 counter)
{
	nwt_count_add(counter, 1);
}

#ifndef NWT_RATE_CAS_TRIES
#define NWT_RATE_CAS_TRIES 8
#endif

/*
 * At most NWT_RATE_LIMIT events per second leave the kernel, whichever CPU
 * they come from: admission is a compare-and-swap on the shared window word,
 * so no interleaving can admit more.  When every try loses the race (only
 * under extreme contention) the event is suppressed, never over-admitted.
 */
static __always_inline bool nwt_rate_admit(void)
{
#if NWT_RATE_LIMIT > 0
	u32 zero = 0;
	u64 *w = rate_window.lookup(&zero);
	u64 now_window = (bpf_ktime_get_ns() / 1000000000ULL) & 0xffffffffULL;

	if (!w)
		return false;
#pragma unroll
	for (int i = 0; i < NWT_RATE_CAS_TRIES; i++) {
		u64 old = *(volatile u64 *)w;
		u64 next;

		if ((old >> 32) != now_window)
			next = (now_window << 32) | 1;
		else if ((old & 0xffffffffULL) >= NWT_RATE_LIMIT)
			return false;
		else
			next = old + 1;
		if (__sync_val_compare_and_swap(w, old, next) == old)
			return true;
	}
	return false;
#else
	return true;
#endif
}

/*
 * Every record leaves through these functions, so that
 * generated == delivered + suppressed + lost holds exactly.
 * nwt_event_admit() counts a record and applies the rate limit;
 * nwt_event_reserve() yields NULL when the record must not be written.
 * (libbcc does not allow map calls inside macros, hence functions.)
 */
static __always_inline bool nwt_event_admit(void)
{
	nwt_count(NWT_COUNTER_GENERATED);
	if (nwt_rate_admit())
		return true;
	nwt_count(NWT_COUNTER_SUPPRESSED);
	return false;
}

static __always_inline void *nwt_event_reserve(u32 size)
{
	void *e;

	if (!nwt_event_admit())
		return NULL;
	e = events.ringbuf_reserve(size);
	if (!e)
		nwt_count(NWT_COUNTER_LOST);
	return e;
}

/* Records each CPU submitted since it last woke the reader. */
BPF_PERCPU_ARRAY(unwoken, u32, 1);

/*
 * For high-volume streams: wake the reader only every NWT_WAKEUP_EVENTS
 * records per CPU; the reader also drains the ring on its own timer, so
 * nothing waits longer than its poll period.  (libbcc 0.26 has no
 * ringbuf_query() to measure the backlog in bytes.)  Flags for committing
 * `records` more records.
 */
static __always_inline u64 nwt_wakeup_flags(u32 records)
{
	u32 zero = 0;
	u32 *n = unwoken.lookup(&zero);

	if (!n)
		return 0;
	*n += records;
	if (*n < NWT_WAKEUP_EVENTS)
		return BPF_RB_NO_WAKEUP;
	*n = 0;
	return BPF_RB_FORCE_WAKEUP;
}

/*
 * A record leaves; the reader is woken as for the streams above.  Woken at
 * each record, an idle reader cost the CPU that dropped a packet ~4 us per
 * drop here (a flood's drops at -s) against < 1 us when it is busy.
 */
static __always_inline void nwt_event_submit(void *e)
{
	events.ringbuf_submit(e, nwt_wakeup_flags(1));
	nwt_count(NWT_COUNTER_DELIVERED);
}

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
	return family == AF_INET6 && nwt_v4_mapped(addr) &&
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

#endif /* NWT_COMMON_BPF_H */
