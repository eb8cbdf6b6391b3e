/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "plan/bpf_defines.h"

static struct nwt_plan one_probe_plan(int chosen)
{
	struct nwt_plan plan = { .n_probes = 1 };

	plan.probes[0].probe = &nwt_probe_catalog[0];
	plan.probes[0].chosen = chosen;
	return plan;
}

static struct nwt_options parse(int argc, char **argv)
{
	struct nwt_options o;
	char err[256];

	assert_int_equal(nwt_parse_options(argc, argv, &o, err, sizeof(err)), NWT_PARSE_RUN);
	return o;
}

/* BTF offsets for every field: 100, 101, ... */
static struct nwt_kernel_offsets every_offset_known(void)
{
	struct nwt_kernel_offsets offs = { .from_btf = true };

	for (size_t i = 0; i < nwt_kernel_fields_len; i++)
		offs.offset[i] = 100 + (long)i;
	return offs;
}

static void filters_become_defines(void **state)
{
	char *argv[] = { "nwtrace", "-p", "443", "--sport", "80", "--dport", "8080", "-P", "77",
			 "-6", "-R", "500", NULL };
	struct nwt_options o = parse(12, argv);
	struct nwt_plan plan = one_probe_plan(0);
	struct nwt_kernel_offsets offs = every_offset_known();
	struct nwt_cflags cf = { 0 };

	(void)state;
	assert_int_equal(nwt_cflags_build(&cf, &o, &plan, &offs), 0);
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_PORT"), "443");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_SPORT"), "80");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_DPORT"), "8080");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_PID"), "77");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_FAMILY"), "10");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_RATE_LIMIT"), "500U");
	assert_null(nwt_cflags_define(&cf, "NWT_FILTER_ADDR_FAMILY"));
	/* the chosen alternative is switched on, the others are not */
	assert_non_null(nwt_cflags_define(&cf, nwt_probe_catalog[0].alts[0].use_define));
	assert_null(nwt_cflags_define(&cf, nwt_probe_catalog[0].alts[1].use_define));
	assert_string_equal(nwt_cflags_define(&cf, nwt_kernel_fields[0].define), "100");
	assert_null(nwt_cflags_define(&cf, "NWT_OFFSETS_FROM_HEADERS"));
	nwt_cflags_free(&cf);
}

static void address_prefix_becomes_masked_words(void **state)
{
	char *argv4[] = { "nwtrace", "-i", "10.1.2.3/16", NULL };
	char *argv6[] = { "nwtrace", "--ip", "2001:db8::1/64", NULL };
	struct nwt_options o4 = parse(3, argv4), o6 = parse(3, argv6);
	struct nwt_plan plan = one_probe_plan(-1);
	struct nwt_kernel_offsets offs = { .from_btf = true };
	struct nwt_cflags cf = { 0 };

	(void)state;
	for (size_t i = 0; i < nwt_kernel_fields_len; i++)
		offs.offset[i] = NWT_OFFSET_UNKNOWN;
	assert_int_equal(nwt_cflags_build(&cf, &o4, &plan, &offs), 0);
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_ADDR_FAMILY"), "2");
	/* 10.1.0.0 and 255.255.0.0 as they lie in memory on this (little-endian) host */
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_ADDR_W0"), "0x0000010aU");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_MASK_W0"), "0x0000ffffU");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_MASK_W1"), "0x00000000U");
	/* unknown offsets are left out, so a probe needing them cannot compile by accident */
	assert_null(nwt_cflags_define(&cf, nwt_kernel_fields[0].define));
	nwt_cflags_free(&cf);

	assert_int_equal(nwt_cflags_build(&cf, &o6, &plan, &offs), 0);
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_ADDR_FAMILY"), "10");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_ADDR_W0"), "0xb80d0120U");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_MASK_W1"), "0xffffffffU");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_MASK_W2"), "0x00000000U");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_FILTER_ADDR_W3"), "0x00000000U");
	nwt_cflags_free(&cf);
}

static void without_btf_offsets_come_from_headers(void **state)
{
	char *argv[] = { "nwtrace", NULL };
	struct nwt_options o = parse(1, argv);
	struct nwt_plan plan = one_probe_plan(1);
	struct nwt_kernel_offsets offs = { .from_btf = false };
	struct nwt_cflags cf = { 0 };
	char expected[256];

	(void)state;
	assert_int_equal(nwt_cflags_build(&cf, &o, &plan, &offs), 0);
	assert_non_null(nwt_cflags_define(&cf, "NWT_OFFSETS_FROM_HEADERS"));
	snprintf(expected, sizeof(expected), "offsetof(struct %s, %s)",
		 nwt_kernel_fields[0].struct_name, nwt_kernel_fields[0].member_path);
	assert_string_equal(nwt_cflags_define(&cf, nwt_kernel_fields[0].define), expected);
	assert_string_equal(nwt_cflags_define(&cf, "NWT_RATE_LIMIT"), "10000U");
	nwt_cflags_free(&cf);
}

/* What the kernel lets BPF programs do, and --verify-probes's every alternative, reach the probes. */
static void kernel_abilities_and_every_alternative_become_defines(void **state)
{
	char *argv[] = { "nwtrace", NULL };
	char *verify_argv[] = { "nwtrace", "--verify-probes", NULL };
	struct nwt_options o = parse(1, argv), verify = parse(2, verify_argv);
	struct nwt_plan plan = one_probe_plan(0);
	struct nwt_kernel_offsets offs = every_offset_known();
	struct nwt_cflags cf = { 0 };

	(void)state;
	assert_int_equal(nwt_cflags_build(&cf, &o, &plan, &offs), 0);
	assert_null(nwt_cflags_define(&cf, nwt_kernel_functions[0].define));
	assert_null(nwt_cflags_define(&cf, "NWT_EVERY_ALTERNATIVE"));
	nwt_cflags_free(&cf);

	offs.has_function[0] = true;
	assert_int_equal(nwt_cflags_build(&cf, &verify, &plan, &offs), 0);
	assert_non_null(nwt_cflags_define(&cf, nwt_kernel_functions[0].define));
	assert_non_null(nwt_cflags_define(&cf, "NWT_EVERY_ALTERNATIVE"));
	nwt_cflags_free(&cf);
}

static void ring_grows_with_cpus(void **state)
{
	(void)state;
	/* n CPUs x 1024 records x 400 bytes x 4, in 4 KiB pages, rounded up to a power of two */
	assert_int_equal(nwt_ringbuf_pages(0), 512);
	assert_int_equal(nwt_ringbuf_pages(1), 512);
	assert_int_equal(nwt_ringbuf_pages(2), 1024);
	assert_int_equal(nwt_ringbuf_pages(16), 8192);
	assert_int_equal(nwt_ringbuf_pages(64), NWT_RINGBUF_MAX_PAGES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filters_become_defines),
		cmocka_unit_test(address_prefix_becomes_masked_words),
		cmocka_unit_test(without_btf_offsets_come_from_headers),
		cmocka_unit_test(kernel_abilities_and_every_alternative_become_defines),
		cmocka_unit_test(ring_grows_with_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
