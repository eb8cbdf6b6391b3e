/* SPDX-License-Identifier: Apache-2.0 */
/*
 * -s/--stats: packet and hop records are counted instead of printed; every
 * --interval and at exit a summary goes out: packets per direction and per
 * point, per-layer log2 latency histograms with p50/p99, and the kernel's
 * accounting (generated = delivered + suppressed + lost).
 */
#ifndef NWT_STATS_H
#define NWT_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "decode/record.h"

#define NWT_HIST_BUCKETS 40	/* bucket k: [2^k, 2^(k+1)) ns; bucket 0 also holds 0 */

struct nwt_counts {
	uint64_t generated, delivered, suppressed, lost, filtered;
	uint64_t reads_lost;	/* -t socket-read records lost: data without tcp_us */
};

struct nwt_stats_window {
	uint64_t records;	/* everything seen, packets or not */
	uint64_t packets[2];	/* tx, rx */
	uint64_t points[NWT_PT_MAX];
	/* per span of layers (nwt_pkt_span_index) */
	uint64_t hist[12][NWT_HIST_BUCKETS];
	uint64_t layer_count[12];
};

struct nwt_stats {
	struct nwt_stats_window interval, total;
	/* bit NWT_PT_* per point the plan observes (nwt_plan_points): others print as "-" */
	unsigned int points_planned;
};

void nwt_stats_add(struct nwt_stats *s, const struct nwt_record *rec);

/* Value (ns) below which a fraction q of the layer's samples fall: a bucket's upper bound. */
uint64_t nwt_stats_quantile_ns(const struct nwt_stats_window *w, int layer, double q);

/*
 * Prints the window (interval or, when final, the total) as a table block or
 * one JSON line, then starts a new interval.
 */
void nwt_stats_print(FILE *out, struct nwt_stats *s, bool json, bool final, double seconds,
		     uint64_t wall_ns, const struct nwt_counts *counts);

#endif
