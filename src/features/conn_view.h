/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The -x connection table as a session sees it: every --interval one
 * iterator pass per network namespace refreshes the table, which is then
 * printed (table or JSON); closing connections' final samples arrive
 * through the ring buffer in between.
 */
#ifndef NWT_CONN_VIEW_H
#define NWT_CONN_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loader/bpf_loader.h"
#include "decode/conn_table.h"
#include "plan/options.h"

struct nwt_conn_view {
	struct nwt_conn_table table;
	struct nwt_bpf *bpf;
	const struct nwt_options *opts;
	FILE *out;
	int64_t wall_offset;
	double next_due;	/* CLOCK_MONOTONIC seconds */
	double last_tick;
	char *buf;		/* one iterator pass */
	size_t buf_len, buf_cap;
	int last_err;		/* of the last pass */
	bool reported_err;	/* a failing pass is reported once, not every interval */
};

int nwt_conn_view_init(struct nwt_conn_view *v, const struct nwt_options *opts,
		       struct nwt_bpf *bpf, FILE *out, int64_t wall_offset, double now);
void nwt_conn_view_free(struct nwt_conn_view *v);

/* A ring-buffer record: true if it was a connection sample (and is taken). */
bool nwt_conn_view_take(struct nwt_conn_view *v, const void *data, size_t size);

/* Refreshes and prints the table if an interval has passed (or force). Returns rows printed. */
size_t nwt_conn_view_tick(struct nwt_conn_view *v, double now, bool force);

#endif
