/* SPDX-License-Identifier: Apache-2.0 */
/* -u -s: ranking flows by bytes, the rest line, and the udp_flows JSON read back with jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "output/udp_flows.h"

static struct nwt_udp_flow_row flow(int lport, uint64_t tx_bytes, uint64_t rx_bytes, uint64_t drops)
{
	struct nwt_udp_flow_row r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", r.laddr);
	inet_pton(AF_INET, "10.0.0.2", r.raddr);
	r.lport = (uint16_t)lport;
	r.rport = 53;
	r.tx_bytes = tx_bytes;
	r.tx_datagrams = tx_bytes / 100;
	r.rx_bytes = rx_bytes;
	r.rx_datagrams = rx_bytes / 100;
	r.drops = drops;
	return r;
}

static void top_flows_by_bytes_and_the_rest(void **state)
{
	struct nwt_udp_flow_row rows[] = { flow(1, 100, 0, 0), flow(2, 0, 5000, 1), flow(3, 300, 300, 0),
					   flow(4, 200, 0, 2) };
	struct nwt_udp_flows_rest rest = { 0 };
	size_t kept;

	(void)state;
	kept = nwt_udp_flows_rank(rows, 4, 2, &rest);
	assert_int_equal(kept, 2);
	assert_int_equal(rows[0].lport, 2);	/* 5000 bytes */
	assert_int_equal(rows[1].lport, 3);	/* 600 */
	assert_int_equal(rest.flows, 2);
	assert_int_equal(rest.tx_bytes, 300);
	assert_int_equal(rest.tx_datagrams, 3);
	assert_int_equal(rest.drops, 2);
	memset(&rest, 0, sizeof(rest));
	assert_int_equal(nwt_udp_flows_rank(rows, 4, 10, &rest), 4);
	assert_int_equal(rest.flows, 0);
}

static void json_and_table(void **state)
{
	struct nwt_udp_flow_row rows[] = { flow(40000, 1000, 2000, 3) };
	struct nwt_udp_flows_report r = { .rows = rows, .n_rows = 1, .window_s = 2.0, .wall_ns = 1 };
	char buf[4096] = "";
	FILE *out = fmemopen(buf, sizeof(buf) - 1, "w");
	json_t *root, *f;
	json_error_t jerr;

	(void)state;
	r.rest.flows = 4;
	r.rest.rx_bytes = 77;
	r.rest.unkept_datagrams = 5;
	nwt_udp_flows_print(out, &r, true);
	fclose(out);
	root = json_loads(buf, 0, &jerr);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "type")), "udp_flows");
	f = json_array_get(json_object_get(root, "flows"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "saddr")), "10.0.0.1");
	assert_int_equal(json_integer_value(json_object_get(f, "sport")), 40000);
	assert_int_equal(json_integer_value(json_object_get(f, "dport")), 53);
	assert_int_equal(json_integer_value(json_object_get(f, "tx_datagrams")), 10);
	assert_int_equal(json_integer_value(json_object_get(f, "rx_bytes")), 2000);
	assert_int_equal(json_integer_value(json_object_get(f, "drops")), 3);
	assert_true(json_real_value(json_object_get(f, "rx_bytes_per_s")) == 1000.0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "other_flows"), "flows")), 4);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "other_flows"),
							    "unkept_datagrams")), 5);
	json_decref(root);

	memset(buf, 0, sizeof(buf));
	out = fmemopen(buf, sizeof(buf) - 1, "w");
	nwt_udp_flows_print(out, &r, false);
	fclose(out);
	assert_non_null(strstr(buf, "LOCAL"));
	assert_non_null(strstr(buf, "10.0.0.1:40000"));
	assert_non_null(strstr(buf, "10.0.0.2:53"));
	assert_non_null(strstr(buf, "other flows: 4,"));
	assert_non_null(strstr(buf, " 1000\n"));	/* rx bytes per second, the last column */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(top_flows_by_bytes_and_the_rest),
		cmocka_unit_test(json_and_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
