/* SPDX-License-Identifier: Apache-2.0 */
/* Received data segments joined to the application's reads of them (see rx_read_join.h). */
#include "decode/rx_read_join.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "probes/nwtrace_events.h"

/*
 * A socket lives in one of SOCK_WINDOW slots from its hash.  Slots are only
 * ever reused, never emptied, so a lookup that scans the whole window needs
 * no tombstones.
 */
#define SOCK_HASH_BITS 12
#define SOCK_WINDOW 8
_Static_assert((1u << SOCK_HASH_BITS) == NWT_RX_JOIN_SOCKS, "socket slots must match the hash");

/* Without -H the kernel leaves http[] out of the record. */
#define PKT_MIN_SIZE (sizeof(struct nwt_packet_event) - NWT_HTTP_LEN)

/* point_ns[] indices of a received packet */
#define RX_TCP (NWT_PT_RX_TCP - NWT_PT_RX_DEV)
#define RX_READ (NWT_PT_RX_SOCK - NWT_PT_RX_DEV)

struct rx_read {
	uint64_t ts_ns;
	uint32_t seq;		/* first byte read */
	uint32_t len;
	uint32_t pid;
	char comm[NWT_COMM_LEN];
};

struct rx_segment {
	struct nwt_packet_event ev;	/* zero past `size` */
	size_t size;			/* as offered: delivered the same */
};

/*
 * Slots are small, so that expiring (every poll period) walks 4096 of them
 * quickly; a socket's reads get their ring when it sees its first read.
 */
struct nwt_rx_join_sock {
	uint64_t sock_id;
	uint64_t last_active_ns;	/* latest record time: the oldest is evicted */
	bool used;
	struct rx_segment *segs;	/* waiting, in arrival order; kept across reuse */
	size_t n_segs;
	size_t cap_segs;
	unsigned int n_reads;		/* remembered, at most NWT_RX_JOIN_READS */
	unsigned int next_read;		/* ring slot the next read overwrites */
	struct rx_read *reads;		/* NWT_RX_JOIN_READS; kept across reuse */
};

void nwt_rx_join_init(struct nwt_rx_join *j, nwt_record_fn deliver, void *ctx)
{
	memset(j, 0, sizeof(*j));
	j->deliver = deliver;
	j->ctx = ctx;
}

void nwt_rx_join_want_owner(struct nwt_rx_join *j, uint32_t pid)
{
	j->owner_wanted = pid;
}

static bool read_covers(const struct rx_read *r, const struct nwt_packet_event *seg)
{
	/* sequence space wraps at 2^32: the distance from the read's first byte */
	return (uint32_t)(seg->seq - r->seq) < r->len && r->ts_ns >= seg->point_ns[RX_TCP];
}

/*
 * Hands a segment on.  The callback must not call back into the join: the
 * loops below deliver from the waiting array while walking it.
 */
static void leave_unread(struct nwt_rx_join *j, struct nwt_packet_event *ev, size_t size)
{
	if (ev->flags & NWT_PKT_F_OWNER_PENDING) {
		j->owner_filtered++;	/* never read: whose it was stays unknown */
		return;
	}
	ev->flags &= ~NWT_PKT_F_AWAITS_READ;
	j->deliver(j->ctx, ev, size);
}

static void leave_joined(struct nwt_rx_join *j, struct nwt_packet_event *ev, size_t size,
			 const struct rx_read *r)
{
	if (ev->flags & NWT_PKT_F_OWNER_PENDING) {
		if (j->owner_wanted && r->pid != j->owner_wanted) {
			j->owner_filtered++;
			return;
		}
		ev->flags &= ~NWT_PKT_F_OWNER_PENDING;
	}
	ev->point_ns[RX_READ] = r->ts_ns;
	if (ev->hdr.ts_ns < r->ts_ns)
		ev->hdr.ts_ns = r->ts_ns;
	ev->hdr.pid = r->pid;
	memcpy(ev->hdr.comm, r->comm, sizeof(ev->hdr.comm));
	ev->flags |= NWT_PKT_F_OWNER_KNOWN;
	ev->flags &= ~NWT_PKT_F_AWAITS_READ;
	j->deliver(j->ctx, ev, size);
}

static void deliver_all_unread(struct nwt_rx_join *j, struct nwt_rx_join_sock *s)
{
	for (size_t i = 0; i < s->n_segs; i++)
		leave_unread(j, &s->segs[i].ev, s->segs[i].size);
	j->waiting -= s->n_segs;
	s->n_segs = 0;
}

/* Kernel addresses share their low and high bits: multiply to spread them, keep the top. */
static size_t sock_hash(uint64_t sock_id)
{
	return (size_t)((sock_id * 0x9e3779b97f4a7c15ULL) >> (64 - SOCK_HASH_BITS));
}

/*
 * The slot of sock_id, claimed if new.  A full window gives up the socket
 * idle longest: its segments leave without a read, its reads are forgotten.
 * NULL only when the slots cannot be allocated.
 */
static struct nwt_rx_join_sock *sock_for(struct nwt_rx_join *j, uint64_t sock_id, uint64_t ts_ns)
{
	struct nwt_rx_join_sock *s, *free_slot = NULL, *oldest = NULL;
	size_t h = sock_hash(sock_id);

	if (!j->socks) {
		j->socks = calloc(NWT_RX_JOIN_SOCKS, sizeof(*j->socks));
		if (!j->socks)
			return NULL;
	}
	for (size_t i = 0; i < SOCK_WINDOW; i++) {
		s = &j->socks[(h + i) % NWT_RX_JOIN_SOCKS];
		if (!s->used) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (s->sock_id == sock_id) {
			if (s->last_active_ns < ts_ns)
				s->last_active_ns = ts_ns;
			return s;
		}
		if (!oldest || s->last_active_ns < oldest->last_active_ns)
			oldest = s;
	}
	s = free_slot;
	if (!s) {
		s = oldest;
		deliver_all_unread(j, s);
		s->n_reads = 0;
		s->next_read = 0;
	}
	s->used = true;
	s->sock_id = sock_id;
	s->last_active_ns = ts_ns;
	return s;
}

/*
 * Delivers, in arrival order, the waiting segments of s that `r` covers
 * (joined to it) or, with r NULL, that TCP received before `before_ns`
 * (without a read); the others keep their order.
 */
static void leave_waiting(struct nwt_rx_join *j, struct nwt_rx_join_sock *s,
			  const struct rx_read *r, uint64_t before_ns)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->n_segs; i++) {
		struct rx_segment *seg = &s->segs[i];

		if (r && read_covers(r, &seg->ev)) {
			leave_joined(j, &seg->ev, seg->size, r);
			j->waiting--;
			continue;
		}
		if (!r && seg->ev.point_ns[RX_TCP] < before_ns) {
			leave_unread(j, &seg->ev, seg->size);
			j->waiting--;
			continue;
		}
		if (kept != i)
			s->segs[kept] = *seg;
		kept++;
	}
	s->n_segs = kept;
}

static void remember_read(struct nwt_rx_join_sock *s, const struct rx_read *r)
{
	if (!s->reads && !(s->reads = calloc(NWT_RX_JOIN_READS, sizeof(*s->reads))))
		return;		/* segments then wait for reads to come */
	s->reads[s->next_read] = *r;
	s->next_read = (s->next_read + 1) % NWT_RX_JOIN_READS;
	if (s->n_reads < NWT_RX_JOIN_READS)
		s->n_reads++;
}

static void take_read(struct nwt_rx_join *j, const struct nwt_packet_event *ev)
{
	struct rx_read r = {
		.ts_ns = ev->hdr.ts_ns,
		.seq = ev->seq,
		.len = ev->payload_len,
		.pid = ev->hdr.pid,
	};
	struct nwt_rx_join_sock *s;

	if (!r.len)
		return;
	memcpy(r.comm, ev->hdr.comm, sizeof(r.comm));
	s = sock_for(j, ev->sock_id, r.ts_ns);
	if (!s)
		return;
	leave_waiting(j, s, &r, 0);
	remember_read(s, &r);
}

/* Of the remembered reads covering seg, the first in time (batches arrive out of order). */
static const struct rx_read *earliest_cover(const struct nwt_rx_join_sock *s,
					    const struct nwt_packet_event *seg)
{
	const struct rx_read *best = NULL;

	for (unsigned int i = 0; i < s->n_reads; i++) {
		const struct rx_read *r = &s->reads[i];

		if (read_covers(r, seg) && (!best || r->ts_ns < best->ts_ns))
			best = r;
	}
	return best;
}

static void push_out_oldest(struct nwt_rx_join *j, struct nwt_rx_join_sock *s)
{
	struct rx_segment first = s->segs[0];

	s->n_segs--;
	memmove(&s->segs[0], &s->segs[1], s->n_segs * sizeof(s->segs[0]));
	j->waiting--;
	leave_unread(j, &first.ev, first.size);
}

static bool keep_waiting(struct nwt_rx_join *j, struct nwt_rx_join_sock *s,
			 const struct nwt_packet_event *ev, size_t size)
{
	if (s->n_segs == s->cap_segs) {
		size_t cap = s->cap_segs ? s->cap_segs * 2 : 4;
		struct rx_segment *segs = realloc(s->segs, cap * sizeof(*segs));

		if (!segs)
			return false;
		s->segs = segs;
		s->cap_segs = cap;
	}
	s->segs[s->n_segs].ev = *ev;
	s->segs[s->n_segs].size = size;
	s->n_segs++;
	j->waiting++;
	return true;
}

static void take_segment(struct nwt_rx_join *j, struct nwt_packet_event *ev, size_t size)
{
	struct nwt_rx_join_sock *s = sock_for(j, ev->sock_id, ev->hdr.ts_ns);
	const struct rx_read *r;

	if (!s) {
		leave_unread(j, ev, size);
		return;
	}
	r = earliest_cover(s, ev);
	if (r) {
		leave_joined(j, ev, size, r);
		return;
	}
	if (j->waiting >= NWT_RX_JOIN_MAX_WAITING) {
		/* a busy socket makes room from its own queue, not another's */
		if (!s->n_segs) {
			leave_unread(j, ev, size);
			return;
		}
		push_out_oldest(j, s);
	}
	if (!keep_waiting(j, s, ev, size))
		leave_unread(j, ev, size);
}

bool nwt_rx_join_offer(struct nwt_rx_join *j, const void *record, size_t size)
{
	struct nwt_packet_event ev;
	__u32 type, flags;

	if (size < PKT_MIN_SIZE)
		return false;
	/* most records are not for the join: look at two fields before copying the whole */
	memcpy(&type, (const char *)record + offsetof(struct nwt_packet_event, hdr.type), sizeof(type));
	memcpy(&flags, (const char *)record + offsetof(struct nwt_packet_event, flags), sizeof(flags));
	if (type != NWT_EVENT_PKT_READ && !(flags & NWT_PKT_F_AWAITS_READ))
		return false;
	/* a record longer than we know of is cut to the fields we know */
	if (size > sizeof(ev))
		size = sizeof(ev);
	memset(&ev, 0, sizeof(ev));
	memcpy(&ev, record, size);
	if (ev.hdr.type == NWT_EVENT_PKT_READ) {
		take_read(j, &ev);
		return true;
	}
	if (ev.hdr.type != NWT_EVENT_PACKET || !(ev.flags & NWT_PKT_F_AWAITS_READ) ||
	    ev.direction != NWT_DIR_RX)
		return false;
	take_segment(j, &ev, size);
	return true;
}

void nwt_rx_join_expire(struct nwt_rx_join *j, uint64_t now_ns)
{
	if (!j->waiting || now_ns <= NWT_RX_JOIN_WAIT_NS)
		return;
	for (size_t i = 0; i < NWT_RX_JOIN_SOCKS; i++)
		leave_waiting(j, &j->socks[i], NULL, now_ns - NWT_RX_JOIN_WAIT_NS);
}

void nwt_rx_join_drain(struct nwt_rx_join *j)
{
	if (!j->waiting)
		return;
	for (size_t i = 0; i < NWT_RX_JOIN_SOCKS; i++)
		deliver_all_unread(j, &j->socks[i]);
}

void nwt_rx_join_free(struct nwt_rx_join *j)
{
	if (j->socks) {
		for (size_t i = 0; i < NWT_RX_JOIN_SOCKS; i++) {
			free(j->socks[i].segs);
			free(j->socks[i].reads);
		}
		free(j->socks);
	}
	j->socks = NULL;
	j->waiting = 0;
}
