/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/kallsyms.h"

static const char sample[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81a00010 t tcp_v4_connect.cold\n"
	"ffffffff81a00100 t tcp_rcv_established.part.0\n"
	"ffffffff81a00200 t ip_rcv_core.isra.0\n"
	"ffffffff81a00300 T tcp_v4_connect\n"
	"ffffffff81a00400 t skb_copy_datagram_iter.constprop.0\n"
	"ffffffff81a00500 d tcp_data_var\n"
	"ffffffff81a00600 t tcp_sendmsg\t[some_module]\n";

static bool resolve(const char *fn, char *out, size_t len)
{
	FILE *f = fmemopen((void *)sample, sizeof(sample) - 1, "r");
	bool found = nwt_kallsyms_resolve(f, fn, out, len);

	fclose(f);
	return found;
}

static void prefers_exact_name_then_compiler_clones(void **state)
{
	char sym[128];

	(void)state;
	assert_true(resolve("tcp_v4_connect", sym, sizeof(sym)));
	assert_string_equal(sym, "tcp_v4_connect");
	assert_true(resolve("ip_rcv_core", sym, sizeof(sym)));
	assert_string_equal(sym, "ip_rcv_core.isra.0");
	assert_true(resolve("skb_copy_datagram_iter", sym, sizeof(sym)));
	assert_string_equal(sym, "skb_copy_datagram_iter.constprop.0");
	assert_true(resolve("tcp_sendmsg", sym, sizeof(sym)));
	assert_string_equal(sym, "tcp_sendmsg");
}

static void ignores_partial_clones_data_and_prefixes(void **state)
{
	char sym[128];

	(void)state;
	assert_false(resolve("tcp_rcv_established", sym, sizeof(sym)));	/* .part is not the entry */
	assert_false(resolve("tcp_data_var", sym, sizeof(sym)));
	assert_false(resolve("ip_rcv", sym, sizeof(sym)));
	assert_false(resolve("tcp_v4", sym, sizeof(sym)));
}

static void address_table_gives_function_plus_offset(void **state)
{
	FILE *f = fmemopen((void *)sample, sizeof(sample) - 1, "r");
	struct nwt_ksyms ksyms;
	char buf[128];

	(void)state;
	assert_int_equal(nwt_ksyms_load(&ksyms, f), 0);
	fclose(f);
	assert_int_equal(ksyms.n, 7);	/* text symbols only */
	assert_string_equal(nwt_ksyms_format(&ksyms, 0xffffffff81a00300ULL, buf, sizeof(buf)),
			    "tcp_v4_connect+0x0");
	assert_string_equal(nwt_ksyms_format(&ksyms, 0xffffffff81a0038cULL, buf, sizeof(buf)),
			    "tcp_v4_connect+0x8c");
	assert_string_equal(nwt_ksyms_format(&ksyms, 0xffffffff81a00210ULL, buf, sizeof(buf)),
			    "ip_rcv_core.isra.0+0x10");
	/* data symbols are skipped: an address after one belongs to the text before it */
	assert_string_equal(nwt_ksyms_format(&ksyms, 0xffffffff81a00510ULL, buf, sizeof(buf)),
			    "skb_copy_datagram_iter.constprop.0+0x110");
	assert_null(nwt_ksyms_format(&ksyms, 0xffffffff80000000ULL, buf, sizeof(buf)));
	nwt_ksyms_free(&ksyms);
}

static void kallsyms_without_addresses_is_no_table(void **state)
{
	static const char hidden[] = "0000000000000000 T _stext\n0000000000000000 T tcp_v4_rcv\n";
	FILE *f = fmemopen((void *)hidden, sizeof(hidden) - 1, "r");
	struct nwt_ksyms ksyms;

	(void)state;
	assert_int_equal(nwt_ksyms_load(&ksyms, f), -ENOENT);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefers_exact_name_then_compiler_clones),
		cmocka_unit_test(ignores_partial_clones_data_and_prefixes),
		cmocka_unit_test(address_table_gives_function_plus_offset),
		cmocka_unit_test(kallsyms_without_addresses_is_no_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
