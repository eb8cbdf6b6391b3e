/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "decode/event_decode.h"
#include "output/output.h"
#include "util/tcp_state.h"

/* A raw ring-buffer record as the probe writes it: the decoder is tested too. */
static struct nwt_record decoded_close(int family, const char *saddr, const char *daddr)
{
	struct nwt_tcp_state_event e;
	struct nwt_record rec;

	memset(&e, 0, sizeof(e));
	e.hdr.ts_ns = 1000000000ULL;	/* 1 s after boot */
	e.hdr.type = NWT_EVENT_TCP_STATE;
	e.hdr.pid = 4242;
	memcpy(e.hdr.comm, "curl-with-a-long-name", NWT_COMM_LEN);	/* not NUL-terminated */
	e.sock_id = 0xffff888104473780ULL;
	e.flow.family = family;
	inet_pton(family, saddr, e.flow.saddr);
	inet_pton(family, daddr, e.flow.daddr);
	e.flow.sport = 65535;
	e.flow.dport = 443;
	e.old_state = NWT_TCP_LAST_ACK;
	e.new_state = NWT_TCP_CLOSE;
	e.role = NWT_ROLE_CLIENT;
	e.flags = NWT_STATE_F_OWNER_KNOWN | NWT_STATE_F_LIFETIME | NWT_STATE_F_STATE_TIME;
	e.lifetime_ns = 1234567000ULL;
	e.state_ns = 2000;
	/* wall clock = 2026-11-21T00:00:01Z */
	assert_int_equal(nwt_decode_event(&e, sizeof(e), 1795219200LL * 1000000000LL, &rec), 0);
	return rec;
}

static char *render(void (*fn)(FILE *, const struct nwt_record *), const struct nwt_record *rec)
{
	FILE *out = tmpfile();
	char *text = calloc(1, 4096);

	assert_non_null(out);
	fn(out, rec);
	rewind(out);
	assert_true(fread(text, 1, 4095, out) > 0);
	fclose(out);
	return text;
}

static void header_print(FILE *out, const struct nwt_record *rec)
{
	(void)rec;
	nwt_table_print_header(out);
}

static void json_print(FILE *out, const struct nwt_record *rec)
{
	assert_int_equal(nwt_json_print_record(out, rec), 0);
}

static void decoder_rejects_short_and_unknown_records(void **state)
{
	struct nwt_tcp_state_event e = { .hdr.type = NWT_EVENT_TCP_STATE };
	struct nwt_record rec;

	(void)state;
	assert_int_not_equal(nwt_decode_event(&e, sizeof(e.hdr) - 1, 0, &rec), 0);
	assert_int_not_equal(nwt_decode_event(&e, sizeof(e) - 1, 0, &rec), 0);
	e.hdr.type = 999;
	assert_int_not_equal(nwt_decode_event(&e, sizeof(e), 0, &rec), 0);
}

static void json_has_stable_typed_fields(void **state)
{
	struct nwt_record rec = decoded_close(AF_INET6, "2001:db8:0:0:0:0:0:1", "fd00::2");
	char *text = render(json_print, &rec);
	json_error_t jerr;
	json_t *obj = json_loads(text, 0, &jerr);

	(void)state;
	assert_non_null(obj);
	assert_int_equal(strchr(text, '\n') - text, strlen(text) - 1);	/* one line */
	assert_string_equal(json_string_value(json_object_get(obj, "type")), "close");
	assert_string_equal(json_string_value(json_object_get(obj, "ts")),
			    "2026-11-21T00:00:01.000000Z");
	assert_int_equal(json_integer_value(json_object_get(obj, "pid")), 4242);
	assert_string_equal(json_string_value(json_object_get(obj, "comm")), "curl-with-a-long");
	assert_string_equal(json_string_value(json_object_get(obj, "family")), "ipv6");
	assert_string_equal(json_string_value(json_object_get(obj, "saddr")), "2001:db8::1");
	assert_string_equal(json_string_value(json_object_get(obj, "daddr")), "fd00::2");
	assert_true(json_is_integer(json_object_get(obj, "sport")));
	assert_int_equal(json_integer_value(json_object_get(obj, "dport")), 443);
	assert_string_equal(json_string_value(json_object_get(obj, "old_state")), "LAST_ACK");
	assert_string_equal(json_string_value(json_object_get(obj, "state")), "CLOSE");
	assert_string_equal(json_string_value(json_object_get(obj, "direction")), "client");
	assert_int_equal(json_integer_value(json_object_get(obj, "duration_us")), 1234567);
	assert_int_equal(json_integer_value(json_object_get(obj, "old_state_us")), 2);
	assert_string_equal(json_string_value(json_object_get(obj, "sock")), "0xffff888104473780");
	json_decref(obj);
	free(text);
}

static void json_leaves_out_what_is_unknown(void **state)
{
	struct nwt_record rec = decoded_close(AF_INET, "10.0.0.1", "10.0.0.2");
	char *text;
	json_t *obj;

	(void)state;
	rec.has_pid = false;
	rec.tcp_state.has_lifetime_us = false;
	rec.tcp_state.role = NWT_ROLE_UNKNOWN;
	rec.sport = 0;
	text = render(json_print, &rec);
	obj = json_loads(text, 0, NULL);
	assert_non_null(obj);
	assert_null(json_object_get(obj, "pid"));
	assert_null(json_object_get(obj, "comm"));
	assert_null(json_object_get(obj, "duration_us"));
	assert_null(json_object_get(obj, "direction"));
	assert_null(json_object_get(obj, "sport"));
	json_decref(obj);
	free(text);
}

static void table_lines_fit_80_columns_and_align(void **state)
{
	struct nwt_record rec = decoded_close(AF_INET, "192.168.100.200", "192.168.100.201");
	char *header = render(header_print, NULL);
	char *row = render(nwt_table_print_record, &rec);
	const char *local = strstr(row, "192.168.100.200:65535");

	(void)state;
	assert_true(strlen(row) - 1 < 80);
	assert_non_null(local);
	/* every column starts where its header starts */
	assert_int_equal(local - row, strstr(header, "LOCAL") - header);
	assert_int_equal(strstr(row, "192.168.100.201:443") - row, strstr(header, "REMOTE") - header);
	assert_int_equal(strstr(row, "close 1.2s") - row, strstr(header, "EVENT") - header);
	assert_non_null(strstr(row, " 4242 curl-wi "));
	free(header);
	free(row);
}

static void durations_are_compact(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(nwt_format_duration_us(850, buf, sizeof(buf)), "850us");
	assert_string_equal(nwt_format_duration_us(1500, buf, sizeof(buf)), "1.5ms");
	assert_string_equal(nwt_format_duration_us(12000, buf, sizeof(buf)), "12ms");
	assert_string_equal(nwt_format_duration_us(1234567, buf, sizeof(buf)), "1.2s");
	assert_string_equal(nwt_format_duration_us(200000000, buf, sizeof(buf)), "3m20s");
	assert_string_equal(nwt_format_duration_us(18120000000ULL, buf, sizeof(buf)), "5h02m");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decoder_rejects_short_and_unknown_records),
		cmocka_unit_test(json_has_stable_typed_fields),
		cmocka_unit_test(json_leaves_out_what_is_unknown),
		cmocka_unit_test(table_lines_fit_80_columns_and_align),
		cmocka_unit_test(durations_are_compact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
