/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Records reach user space per CPU: each CPU's staged batch is committed
 * whole (record_stage.h), so the records of one poll come CPU by CPU, and a
 * connection's handshake can print after its FIN.  A poll that brings few
 * records, what a person reads in a table, is put back in time order before
 * anything is printed.  A busy poll passes through as it comes, and so does
 * the poll after it: ordering 100k+ records a second would cost more than it
 * is worth, and no one reads them by eye.  Received data still leaves when the application reads it
 * (rx_read_join.h), so it can follow records that came after it.
 */
#ifndef NWT_RECORD_ORDER_H
#define NWT_RECORD_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/event_decode.h"	/* nwt_record_fn */

#define NWT_ORDER_RECORDS 512		/* a poll with more passes through */
#define NWT_ORDER_BYTES (256 * 1024)	/* and so does one with more bytes */

struct nwt_held_record {
	uint64_t ts_ns;
	uint32_t offset, size;
	uint32_t arrival;	/* ties keep the order they came in */
};

struct nwt_record_order {
	nwt_record_fn deliver;
	void *ctx;
	struct nwt_held_record *held;	/* NWT_ORDER_RECORDS */
	char *bytes;			/* NWT_ORDER_BYTES */
	size_t n_held, used;
	size_t offered;			/* records this poll */
	bool passing;			/* this poll or the last brought too much: as they come */
};

/* 0, or -1 if out of memory (records then pass through unordered). */
int nwt_record_order_init(struct nwt_record_order *o, nwt_record_fn deliver, void *ctx);

/* One record of the current poll; deliver's nonzero return (stop) when it passes through. */
int nwt_record_order_offer(struct nwt_record_order *o, const void *record, size_t size);

/*
 * The poll is over: what was held leaves in time order; deliver's first
 * nonzero return.  The next poll is held for ordering if this one was quiet.
 */
int nwt_record_order_release(struct nwt_record_order *o);

void nwt_record_order_free(struct nwt_record_order *o);

#endif
