/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoded connection metrics (-x) and retransmitted segments (-r): plain C,
 * no kernel layout.  Part of struct nwt_record (record.h).
 */
#ifndef NWT_CONN_RECORD_H
#define NWT_CONN_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "probes/nwtrace_events.h"

/* One row of the connection table.  has_* false: the kernel cannot say. */
struct nwt_conn_metrics {
	uint64_t sock_id;
	int state;		/* TCP_* as the kernel numbers them; CLOSE when closed */
	enum nwt_role role;
	bool closed;		/* final values, kept by -a */
	bool listener;		/* backlog/max_backlog instead of transfer metrics */
	bool has_duration_us;
	uint64_t duration_us;	/* since connect/accept/listen */
	uint32_t backlog, max_backlog;
	uint32_t rwnd, cwnd;
	bool has_ssthresh;	/* false while still "infinite" (slow start never ended) */
	uint32_t ssthresh;
	int32_t sndbuf, wmem_queued;
	uint64_t bytes_received, bytes_acked;
	bool has_srtt_us;	/* false before the first RTT sample */
	uint32_t srtt_us;	/* microseconds, as ss shows it (the kernel keeps it << 3) */
	uint32_t total_retrans;
	bool has_retrans_counts;	/* -r */
	uint32_t fast_retrans, timeout_retrans;
};

/* One retransmitted segment. */
struct nwt_retrans {
	uint64_t sock_id;
	int state;
	enum nwt_role role;
	bool has_seq;
	uint32_t seq;
	bool has_err;
	int err;		/* 0: sent; else -errno from the send attempt */
	bool has_segs;
	uint32_t segs;		/* segments the skb carries: what ss's retrans total counts */
	uint32_t fast_retrans, timeout_retrans;	/* the connection's counts so far */
};

#endif
