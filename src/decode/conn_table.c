/* SPDX-License-Identifier: Apache-2.0 */
#include "decode/conn_table.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int nwt_conn_table_init(struct nwt_conn_table *t, size_t max, bool keep_closed)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
	t->keep_closed = keep_closed;
	return 0;
}

void nwt_conn_table_free(struct nwt_conn_table *t)
{
	free(t->entries);
	memset(t, 0, sizeof(*t));
}

/* Index of sock_id, or where it would go (*found false). */
static size_t find(const struct nwt_conn_table *t, uint64_t sock_id, bool *found)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->entries[mid].sample.sock_id < sock_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < t->n && t->entries[lo].sample.sock_id == sock_id;
	return lo;
}

static void remove_at(struct nwt_conn_table *t, size_t i)
{
	memmove(&t->entries[i], &t->entries[i + 1], (t->n - i - 1) * sizeof(t->entries[0]));
	t->n--;
}

/* Makes room for one more row: grows, or evicts the oldest closed row. */
static int make_room(struct nwt_conn_table *t)
{
	size_t oldest = t->n;

	if (t->n < t->cap)
		return 0;
	if (t->cap < t->max) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct nwt_conn_entry *e;

		if (cap > t->max)
			cap = t->max;
		e = realloc(t->entries, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		t->entries = e;
		t->cap = cap;
		return 0;
	}
	for (size_t i = 0; i < t->n; i++)
		if ((t->entries[i].sample.flags & NWT_CONN_F_CLOSED) &&
		    (oldest == t->n || t->entries[i].sample.hdr.ts_ns <
					       t->entries[oldest].sample.hdr.ts_ns))
			oldest = i;
	if (oldest == t->n)
		return -ENOSPC;
	remove_at(t, oldest);
	return 0;
}

static int upsert(struct nwt_conn_table *t, const struct nwt_conn_sample *s)
{
	bool found;
	size_t i = find(t, s->sock_id, &found);

	if (!found) {
		if (make_room(t)) {
			t->overflow++;
			return -ENOSPC;
		}
		i = find(t, s->sock_id, &found);	/* eviction may have moved it */
		memmove(&t->entries[i + 1], &t->entries[i], (t->n - i) * sizeof(t->entries[0]));
		t->n++;
	}
	t->entries[i].sample = *s;
	t->entries[i].seen = true;
	return 0;
}

void nwt_conn_table_begin(struct nwt_conn_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		t->entries[i].seen = false;
}

int nwt_conn_table_update(struct nwt_conn_table *t, const struct nwt_conn_sample *s)
{
	/* A live socket at a closed row's address is a new connection: it replaces the row. */
	return upsert(t, s);
}

void nwt_conn_table_end(struct nwt_conn_table *t)
{
	for (size_t i = t->n; i-- > 0;)
		if (!t->entries[i].seen && !(t->entries[i].sample.flags & NWT_CONN_F_CLOSED))
			remove_at(t, i);
}

int nwt_conn_table_closed(struct nwt_conn_table *t, const struct nwt_conn_sample *s)
{
	bool found;
	size_t i;

	if (t->keep_closed)
		return upsert(t, s);
	i = find(t, s->sock_id, &found);
	if (found)
		remove_at(t, i);
	return 0;
}
