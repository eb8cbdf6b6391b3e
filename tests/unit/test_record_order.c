/* SPDX-License-Identifier: Apache-2.0 */
/* record_order: a quiet poll's records leave in time order, a busy one's as they come. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "decode/record_order.h"

#include "probes/nwtrace_events.h"

struct seen {
	uint64_t ts[2 * NWT_ORDER_RECORDS];
	uint32_t pid[2 * NWT_ORDER_RECORDS];
	size_t n;
	size_t stop_after;	/* deliver returns 1 on this many-th record; 0 never */
};

static int collect(void *ctx, const void *record, size_t size)
{
	struct seen *s = ctx;
	struct nwt_event_header hdr;

	assert_true(size >= sizeof(hdr));
	assert_true((uintptr_t)record % 8 == 0);	/* decoders may read fields in place */
	memcpy(&hdr, record, sizeof(hdr));
	s->ts[s->n] = hdr.ts_ns;
	s->pid[s->n++] = hdr.pid;
	return s->stop_after && s->n == s->stop_after;
}

/* A record of size bytes stamped ts; pid tells records of one time apart. */
static int offer(struct nwt_record_order *o, uint64_t ts, uint32_t pid, size_t size)
{
	_Alignas(8) char buf[512];

	memset(buf, 0, sizeof(buf));
	((struct nwt_event_header *)buf)->ts_ns = ts;
	((struct nwt_event_header *)buf)->pid = pid;
	return nwt_record_order_offer(o, buf, size);
}

static void test_quiet_poll_leaves_in_time_order(void **state)
{
	struct nwt_record_order o;
	struct seen s = { .n = 0 };

	(void)state;
	assert_int_equal(nwt_record_order_init(&o, collect, &s), 0);
	/* CPU 0's batch, then CPU 1's, as the flush commits them */
	offer(&o, 300, 1, 200);
	offer(&o, 500, 2, 200);
	offer(&o, 100, 3, 203);	/* odd sizes keep later records aligned */
	offer(&o, 300, 4, 200);	/* same time as the first: stays after it */
	offer(&o, 400, 5, 200);
	assert_int_equal(s.n, 0);
	assert_int_equal(nwt_record_order_release(&o), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.ts[0], 100);
	assert_int_equal(s.pid[1], 1);
	assert_int_equal(s.pid[2], 4);
	assert_int_equal(s.ts[3], 400);
	assert_int_equal(s.ts[4], 500);
	/* the next poll starts empty */
	assert_int_equal(nwt_record_order_release(&o), 0);
	assert_int_equal(s.n, 5);
	nwt_record_order_free(&o);
}

static void test_busy_poll_passes_through(void **state)
{
	struct nwt_record_order o;
	struct seen s = { .n = 0 };
	size_t i;

	(void)state;
	assert_int_equal(nwt_record_order_init(&o, collect, &s), 0);
	for (i = 0; i < NWT_ORDER_RECORDS; i++)
		offer(&o, 10000 - i, (uint32_t)i, 100);
	assert_int_equal(s.n, 0);
	offer(&o, 1, 9999, 100);	/* one too many: the held go out sorted, then this */
	assert_int_equal(s.n, NWT_ORDER_RECORDS + 1);
	assert_int_equal(s.ts[0], 10000 - (NWT_ORDER_RECORDS - 1));
	assert_int_equal(s.ts[NWT_ORDER_RECORDS - 1], 10000);
	assert_int_equal(s.pid[NWT_ORDER_RECORDS], 9999);
	offer(&o, 2, 10000, 100);	/* the rest of this poll as it comes */
	assert_int_equal(s.n, NWT_ORDER_RECORDS + 2);
	assert_int_equal(nwt_record_order_release(&o), 0);
	/* the next poll, likely busy too, is not held at all... */
	offer(&o, 20, 1, 100);
	assert_int_equal(s.n, NWT_ORDER_RECORDS + 3);
	offer(&o, 10, 2, 100);
	nwt_record_order_release(&o);
	assert_int_equal(s.ts[NWT_ORDER_RECORDS + 2], 20);
	/* ...but it was quiet: the one after it is ordered again */
	offer(&o, 40, 1, 100);
	offer(&o, 30, 2, 100);
	assert_int_equal(s.n, NWT_ORDER_RECORDS + 4);
	nwt_record_order_release(&o);
	assert_int_equal(s.ts[NWT_ORDER_RECORDS + 4], 30);
	assert_int_equal(s.ts[NWT_ORDER_RECORDS + 5], 40);
	nwt_record_order_free(&o);
}

static void test_bytes_bound_the_hold_too(void **state)
{
	struct nwt_record_order o;
	struct seen s = { .n = 0 };
	size_t fit = NWT_ORDER_BYTES / 512, i;

	(void)state;
	assert_int_equal(nwt_record_order_init(&o, collect, &s), 0);
	for (i = 0; i < fit; i++)
		offer(&o, 1000 - i, 0, 512);
	assert_int_equal(s.n, 0);
	offer(&o, 1, 0, 512);
	assert_int_equal(s.n, fit + 1);
	nwt_record_order_release(&o);
	nwt_record_order_free(&o);
}

static void test_stop_is_passed_on(void **state)
{
	struct nwt_record_order o;
	struct seen s = { .n = 0, .stop_after = 2 };

	(void)state;
	assert_int_equal(nwt_record_order_init(&o, collect, &s), 0);
	offer(&o, 3, 0, 100);
	offer(&o, 2, 0, 100);
	offer(&o, 1, 0, 100);
	/* -c N reached after two records: the third is not delivered */
	assert_int_equal(nwt_record_order_release(&o), 1);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ts[1], 2);
	nwt_record_order_free(&o);
}

static int count_short(void *ctx, const void *record, size_t size)
{
	(void)record;
	if (size < sizeof(struct nwt_event_header))
		++*(int *)ctx;
	return 0;
}

static void test_short_record_passes_at_once(void **state)
{
	struct nwt_record_order o;
	char tiny[4] = { 0 };
	int short_ones = 0;

	(void)state;
	assert_int_equal(nwt_record_order_init(&o, count_short, &short_ones), 0);
	offer(&o, 5, 0, 100);
	/* too short to carry a time: handed on at once, to be counted undecodable */
	assert_int_equal(nwt_record_order_offer(&o, tiny, sizeof(tiny)), 0);
	assert_int_equal(short_ones, 1);
	nwt_record_order_release(&o);
	nwt_record_order_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_poll_leaves_in_time_order),
		cmocka_unit_test(test_busy_poll_passes_through),
		cmocka_unit_test(test_bytes_bound_the_hold_too),
		cmocka_unit_test(test_stop_is_passed_on),
		cmocka_unit_test(test_short_record_passes_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
