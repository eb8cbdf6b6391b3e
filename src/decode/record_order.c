/* SPDX-License-Identifier: Apache-2.0 */
#include "decode/record_order.h"

#include <stdlib.h>
#include <string.h>

#include "probes/nwtrace_events.h"

int nwt_record_order_init(struct nwt_record_order *o, nwt_record_fn deliver, void *ctx)
{
	memset(o, 0, sizeof(*o));
	o->deliver = deliver;
	o->ctx = ctx;
	o->held = calloc(NWT_ORDER_RECORDS, sizeof(*o->held));
	o->bytes = malloc(NWT_ORDER_BYTES);
	if (o->held && o->bytes)
		return 0;
	nwt_record_order_free(o);	/* held NULL: records pass through */
	return -1;
}

static int by_time(const void *a, const void *b)
{
	const struct nwt_held_record *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->arrival < y->arrival ? -1 : x->arrival > y->arrival;
}

/* What is held leaves, sorted; the first nonzero from deliver stops it (the rest is dropped). */
static int deliver_held(struct nwt_record_order *o)
{
	int rc = 0;

	qsort(o->held, o->n_held, sizeof(*o->held), by_time);
	for (size_t i = 0; i < o->n_held && !rc; i++)
		rc = o->deliver(o->ctx, o->bytes + o->held[i].offset, o->held[i].size);
	o->n_held = o->used = 0;
	return rc;
}

int nwt_record_order_offer(struct nwt_record_order *o, const void *record, size_t size)
{
	size_t room = (size + 7) & ~(size_t)7;	/* held records stay 8-byte aligned, as in the ring */
	struct nwt_event_header hdr;
	struct nwt_held_record *h;
	int rc;

	o->offered++;
	if (!o->held || size < sizeof(hdr))	/* nothing to hold in; no time to sort by */
		return o->deliver(o->ctx, record, size);
	if (!o->passing && (o->n_held == NWT_ORDER_RECORDS || room > NWT_ORDER_BYTES - o->used)) {
		/* a busy poll: what is held goes first, the rest as it comes */
		o->passing = true;
		rc = deliver_held(o);
		if (rc)
			return rc;
	}
	if (o->passing)
		return o->deliver(o->ctx, record, size);
	memcpy(&hdr, record, sizeof(hdr));
	h = &o->held[o->n_held];
	h->ts_ns = hdr.ts_ns;
	h->offset = (uint32_t)o->used;
	h->size = (uint32_t)size;
	h->arrival = (uint32_t)o->n_held++;
	memcpy(o->bytes + o->used, record, size);
	o->used += room;
	return 0;
}

int nwt_record_order_release(struct nwt_record_order *o)
{
	int rc;

	if (!o->held)
		return 0;
	rc = deliver_held(o);
	o->passing = o->offered > NWT_ORDER_RECORDS;
	o->offered = 0;
	return rc;
}

void nwt_record_order_free(struct nwt_record_order *o)
{
	free(o->held);
	free(o->bytes);
	o->held = NULL;
	o->bytes = NULL;
	o->n_held = o->used = 0;
}
