/* SPDX-License-Identifier: Apache-2.0 */
/* stats: -s counts and histograms, and which points they can speak for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/stats.h"

/* The tracepoint chain here: no IP-layer transmit point, no hops-only TCP entry. */
#define TRACEPOINT_CHAIN_POINTS                                                              \
	((1u << NWT_PT_TX_TCP) | (1u << NWT_PT_TX_QUEUE) | (1u << NWT_PT_TX_XMIT) |          \
	 (1u << NWT_PT_RX_DEV) | (1u << NWT_PT_RX_IP) | (1u << NWT_PT_RX_TCP) |              \
	 (1u << NWT_PT_RX_SOCK))

/* A received segment seen at device, IP and TCP, with its layer times. */
static struct nwt_record rx_segment(uint64_t mac_ns, uint64_t ip_ns)
{
	struct nwt_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.kind = NWT_REC_PACKET;
	rec.packet.rx = true;
	rec.packet.point_seen[0] = rec.packet.point_seen[1] = rec.packet.point_seen[2] = true;
	rec.packet.n_spans = 2;
	rec.packet.span_first[0] = rec.packet.span_last[0] = 0;
	rec.packet.span_ns[0] = mac_ns;
	rec.packet.span_first[1] = rec.packet.span_last[1] = 1;
	rec.packet.span_ns[1] = ip_ns;
	return rec;
}

static char *print(struct nwt_stats *s, bool json, bool final)
{
	struct nwt_counts counts = { .generated = 3, .delivered = 3 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	nwt_stats_print(out, s, json, final, 1.0, 1700000000ULL * 1000000000ULL, &counts);
	fclose(out);
	return text;
}

static void test_table_marks_points_the_chain_cannot_see(void **state)
{
	struct nwt_stats s = { .points_planned = TRACEPOINT_CHAIN_POINTS };
	struct nwt_record rec = rx_segment(1000, 3000);
	char *text;

	(void)state;
	nwt_stats_add(&s, &rec);
	text = print(&s, false, false);
	assert_non_null(strstr(text, "packets   tx 0  rx 1  (records 1)\n"));
	/* counted zero where the chain looks; "-" where it cannot */
	assert_non_null(strstr(text, " tx_tcp 0 tx_ip - tx_queue 0 tx_xmit 0 rx_dev 1 rx_ip 1"
				     " rx_tcp 1 rx_sock 0 rx_tcp_entry -\n"));
	assert_non_null(strstr(text, "rx_mac_us"));
	assert_non_null(strstr(text, "generated 3 = delivered 3 + suppressed 0 + lost 0"));
	free(text);
}

static void test_json_leaves_out_points_the_chain_cannot_see(void **state)
{
	struct nwt_stats s = { .points_planned = TRACEPOINT_CHAIN_POINTS };
	struct nwt_record rec = rx_segment(1000, 3000);
	json_t *obj, *points, *mac;
	char *text;

	(void)state;
	nwt_stats_add(&s, &rec);
	rec = rx_segment(1500, 200000);
	nwt_stats_add(&s, &rec);
	text = print(&s, true, false);
	obj = json_loads(text, 0, NULL);
	assert_non_null(obj);
	assert_string_equal(json_string_value(json_object_get(obj, "type")), "stats");
	points = json_object_get(obj, "points");
	assert_int_equal(json_integer_value(json_object_get(points, "rx_ip")), 2);
	assert_non_null(json_object_get(points, "tx_queue"));	/* planned: a real 0 */
	assert_int_equal(json_integer_value(json_object_get(points, "tx_queue")), 0);
	assert_null(json_object_get(points, "tx_ip"));
	assert_null(json_object_get(points, "rx_tcp_entry"));
	mac = json_object_get(json_object_get(obj, "layers"), "rx_mac_us");
	assert_int_equal(json_integer_value(json_object_get(mac, "count")), 2);
	/* 1000 and 1500 ns fall in [512, 1024) and [1024, 2048) ns: the median's bucket ends at 1.024 us */
	assert_true(json_real_value(json_object_get(mac, "p50_us")) == 1.024);
	assert_true(json_real_value(json_object_get(mac, "p99_us")) == 2.048);
	assert_null(json_object_get(json_object_get(obj, "layers"), "rx_tcp_us"));
	json_decref(obj);
	free(text);
}

static void test_interval_restarts_total_keeps_counting(void **state)
{
	struct nwt_stats s = { .points_planned = TRACEPOINT_CHAIN_POINTS };
	struct nwt_record rec = rx_segment(1000, 3000);
	json_t *obj;
	char *text;

	(void)state;
	nwt_stats_add(&s, &rec);
	free(print(&s, true, false));
	nwt_stats_add(&s, &rec);
	text = print(&s, true, false);
	obj = json_loads(text, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(obj, "packets_rx")), 1);
	json_decref(obj);
	free(text);
	text = print(&s, true, true);
	obj = json_loads(text, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(obj, "type")), "stats_summary");
	assert_int_equal(json_integer_value(json_object_get(obj, "packets_rx")), 2);
	json_decref(obj);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_marks_points_the_chain_cannot_see),
		cmocka_unit_test(test_json_leaves_out_points_the_chain_cannot_see),
		cmocka_unit_test(test_interval_restarts_total_keeps_counting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
