/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The -x connection table in user space: the latest sample of every tracked
 * connection, by socket.  Live rows come from each iterator pass; a row that
 * a pass no longer sees has gone.  Closed rows come from the ring buffer and
 * stay only with -a.  Bounded: when full, the oldest closed row makes room.
 */
#ifndef NWT_CONN_TABLE_H
#define NWT_CONN_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/nwtrace_events.h"

struct nwt_conn_entry {
	struct nwt_conn_sample sample;
	bool seen;		/* in the current pass (or closed) */
};

struct nwt_conn_table {
	struct nwt_conn_entry *entries;	/* sorted by sample.sock_id */
	size_t n, cap, max;
	bool keep_closed;
	unsigned long long overflow;	/* samples dropped: table full */
};

int nwt_conn_table_init(struct nwt_conn_table *t, size_t max, bool keep_closed);
void nwt_conn_table_free(struct nwt_conn_table *t);

/* One iterator pass: begin, update per live sample, end (drops rows not seen). */
void nwt_conn_table_begin(struct nwt_conn_table *t);
int nwt_conn_table_update(struct nwt_conn_table *t, const struct nwt_conn_sample *s);
void nwt_conn_table_end(struct nwt_conn_table *t);

/* A connection's final sample (NWT_CONN_F_CLOSED): kept with -a, else forgotten. */
int nwt_conn_table_closed(struct nwt_conn_table *t, const struct nwt_conn_sample *s);

#endif
