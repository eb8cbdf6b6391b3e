/* SPDX-License-Identifier: Apache-2.0 */
/* rx_read_join: received segments joined to the application's reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "decode/rx_read_join.h"

#define SOCK_A 0xffff888104470a00ULL
#define SOCK_B 0xffff888104471b00ULL
#define SOCK_C 0xffff888104472c00ULL
#define FULL_SIZE sizeof(struct nwt_packet_event)
#define SHORT_SIZE (sizeof(struct nwt_packet_event) - NWT_HTTP_LEN)
#define TCP_IDX (NWT_PT_RX_TCP - NWT_PT_RX_DEV)
#define READ_IDX (NWT_PT_RX_SOCK - NWT_PT_RX_DEV)

/* What the deliver callback saw, in order. */
struct delivered {
	struct nwt_packet_event *ev;
	size_t *size;
	size_t n, cap;
};

static int collect(void *ctx, const void *record, size_t size)
{
	struct delivered *d = ctx;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->ev = realloc(d->ev, d->cap * sizeof(*d->ev));
		d->size = realloc(d->size, d->cap * sizeof(*d->size));
		assert_non_null(d->ev);
		assert_non_null(d->size);
	}
	memset(&d->ev[d->n], 0, sizeof(d->ev[0]));
	memcpy(&d->ev[d->n], record, size);
	d->size[d->n++] = size;
	return 1;	/* ignored by the join */
}

static void delivered_free(struct delivered *d)
{
	free(d->ev);
	free(d->size);
}

static struct nwt_packet_event segment(uint64_t sock, uint32_t seq, uint32_t len, uint64_t ts_tcp)
{
	struct nwt_packet_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = NWT_EVENT_PACKET;
	e.hdr.ts_ns = ts_tcp;
	e.sock_id = sock;
	e.seq = seq;
	e.payload_len = len;
	e.direction = NWT_DIR_RX;
	e.flags = NWT_PKT_F_AWAITS_READ | NWT_PKT_F_HAS_ACK;
	e.point_ns[0] = ts_tcp - 300;
	e.point_ns[1] = ts_tcp - 200;
	e.point_ns[TCP_IDX] = ts_tcp;
	memcpy(e.ifname, "veth1", 6);
	return e;
}

static struct nwt_packet_event app_read(uint64_t sock, uint32_t seq, uint32_t len, uint64_t ts,
					uint32_t pid, const char *comm)
{
	struct nwt_packet_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = NWT_EVENT_PKT_READ;
	e.hdr.ts_ns = ts;
	e.hdr.pid = pid;
	strncpy(e.hdr.comm, comm, sizeof(e.hdr.comm) - 1);
	e.sock_id = sock;
	e.seq = seq;
	e.payload_len = len;
	return e;
}

static bool offer(struct nwt_rx_join *j, struct nwt_packet_event e)
{
	return nwt_rx_join_offer(j, &e, FULL_SIZE);
}

static void assert_joined(const struct nwt_packet_event *e, uint32_t seq, uint64_t read_ts,
			  uint32_t pid, const char *comm)
{
	assert_int_equal(e->seq, seq);
	assert_int_equal(e->point_ns[READ_IDX], read_ts);
	assert_int_equal(e->hdr.pid, pid);
	assert_string_equal(e->hdr.comm, comm);
	assert_true(e->flags & NWT_PKT_F_OWNER_KNOWN);
	assert_false(e->flags & NWT_PKT_F_AWAITS_READ);
	assert_true(e->flags & NWT_PKT_F_HAS_ACK);
}

static void assert_unread(const struct nwt_packet_event *e, uint32_t seq)
{
	assert_int_equal(e->seq, seq);
	assert_int_equal(e->point_ns[READ_IDX], 0);
	assert_int_equal(e->hdr.pid, 0);
	assert_false(e->flags & NWT_PKT_F_OWNER_KNOWN);
	assert_false(e->flags & NWT_PKT_F_AWAITS_READ);
	assert_true(e->flags & NWT_PKT_F_HAS_ACK);
}

static void segment_then_covering_read_joins(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;
	struct nwt_packet_event s = segment(SOCK_A, 1000, 100, 5000);

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	memcpy(s.http, "GET / HTTP/1.1", 14);
	s.http_len = 14;
	assert_true(offer(&j, s));
	assert_int_equal(d.n, 0);
	assert_int_equal(j.waiting, 1);

	assert_true(offer(&j, app_read(SOCK_A, 1000, 500, 9000, 42, "curl")));
	assert_int_equal(d.n, 1);
	assert_int_equal(j.waiting, 0);
	assert_joined(&d.ev[0], 1000, 9000, 42, "curl");
	assert_int_equal(d.ev[0].hdr.ts_ns, 9000);
	assert_int_equal(d.size[0], FULL_SIZE);
	/* the rest of the record is untouched */
	assert_int_equal(d.ev[0].point_ns[TCP_IDX], 5000);
	assert_int_equal(d.ev[0].point_ns[0], 4700);
	assert_int_equal(d.ev[0].payload_len, 100);
	assert_int_equal(d.ev[0].direction, NWT_DIR_RX);
	assert_string_equal(d.ev[0].ifname, "veth1");
	assert_memory_equal(d.ev[0].http, "GET / HTTP/1.1", 14);

	/* a later read of the same bytes finds nothing waiting */
	assert_true(offer(&j, app_read(SOCK_A, 1000, 500, 9500, 42, "curl")));
	assert_int_equal(d.n, 1);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void read_then_late_segment_joins_at_once(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;
	struct nwt_packet_event s = segment(SOCK_A, 1000, 100, 5000);

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	/* batches from two CPUs: the later read arrives first */
	assert_true(offer(&j, app_read(SOCK_A, 900, 300, 9000, 7, "late")));
	assert_true(offer(&j, app_read(SOCK_A, 1000, 50, 8000, 8, "early")));
	assert_true(offer(&j, app_read(SOCK_B, 1000, 50, 6000, 9, "other")));
	assert_int_equal(d.n, 0);

	s.hdr.ts_ns = 10000;	/* a header later than the read keeps its time */
	assert_true(offer(&j, s));
	assert_int_equal(d.n, 1);
	assert_int_equal(j.waiting, 0);
	assert_joined(&d.ev[0], 1000, 8000, 8, "early");
	assert_int_equal(d.ev[0].hdr.ts_ns, 10000);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void one_read_completes_two_segments_in_order(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	assert_true(offer(&j, segment(SOCK_A, 1000, 100, 5000)));
	assert_true(offer(&j, segment(SOCK_B, 1100, 100, 5050)));
	assert_true(offer(&j, segment(SOCK_A, 1100, 100, 5100)));
	assert_true(offer(&j, segment(SOCK_A, 1200, 100, 5200)));
	assert_true(offer(&j, app_read(SOCK_A, 1000, 200, 9000, 42, "srv")));
	assert_int_equal(d.n, 2);
	assert_joined(&d.ev[0], 1000, 9000, 42, "srv");
	assert_joined(&d.ev[1], 1100, 9000, 42, "srv");
	assert_int_equal(d.ev[1].hdr.ts_ns, 9000);
	/* 1200 is past the read; SOCK_B's 1100 is another socket */
	assert_int_equal(j.waiting, 2);
	nwt_rx_join_drain(&j);
	assert_int_equal(d.n, 4);
	/* drained in slot order: either socket may come first */
	assert_unread(&d.ev[2], d.ev[2].sock_id == SOCK_B ? 1100 : 1200);
	assert_unread(&d.ev[3], d.ev[3].sock_id == SOCK_B ? 1100 : 1200);
	assert_int_not_equal(d.ev[2].sock_id, d.ev[3].sock_id);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void read_inside_segment_leaves_next_waiting(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	assert_true(offer(&j, segment(SOCK_A, 1000, 100, 5000)));
	assert_true(offer(&j, segment(SOCK_A, 1100, 100, 5100)));
	/* the application reads the first segment in two halves */
	assert_true(offer(&j, app_read(SOCK_A, 1000, 50, 6000, 42, "srv")));
	assert_int_equal(d.n, 1);
	assert_joined(&d.ev[0], 1000, 6000, 42, "srv");
	assert_true(offer(&j, app_read(SOCK_A, 1050, 50, 7000, 42, "srv")));
	assert_int_equal(d.n, 1);
	assert_int_equal(j.waiting, 1);
	/* a read starting inside the first segment that reaches the next one */
	assert_true(offer(&j, app_read(SOCK_A, 1060, 41, 8000, 42, "srv")));
	assert_int_equal(d.n, 2);
	assert_joined(&d.ev[1], 1100, 8000, 42, "srv");
	assert_int_equal(j.waiting, 0);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void read_before_tcp_time_does_not_join(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	/* waiting segment, read of the same bytes stamped before TCP had them */
	assert_true(offer(&j, segment(SOCK_A, 1000, 100, 5000)));
	assert_true(offer(&j, app_read(SOCK_A, 1000, 100, 4999, 1, "old")));
	assert_int_equal(d.n, 0);
	/* remembered early read, segment arriving later */
	assert_true(offer(&j, app_read(SOCK_B, 1000, 100, 4000, 1, "old")));
	assert_true(offer(&j, segment(SOCK_B, 1000, 100, 5000)));
	assert_int_equal(d.n, 0);
	assert_int_equal(j.waiting, 2);
	/* a read at exactly the TCP time joins */
	assert_true(offer(&j, app_read(SOCK_A, 1000, 100, 5000, 2, "new")));
	assert_int_equal(d.n, 1);
	assert_joined(&d.ev[0], 1000, 5000, 2, "new");
	assert_int_equal(d.ev[0].sock_id, SOCK_A);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void sequence_wraps(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	assert_true(offer(&j, segment(SOCK_A, 0xffffff80u, 0x80, 5000)));
	assert_true(offer(&j, segment(SOCK_A, 0x10, 0x100, 5100)));
	assert_true(offer(&j, segment(SOCK_A, 0x200, 0x100, 5200)));
	/* a read ending just past the wrap covers the first two only */
	assert_true(offer(&j, app_read(SOCK_A, 0xffffff00u, 0x200, 9000, 3, "wrap")));
	assert_int_equal(d.n, 2);
	assert_joined(&d.ev[0], 0xffffff80u, 9000, 3, "wrap");
	assert_joined(&d.ev[1], 0x10, 9000, 3, "wrap");
	assert_int_equal(j.waiting, 1);
	/* a segment just below a read's first byte is not covered */
	assert_true(offer(&j, app_read(SOCK_B, 0x10, 0x100, 9000, 3, "wrap")));
	assert_true(offer(&j, segment(SOCK_B, 0xfffffff0u, 0x20, 5000)));
	assert_int_equal(d.n, 2);
	assert_int_equal(j.waiting, 2);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void other_records_are_refused(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;
	struct nwt_packet_event tx = segment(SOCK_A, 1000, 100, 5000);
	struct nwt_packet_event plain = segment(SOCK_A, 1000, 100, 5000);
	struct nwt_packet_event hop = segment(SOCK_A, 1000, 100, 5000);
	struct nwt_packet_event seg = segment(SOCK_A, 1000, 100, 5000);
	struct nwt_packet_event rd = app_read(SOCK_A, 1000, 100, 9000, 1, "x");

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	tx.direction = NWT_DIR_TX;
	plain.flags &= ~NWT_PKT_F_AWAITS_READ;
	hop.hdr.type = NWT_EVENT_HOP;
	assert_false(nwt_rx_join_offer(&j, &tx, FULL_SIZE));
	assert_false(nwt_rx_join_offer(&j, &plain, SHORT_SIZE));
	assert_false(nwt_rx_join_offer(&j, &hop, FULL_SIZE));
	assert_false(nwt_rx_join_offer(&j, &seg, SHORT_SIZE - 1));
	assert_false(nwt_rx_join_offer(&j, &rd, SHORT_SIZE - 1));
	assert_false(nwt_rx_join_offer(&j, &seg, 0));
	assert_int_equal(j.waiting, 0);
	assert_int_equal(d.n, 0);
	/* none of them was kept: a covering read finds nothing */
	assert_true(offer(&j, rd));
	nwt_rx_join_drain(&j);
	assert_int_equal(d.n, 0);

	/* an empty read is taken but joins nothing */
	assert_true(offer(&j, segment(SOCK_B, 1000, 100, 5000)));
	assert_true(offer(&j, app_read(SOCK_B, 1000, 0, 9000, 1, "x")));
	assert_int_equal(d.n, 0);
	assert_int_equal(j.waiting, 1);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void expire_delivers_only_old_segments(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;
	const uint64_t t0 = 10000;

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	assert_true(offer(&j, segment(SOCK_A, 1000, 100, t0)));
	assert_true(offer(&j, segment(SOCK_B, 5000, 100, t0 + 10)));
	assert_true(offer(&j, segment(SOCK_A, 1100, 100, t0 + 20)));
	assert_true(offer(&j, segment(SOCK_A, 1200, 100, t0 + NWT_RX_JOIN_WAIT_NS)));

	nwt_rx_join_expire(&j, t0 + NWT_RX_JOIN_WAIT_NS);	/* not yet older than the wait */
	assert_int_equal(d.n, 0);
	nwt_rx_join_expire(&j, t0 + 21 + NWT_RX_JOIN_WAIT_NS);
	assert_int_equal(d.n, 3);
	assert_int_equal(j.waiting, 1);
	/* sockets in slot order, each socket's segments in arrival order */
	for (size_t i = 0; i < d.n; i++) {
		assert_unread(&d.ev[i], d.ev[i].seq);
		assert_int_equal(d.ev[i].hdr.ts_ns, d.ev[i].point_ns[TCP_IDX]);
	}
	if (d.ev[0].sock_id == SOCK_B) {
		assert_int_equal(d.ev[0].seq, 5000);
		assert_int_equal(d.ev[1].seq, 1000);
		assert_int_equal(d.ev[2].seq, 1100);
	} else {
		assert_int_equal(d.ev[0].seq, 1000);
		assert_int_equal(d.ev[1].seq, 1100);
		assert_int_equal(d.ev[2].seq, 5000);
	}
	/* the young one still joins */
	assert_true(offer(&j, app_read(SOCK_A, 1000, 300, t0 + 2 * NWT_RX_JOIN_WAIT_NS, 5, "app")));
	assert_int_equal(d.n, 4);
	assert_joined(&d.ev[3], 1200, t0 + 2 * NWT_RX_JOIN_WAIT_NS, 5, "app");
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void drain_delivers_all_and_stays_usable(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	nwt_rx_join_drain(&j);	/* nothing allocated yet */
	assert_int_equal(d.n, 0);
	assert_true(offer(&j, segment(SOCK_A, 1000, 100, 5000)));
	assert_true(offer(&j, segment(SOCK_A, 1100, 100, 5100)));
	assert_true(offer(&j, segment(SOCK_B, 7000, 100, 5200)));
	nwt_rx_join_drain(&j);
	assert_int_equal(d.n, 3);
	assert_int_equal(j.waiting, 0);
	for (size_t i = 0; i < d.n; i++)
		assert_unread(&d.ev[i], d.ev[i].seq);
	nwt_rx_join_drain(&j);
	assert_int_equal(d.n, 3);

	assert_true(offer(&j, segment(SOCK_A, 1200, 100, 6000)));
	assert_true(offer(&j, app_read(SOCK_A, 1200, 100, 7000, 9, "app")));
	assert_int_equal(d.n, 4);
	assert_joined(&d.ev[3], 1200, 7000, 9, "app");
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void full_join_pushes_out_own_oldest(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	/* C's read comes first */
	assert_true(offer(&j, app_read(SOCK_C, 500, 100, 6000, 4, "c")));
	for (uint32_t i = 0; i < NWT_RX_JOIN_MAX_WAITING; i++)
		assert_true(offer(&j, segment(SOCK_A, i * 10, 10, 1000 + i)));
	assert_int_equal(j.waiting, NWT_RX_JOIN_MAX_WAITING);
	assert_int_equal(d.n, 0);

	/* A is full: its oldest leaves to make room */
	assert_true(offer(&j, segment(SOCK_A, NWT_RX_JOIN_MAX_WAITING * 10, 10, 999999)));
	assert_int_equal(d.n, 1);
	assert_unread(&d.ev[0], 0);
	assert_int_equal(j.waiting, NWT_RX_JOIN_MAX_WAITING);

	/* B has nothing waiting: its segment leaves at once */
	assert_true(offer(&j, segment(SOCK_B, 7000, 10, 999999)));
	assert_int_equal(d.n, 2);
	assert_unread(&d.ev[1], 7000);
	assert_int_equal(d.ev[1].sock_id, SOCK_B);
	assert_int_equal(j.waiting, NWT_RX_JOIN_MAX_WAITING);

	/* a remembered read still joins when full */
	assert_true(offer(&j, segment(SOCK_C, 500, 10, 5000)));
	assert_int_equal(d.n, 3);
	assert_joined(&d.ev[2], 500, 6000, 4, "c");

	/* the new A segment waited; the second oldest is next out */
	assert_true(offer(&j, app_read(SOCK_A, NWT_RX_JOIN_MAX_WAITING * 10, 10, 2000000, 1, "a")));
	assert_int_equal(d.n, 4);
	assert_joined(&d.ev[3], NWT_RX_JOIN_MAX_WAITING * 10, 2000000, 1, "a");
	nwt_rx_join_drain(&j);
	assert_int_equal(d.n, 4 + NWT_RX_JOIN_MAX_WAITING - 1);
	assert_unread(&d.ev[4], 10);
	assert_unread(&d.ev[d.n - 1], (NWT_RX_JOIN_MAX_WAITING - 1) * 10);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

/* More sockets than slots: some window overflows, and its idlest socket is given up. */
static void sockets_beyond_slots_are_evicted(void **state)
{
	const size_t n = NWT_RX_JOIN_SOCKS + 1;
	struct delivered d = { 0 };
	struct nwt_rx_join j;
	unsigned char *seen = calloc(n, 1);
	size_t before_drain;

	(void)state;
	assert_non_null(seen);
	nwt_rx_join_init(&j, collect, &d);
	for (size_t i = 0; i < n; i++) {
		struct nwt_packet_event s = segment(SOCK_A + i * 0x800, (uint32_t)i, 10, 1000 + i);

		assert_true(offer(&j, s));
	}
	before_drain = d.n;
	assert_true(before_drain >= 1);
	assert_int_equal(j.waiting + before_drain, n);
	for (size_t i = 0; i < before_drain; i++) {
		assert_unread(&d.ev[i], d.ev[i].seq);
		/* the newest socket always finds a slot */
		assert_true(d.ev[i].seq < n - 1);
	}
	nwt_rx_join_drain(&j);
	assert_int_equal(d.n, n);
	for (size_t i = 0; i < d.n; i++) {
		uint32_t seq = d.ev[i].seq;

		assert_true(seq < n);
		assert_int_equal(d.ev[i].sock_id, SOCK_A + seq * 0x800);
		assert_int_equal(seen[seq], 0);
		seen[seq] = 1;
	}
	free(seen);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

/* An evicted socket's reads are forgotten: a later segment of it waits. */
static void evicted_socket_forgets_reads(void **state)
{
	const size_t n = NWT_RX_JOIN_SOCKS + 1;
	struct delivered d = { 0 };
	struct nwt_rx_join j;
	size_t joined = 0, unread = 0;

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	/* one more socket than slots: some window overflows and gives up its idlest... */
	for (size_t i = 0; i < n; i++) {
		uint32_t pid = (uint32_t)i;

		assert_true(offer(&j, app_read(SOCK_A + i * 0x800, 0, 100, 1000 + i, pid, "r")));
	}
	assert_int_equal(d.n, 0);
	/* ...so at least one socket no longer knows its read: its segment waits */
	for (size_t i = 0; i < n; i++)
		assert_true(offer(&j, segment(SOCK_A + i * 0x800, 0, 10, 500)));
	nwt_rx_join_drain(&j);
	assert_int_equal(d.n, n);
	for (size_t i = 0; i < d.n; i++) {
		if (d.ev[i].flags & NWT_PKT_F_OWNER_KNOWN) {
			/* never a read the slot's previous socket made */
			assert_int_equal(SOCK_A + d.ev[i].hdr.pid * 0x800ULL, d.ev[i].sock_id);
			joined++;
		} else {
			unread++;
		}
	}
	assert_true(unread >= 1);
	assert_true(joined >= 1);
	assert_int_equal(joined + unread, n);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void remembers_the_last_reads(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	assert_true(offer(&j, app_read(SOCK_A, 0, 100, 9000, 1, "first")));
	/* empty reads take no place in the ring */
	for (uint32_t i = 0; i < NWT_RX_JOIN_READS; i++)
		assert_true(offer(&j, app_read(SOCK_A, 1000 + i, 0, 9001 + i, 2, "empty")));
	assert_true(offer(&j, segment(SOCK_A, 10, 10, 5000)));
	assert_int_equal(d.n, 1);
	assert_joined(&d.ev[0], 10, 9000, 1, "first");
	/* NWT_RX_JOIN_READS later reads push the first out */
	for (uint32_t i = 0; i < NWT_RX_JOIN_READS; i++)
		assert_true(offer(&j, app_read(SOCK_A, 1000 + i * 100, 100, 9100 + i, 3, "later")));
	assert_true(offer(&j, segment(SOCK_A, 20, 10, 5000)));
	assert_int_equal(d.n, 1);
	assert_int_equal(j.waiting, 1);
	/* the oldest of those is still remembered */
	assert_true(offer(&j, segment(SOCK_A, 1000, 100, 5000)));
	assert_int_equal(d.n, 2);
	assert_joined(&d.ev[1], 1000, 9100, 3, "later");
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void short_records_keep_their_size(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;
	struct nwt_packet_event s = segment(SOCK_A, 1000, 100, 5000);
	struct nwt_packet_event rd = app_read(SOCK_A, 1000, 100, 9000, 6, "short");

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	assert_true(nwt_rx_join_offer(&j, &s, SHORT_SIZE));
	assert_true(nwt_rx_join_offer(&j, &rd, SHORT_SIZE));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.size[0], SHORT_SIZE);
	assert_joined(&d.ev[0], 1000, 9000, 6, "short");

	/* joined at once */
	s.seq = 1050;
	assert_true(nwt_rx_join_offer(&j, &s, SHORT_SIZE));
	assert_int_equal(d.n, 2);
	assert_int_equal(d.size[1], SHORT_SIZE);

	/* left waiting until drained, next to a full-size one */
	s.seq = 2000;
	assert_true(nwt_rx_join_offer(&j, &s, SHORT_SIZE));
	s.seq = 2100;
	assert_true(nwt_rx_join_offer(&j, &s, FULL_SIZE));
	nwt_rx_join_drain(&j);
	assert_int_equal(d.n, 4);
	assert_int_equal(d.ev[2].seq, 2000);
	assert_int_equal(d.size[2], SHORT_SIZE);
	assert_int_equal(d.ev[3].seq, 2100);
	assert_int_equal(d.size[3], FULL_SIZE);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

/* --pid: a datagram queued before its socket's owner was known is kept only for the --pid reader. */
static void owner_pending_kept_only_for_the_wanted_reader(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;
	struct nwt_packet_event mine = segment(SOCK_A, 1, 1, 5000);
	struct nwt_packet_event other = segment(SOCK_B, 1, 1, 5000);
	struct nwt_packet_event unread = segment(SOCK_C, 1, 1, 5000);

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	nwt_rx_join_want_owner(&j, 42);
	mine.flags |= NWT_PKT_F_OWNER_PENDING;
	other.flags |= NWT_PKT_F_OWNER_PENDING;
	unread.flags |= NWT_PKT_F_OWNER_PENDING;
	assert_true(offer(&j, mine));
	assert_true(offer(&j, other));
	assert_true(offer(&j, unread));
	assert_true(offer(&j, app_read(SOCK_A, 1, 1, 9000, 42, "dnsd")));
	assert_true(offer(&j, app_read(SOCK_B, 1, 1, 9000, 43, "other")));
	assert_int_equal(d.n, 1);
	assert_joined(&d.ev[0], 1, 9000, 42, "dnsd");
	assert_false(d.ev[0].flags & NWT_PKT_F_OWNER_PENDING);
	assert_int_equal(j.owner_filtered, 1);
	/* a read that comes first works the same */
	assert_true(offer(&j, app_read(SOCK_B, 2, 1, 9500, 43, "other")));
	other.seq = 2;
	assert_true(offer(&j, other));
	assert_int_equal(d.n, 1);
	assert_int_equal(j.owner_filtered, 2);
	/* never read: whose it was is never known */
	nwt_rx_join_drain(&j);
	assert_int_equal(d.n, 1);
	assert_int_equal(j.owner_filtered, 3);
	assert_int_equal(j.waiting, 0);
	/* a segment whose owner was known is not second-guessed */
	assert_true(offer(&j, segment(SOCK_C, 5, 1, 6000)));
	assert_true(offer(&j, app_read(SOCK_C, 5, 1, 9900, 43, "other")));
	assert_int_equal(d.n, 2);
	nwt_rx_join_free(&j);
	delivered_free(&d);
}

static void free_is_safe_twice(void **state)
{
	struct delivered d = { 0 };
	struct nwt_rx_join j;

	(void)state;
	nwt_rx_join_init(&j, collect, &d);
	nwt_rx_join_free(&j);
	nwt_rx_join_free(&j);
	assert_true(offer(&j, segment(SOCK_A, 1000, 100, 5000)));
	assert_non_null(j.socks);
	nwt_rx_join_free(&j);	/* without delivering */
	assert_null(j.socks);
	assert_int_equal(j.waiting, 0);
	assert_int_equal(d.n, 0);
	nwt_rx_join_free(&j);
	nwt_rx_join_drain(&j);
	nwt_rx_join_expire(&j, UINT64_MAX);
	assert_int_equal(d.n, 0);
	delivered_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(segment_then_covering_read_joins),
		cmocka_unit_test(read_then_late_segment_joins_at_once),
		cmocka_unit_test(one_read_completes_two_segments_in_order),
		cmocka_unit_test(read_inside_segment_leaves_next_waiting),
		cmocka_unit_test(read_before_tcp_time_does_not_join),
		cmocka_unit_test(sequence_wraps),
		cmocka_unit_test(other_records_are_refused),
		cmocka_unit_test(expire_delivers_only_old_segments),
		cmocka_unit_test(drain_delivers_all_and_stays_usable),
		cmocka_unit_test(full_join_pushes_out_own_oldest),
		cmocka_unit_test(sockets_beyond_slots_are_evicted),
		cmocka_unit_test(evicted_socket_forgets_reads),
		cmocka_unit_test(remembers_the_last_reads),
		cmocka_unit_test(short_records_keep_their_size),
		cmocka_unit_test(owner_pending_kept_only_for_the_wanted_reader),
		cmocka_unit_test(free_is_safe_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
