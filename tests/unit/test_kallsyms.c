#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "kallsyms.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefers_exact_name_then_compiler_clones),
		cmocka_unit_test(ignores_partial_clones_data_and_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
