/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "util/addr.h"

static void parses_ipv4_host_and_prefix(void **state)
{
	struct nwt_prefix p;
	char buf[NWT_ADDR_STRLEN];

	(void)state;
	assert_int_equal(nwt_parse_prefix("10.0.0.5", &p), 0);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.prefix_len, 32);
	assert_string_equal(nwt_format_addr(p.family, p.addr, buf, sizeof(buf)), "10.0.0.5");

	assert_int_equal(nwt_parse_prefix("10.1.2.3/16", &p), 0);
	assert_int_equal(p.prefix_len, 16);
	/* host bits are cleared */
	assert_string_equal(nwt_format_addr(p.family, p.addr, buf, sizeof(buf)), "10.1.0.0");
	assert_int_equal(nwt_parse_prefix("10.1.2.3/0", &p), 0);
	assert_string_equal(nwt_format_addr(p.family, p.addr, buf, sizeof(buf)), "0.0.0.0");
}

static void parses_ipv6_prefix(void **state)
{
	struct nwt_prefix p;
	char buf[NWT_ADDR_STRLEN];

	(void)state;
	assert_int_equal(nwt_parse_prefix("2001:DB8::1/32", &p), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.prefix_len, 32);
	assert_string_equal(nwt_format_addr(p.family, p.addr, buf, sizeof(buf)), "2001:db8::");
	assert_int_equal(nwt_parse_prefix("fe80::1:2/127", &p), 0);
	assert_string_equal(nwt_format_addr(p.family, p.addr, buf, sizeof(buf)), "fe80::1:2");
}

static void rejects_bad_addresses(void **state)
{
	struct nwt_prefix p;
	const char *bad[] = { "", "10.0.0", "10.0.0.256", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/-1",
			      "10.0.0.1/8x", "::1/129", "host.example", "1.2.3.4 ", "/24",
			      "10.0.0.1/16/2", "::g" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(nwt_parse_prefix(bad[i], &p), 0);
}

static void formats_ipv6_per_rfc5952(void **state)
{
	struct {
		const char *in, *out;
	} cases[] = {
		{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },	/* one zero group: no :: */
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },		/* longest run wins */
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },	/* first of equal runs */
		{ "0:0:0:0:0:0:0:0", "::" },
		{ "::FFFF:10.0.0.1", "::ffff:10.0.0.1" },
	};
	char buf[NWT_ADDR_STRLEN];
	uint8_t addr[16];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(inet_pton(AF_INET6, cases[i].in, addr), 1);
		assert_string_equal(nwt_format_addr(AF_INET6, addr, buf, sizeof(buf)), cases[i].out);
	}
}

static void formats_endpoints_like_ss(void **state)
{
	uint8_t addr[16] = { 0 };
	char buf[NWT_ENDPOINT_STRLEN];

	(void)state;
	inet_pton(AF_INET, "192.168.100.200", addr);
	assert_string_equal(nwt_format_endpoint(AF_INET, addr, 65535, buf, sizeof(buf)),
			    "192.168.100.200:65535");
	assert_string_equal(nwt_format_endpoint(AF_INET, addr, 0, buf, sizeof(buf)),
			    "192.168.100.200:*");
	inet_pton(AF_INET6, "fd00::2", addr);
	assert_string_equal(nwt_format_endpoint(AF_INET6, addr, 443, buf, sizeof(buf)),
			    "[fd00::2]:443");
}

static void mask_words_follow_prefix(void **state)
{
	struct nwt_prefix p;
	uint32_t mask[4];

	(void)state;
	assert_int_equal(nwt_parse_prefix("10.1.0.0/16", &p), 0);
	nwt_prefix_mask_words(&p, mask);
	assert_int_equal(mask[0], htonl(0xffff0000));
	assert_int_equal(mask[1], 0);
	assert_int_equal(nwt_parse_prefix("2001:db8::/40", &p), 0);
	nwt_prefix_mask_words(&p, mask);
	assert_int_equal(mask[0], 0xffffffff);
	assert_int_equal(mask[1], htonl(0xff000000));
	assert_int_equal(mask[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_ipv4_host_and_prefix),
		cmocka_unit_test(parses_ipv6_prefix),
		cmocka_unit_test(rejects_bad_addresses),
		cmocka_unit_test(formats_ipv6_per_rfc5952),
		cmocka_unit_test(formats_endpoints_like_ss),
		cmocka_unit_test(mask_words_follow_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
