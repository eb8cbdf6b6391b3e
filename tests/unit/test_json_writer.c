/* SPDX-License-Identifier: Apache-2.0 */
/* json_writer, the table engine and the drop/error summary: text out, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/fault_summary.h"
#include "output/json_writer.h"
#include "output/table.h"

/* What a bounded writer made, as a string. */
static const char *text_of(struct nwt_json *j, char *buf)
{
	buf[nwt_json_len(j)] = '\0';
	return buf;
}

static void members_are_separated_by_their_nesting(void **state)
{
	struct nwt_json j;
	char buf[256];

	(void)state;
	nwt_json_buf(&j, buf, sizeof(buf));
	nwt_json_object_begin(&j);
	nwt_json_field_str(&j, "a", "x");
	nwt_json_key(&j, "o");
	nwt_json_object_begin(&j);
	nwt_json_object_end(&j);
	nwt_json_key(&j, "l");
	nwt_json_array_begin(&j);
	nwt_json_object_begin(&j);
	nwt_json_field_int(&j, "n", -9223372036854775807LL - 1);
	nwt_json_object_end(&j);
	nwt_json_int(&j, 0);
	nwt_json_bool(&j, false);
	nwt_json_null(&j);
	nwt_json_array_end(&j);
	nwt_json_field_hex(&j, "sock", 0xffff888102e06f00ULL);
	nwt_json_key(&j, "t");
	nwt_json_us3(&j, 12345);
	nwt_json_object_end(&j);
	assert_string_equal(text_of(&j, buf),
			    "{\"a\":\"x\",\"o\":{},\"l\":[{\"n\":-9223372036854775808},0,false,null],"
			    "\"sock\":\"0xffff888102e06f00\",\"t\":12.345}");
}

/* Strings: RFC 8259 escapes with short forms, and no member for text that is not UTF-8. */
static void strings_are_escaped_or_left_out(void **state)
{
	struct nwt_json j;
	char buf[256];

	(void)state;
	nwt_json_buf(&j, buf, sizeof(buf));
	nwt_json_object_begin(&j);
	nwt_json_field_str(&j, "s", "q\"b\\\n\t\x01\x7f\xc3\xa9");
	nwt_json_field_str(&j, "bad", "a\xff");
	nwt_json_field_str(&j, "overlong", "\xc0\xaf");
	nwt_json_field_str(&j, "surrogate", "\xed\xa0\x80");
	nwt_json_field_str(&j, "none", NULL);
	nwt_json_key(&j, "bytes");
	nwt_json_string_bytes(&j, "\x01\n\xff\"");
	nwt_json_object_end(&j);
	assert_string_equal(text_of(&j, buf),
			    "{\"s\":\"q\\\"b\\\\\\n\\t\\u0001\x7f\xc3\xa9\",\"bytes\":\"\\u0001\\u000a\xff\\\"\"}");
}

/*
 * Reals: %.17g, always with a '.' or an exponent, exponents without '+' or
 * leading zeros: what jansson, which printed them before, makes of them.
 */
static void reals_print_as_jansson_printed_them(void **state)
{
	static const double cases[] = { 1.0, 0.5, 0.002, 3.08, 1e-5, 1e20, -2.5e-300,
					1099511627.776, 0.256, 123456789012345678.0 };
	char buf[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nwt_json j;
		json_t *obj = json_object();
		char *want;

		json_object_set_new(obj, "r", json_real(cases[i]));
		want = json_dumps(obj, JSON_COMPACT);
		nwt_json_buf(&j, buf, sizeof(buf));
		nwt_json_object_begin(&j);
		nwt_json_field_real(&j, "r", cases[i]);
		nwt_json_object_end(&j);
		assert_string_equal(text_of(&j, buf), want);
		free(want);
		json_decref(obj);
	}
	{
		struct nwt_json j;

		nwt_json_buf(&j, buf, sizeof(buf));
		nwt_json_object_begin(&j);
		nwt_json_field_real(&j, "r", 3.08);
		nwt_json_field_real(&j, "nan", NAN);
		nwt_json_field_real(&j, "inf", INFINITY);
		nwt_json_object_end(&j);
		assert_string_equal(text_of(&j, buf), "{\"r\":3.0800000000000001}");
	}
}

/* Bounded: what does not fit is cut, one byte kept free; a stream writer flushes as it fills. */
static void bounded_cuts_and_stream_flushes(void **state)
{
	struct nwt_json j;
	char small[8], buf[16], *text = NULL, big[300];
	size_t len = 0;
	FILE *out;

	(void)state;
	nwt_json_buf(&j, small, sizeof(small));
	nwt_json_object_begin(&j);
	nwt_json_field_str(&j, "key", "value");
	assert_int_equal(nwt_json_len(&j), sizeof(small) - 1);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	out = open_memstream(&text, &len);
	nwt_json_file(&j, out, buf, sizeof(buf));
	nwt_json_object_begin(&j);
	for (int i = 0; i < 20; i++)
		nwt_json_field_int(&j, "n", i);
	nwt_json_field_str(&j, "big", big);
	nwt_json_object_end(&j);
	assert_int_equal(nwt_json_finish(&j), 0);
	fclose(out);
	{
		json_error_t err;
		json_t *obj = json_loads(text, 0, &err);

		assert_non_null(obj);
		assert_string_equal(json_string_value(json_object_get(obj, "big")), big);
		json_decref(obj);
	}
	free(text);
}

struct row {
	const char *name;
	int n;
};

static void cell_name(const void *row, char *cell, size_t len)
{
	snprintf(cell, len, "%s", ((const struct row *)row)->name);
}

static void cell_n(const void *row, char *cell, size_t len)
{
	snprintf(cell, len, "%d", ((const struct row *)row)->n);
}

/* Cells pad to their width, are cut to their room, and the last is padded only if asked. */
static void table_pads_cuts_and_aligns(void **state)
{
	static const struct nwt_table_column cols[] = {
		{ "NAME", 6, false, 4 + 1, cell_name },
		{ "N", 4, true, 0, cell_n },
		{ "LAST", 5, false, 0, cell_name },
	};
	struct nwt_table t = { cols, 3, false };
	struct row r = { "abcdefg", 42 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	nwt_table_header(out, &t);
	nwt_table_row(out, &t, &r);
	t.pad_last = true;
	r.name = "ab";
	nwt_table_row(out, &t, &r);
	fclose(out);
	assert_string_equal(text, "NAME      N LAST\n"
				  "abcd     42 abcdefg\n"
				  "ab       42 ab   \n");
	free(text);
}

static void fault_summary_lines_and_json(void **state)
{
	static const struct nwt_fault_count drops[] = {
		{ "NO_SOCKET", 3, false },
		{ "NOT_SPECIFIED", 2, true },
		{ "NO_SOCKET", 5, false },	/* named alike: one key, the last count */
	};
	static const struct nwt_fault_count kinds[] = {
		{ "bad_csum", 0, false },
		{ "reset_sent", 7, false },
	};
	struct nwt_fault_counts c = { true, drops, 3, true, kinds, 2 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	nwt_fault_summary_print(out, &c);
	nwt_fault_stats_print(out, &c, false, 0);
	nwt_fault_stats_print(out, &c, true, 1700000000ULL * 1000000000ULL);
	c.have_drops = false;
	c.n_drops = 0;
	nwt_fault_stats_print(out, &c, true, 0);
	fclose(out);
	assert_string_equal(
		text,
		"nwtrace: drops by reason: NO_SOCKET 3, NOT_SPECIFIED 2 (counted, not printed; -v prints them), NO_SOCKET 5\n"
		"nwtrace: error packets: bad_csum 0, reset_sent 7\n"
		"drops since start by reason: NO_SOCKET 3, NOT_SPECIFIED 2, NO_SOCKET 5\n"
		"error packets since start: bad_csum 0, reset_sent 7\n"
		"{\"type\":\"fault_stats\",\"ts\":\"2023-11-14T22:13:20.000000Z\","
		"\"drops_by_reason\":{\"NO_SOCKET\":5,\"NOT_SPECIFIED\":2},"
		"\"errors\":{\"bad_csum\":0,\"reset_sent\":7}}\n"
		"{\"type\":\"fault_stats\",\"ts\":\"1970-01-01T00:00:00.000000Z\","
		"\"errors\":{\"bad_csum\":0,\"reset_sent\":7}}\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(members_are_separated_by_their_nesting),
		cmocka_unit_test(strings_are_escaped_or_left_out),
		cmocka_unit_test(reals_print_as_jansson_printed_them),
		cmocka_unit_test(bounded_cuts_and_stream_flushes),
		cmocka_unit_test(table_pads_cuts_and_aligns),
		cmocka_unit_test(fault_summary_lines_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
