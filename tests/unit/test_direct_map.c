/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "kernel/direct_map.h"

static struct nwt_direct_map_inputs x86(void)
{
	struct nwt_direct_map_inputs in = { .randomize_memory = 1, .ram_end = 25ULL << 30,
					    .sizeof_page = 64 };

	strcpy(in.machine, "x86_64");
	return in;
}

static void kallsyms_variables_win(void **state)
{
	struct nwt_direct_map_inputs in = x86();
	struct nwt_direct_map dm;
	struct nwt_cflags cf = { 0 };

	(void)state;
	in.page_offset_base_sym = 0xffffffff83000010ULL;
	in.vmemmap_base_sym = 0xffffffff83000018ULL;
	nwt_direct_map_choose(&dm, &in);
	assert_int_equal(dm.source, NWT_DM_KALLSYMS);
	assert_int_equal(nwt_direct_map_cflags(&dm, &cf), 0);
	assert_string_equal(nwt_cflags_define(&cf, "NWT_DM_POB_ADDR"), "0xffffffff83000010ULL");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_DM_VMB_ADDR"), "0xffffffff83000018ULL");
	assert_non_null(nwt_cflags_define(&cf, "NWT_PKT_FRAGS"));
	nwt_cflags_free(&cf);
}

static void not_randomised_uses_defaults(void **state)
{
	struct nwt_direct_map_inputs in = x86();
	struct nwt_direct_map dm;
	struct nwt_cflags cf = { 0 };

	(void)state;
	in.randomize_memory = 0;
	nwt_direct_map_choose(&dm, &in);
	assert_int_equal(dm.source, NWT_DM_DEFAULTS);
	assert_int_equal(nwt_direct_map_cflags(&dm, &cf), 0);
	assert_string_equal(nwt_cflags_define(&cf, "NWT_DM_POB"), "0xffff888000000000ULL");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_DM_VMB"), "0xffffea0000000000ULL");
	nwt_cflags_free(&cf);
	/* 5-level paging moves the defaults: calibrate instead */
	in.la57 = true;
	nwt_direct_map_choose(&dm, &in);
	assert_int_equal(dm.source, NWT_DM_CALIBRATE);
}

static void hidden_and_randomised_calibrates(void **state)
{
	struct nwt_direct_map_inputs in = x86();
	struct nwt_direct_map dm;
	struct nwt_cflags cf = { 0 };

	(void)state;
	nwt_direct_map_choose(&dm, &in);
	assert_int_equal(dm.source, NWT_DM_CALIBRATE);
	assert_int_equal(dm.max_gib, 25);
	/* nothing compiled in until calibration found the base */
	assert_int_equal(nwt_direct_map_cflags(&dm, &cf), 0);
	assert_int_equal(cf.n, 0);
	dm.source = NWT_DM_CALIBRATED;
	dm.page_offset_base = 0xffff9a4000000000ULL;
	assert_int_equal(nwt_direct_map_cflags(&dm, &cf), 0);
	assert_string_equal(nwt_cflags_define(&cf, "NWT_DM_POB"), "0xffff9a4000000000ULL");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_DM_VMB_ALIGN"), "0x40000000ULL");
	nwt_cflags_free(&cf);
}

static void unavailable_with_a_reason(void **state)
{
	struct nwt_direct_map_inputs in = x86();
	struct nwt_direct_map dm;
	struct nwt_cflags cf = { 0 };
	char line[256];

	(void)state;
	strcpy(in.machine, "aarch64");
	nwt_direct_map_choose(&dm, &in);
	assert_int_equal(dm.source, NWT_DM_UNAVAILABLE);
	assert_non_null(strstr(dm.reason, "aarch64"));
	assert_int_equal(nwt_direct_map_cflags(&dm, &cf), 0);
	assert_int_equal(cf.n, 0);
	assert_non_null(strstr(nwt_direct_map_describe(&dm, line, sizeof(line)), "linear area only"));

	in = x86();
	in.ram_end = 0;	/* /proc/iomem without root */
	nwt_direct_map_choose(&dm, &in);
	assert_int_equal(dm.source, NWT_DM_UNAVAILABLE);

	in = x86();
	in.ram_end = 128ULL << 30;	/* struct pages no longer fit in 1 GiB of vmemmap */
	nwt_direct_map_choose(&dm, &in);
	assert_int_equal(dm.source, NWT_DM_UNAVAILABLE);

	in = x86();
	in.sizeof_page = -1;
	nwt_direct_map_choose(&dm, &in);
	assert_int_equal(dm.source, NWT_DM_UNAVAILABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kallsyms_variables_win),
		cmocka_unit_test(not_randomised_uses_defaults),
		cmocka_unit_test(hidden_and_randomised_calibrates),
		cmocka_unit_test(unavailable_with_a_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
