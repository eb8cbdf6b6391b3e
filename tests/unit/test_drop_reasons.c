/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include <errno.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/drop_reasons.h"

static char *data_file(const char *name)
{
	const char *dir = getenv("NWT_TEST_DATA");
	char path[512];
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	text = nwt_read_text_file(path);
	assert_non_null(text);
	return text;
}

static const char *name_of(const struct nwt_drop_reasons *dr, uint32_t reason)
{
	static char buf[64];

	return nwt_drop_reason_name(dr, reason, buf, sizeof(buf));
}

static void format_6_18_gives_127_reasons_and_the_argument_layout(void **state)
{
	char *kfree = data_file("kfree_skb.format.6.18");
	char *reset = data_file("tcp_send_reset.format.6.18");
	struct nwt_drop_reasons dr;
	uint32_t value;

	(void)state;
	nwt_drop_reasons_init(&dr, NULL, kfree, reset);
	assert_string_equal(dr.reasons_source, "format file");
	/* NOT_SPECIFIED (2) .. RECURSION_LIMIT (127), then MAX */
	assert_int_equal(dr.reasons.n, 127);
	assert_string_equal(name_of(&dr, 12), "NETFILTER_DROP");
	assert_string_equal(name_of(&dr, 3), "NO_SOCKET");
	assert_string_equal(name_of(&dr, 10), "TCP_CSUM");
	assert_true(nwt_enum_names_value(&dr.reasons, "NOT_SPECIFIED", &value));
	assert_int_equal(value, 2);
	assert_true(nwt_enum_names_value(&dr.reasons, "TCP_INVALID_SEQUENCE", &value));
	assert_int_equal(value, 42);
	assert_true(dr.kfree_skb_format_known);
	assert_true(dr.kfree_skb_has_reason);
	assert_true(dr.kfree_skb_has_rx_sk);
	assert_int_equal(dr.off_skbaddr, 8);
	assert_int_equal(dr.off_location, 16);
	assert_int_equal(dr.off_rx_sk, 24);
	assert_int_equal(dr.off_reason, 36);
	/* reset reasons are a different enum, with their own numbers */
	assert_true(dr.send_reset_has_reason);
	assert_true(nwt_enum_names_value(&dr.rst_reasons, "NO_SOCKET", &value));
	assert_int_equal(value, 1);
	nwt_drop_reasons_free(&dr);
	free(kfree);
	free(reset);
}

static void format_5_17_has_six_reasons_numbered_differently(void **state)
{
	char *kfree = data_file("kfree_skb.format.5.17");
	struct nwt_drop_reasons dr;
	uint32_t value;

	(void)state;
	nwt_drop_reasons_init(&dr, NULL, kfree, NULL);
	assert_int_equal(dr.reasons.n, 7);	/* six reasons and MAX */
	assert_string_equal(name_of(&dr, 0), "NOT_SPECIFIED");
	assert_string_equal(name_of(&dr, 3), "TCP_CSUM");	/* 10 on 6.18 */
	assert_true(nwt_enum_names_value(&dr.reasons, "NO_SOCKET", &value));
	assert_int_equal(value, 1);
	assert_false(nwt_enum_names_value(&dr.reasons, "NETFILTER_DROP", &value));
	assert_true(dr.kfree_skb_has_reason);
	assert_false(dr.kfree_skb_has_rx_sk);
	assert_int_equal(dr.off_reason, 28);
	assert_false(dr.send_reset_has_reason);
	nwt_drop_reasons_free(&dr);
	free(kfree);
}

static void format_5_10_has_no_reason_field(void **state)
{
	char *kfree = data_file("kfree_skb.format.5.10");
	struct nwt_drop_reasons dr;
	struct nwt_cflags cf = { 0 };

	(void)state;
	nwt_drop_reasons_init(&dr, NULL, kfree, NULL);
	assert_null(dr.reasons_source);
	assert_int_equal(dr.reasons.n, 0);
	assert_true(dr.kfree_skb_format_known);
	assert_false(dr.kfree_skb_has_reason);
	/* the probes still get the record layout, and no reason switches */
	assert_int_equal(nwt_drop_reasons_add_cflags(&cf, &dr, false), 0);
	assert_string_equal(nwt_cflags_define(&cf, "NWT_TP_KFREE_SKB_SKBADDR_OFF"), "8");
	assert_null(nwt_cflags_define(&cf, "NWT_KFREE_SKB_HAS_REASON"));
	assert_null(nwt_cflags_define(&cf, "NWT_DROP_REASON_NOT_SPECIFIED"));
	assert_null(nwt_cflags_define(&cf, "NWT_SEQ_REASON_0"));
	nwt_cflags_free(&cf);
	nwt_drop_reasons_free(&dr);
	free(kfree);
}

static void cflags_carry_this_kernels_numbers(void **state)
{
	char *kfree = data_file("kfree_skb.format.6.18");
	struct nwt_drop_reasons dr;
	struct nwt_cflags cf = { 0 };

	(void)state;
	nwt_drop_reasons_init(&dr, NULL, kfree, NULL);
	assert_int_equal(nwt_drop_reasons_add_cflags(&cf, &dr, false), 0);
	assert_string_equal(nwt_cflags_define(&cf, "NWT_DROP_REASON_NOT_SPECIFIED"), "2U");
	assert_string_equal(nwt_cflags_define(&cf, "NWT_TP_KFREE_SKB_REASON_OFF"), "36");
	assert_non_null(nwt_cflags_define(&cf, "NWT_KFREE_SKB_HAS_RX_SK"));
	assert_string_equal(nwt_cflags_define(&cf, "NWT_SEQ_REASON_0"), "42U");	/* INVALID_SEQUENCE */
	assert_string_equal(nwt_cflags_define(&cf, "NWT_SEQ_REASON_2"), "41U");	/* OLD_SEQUENCE */
	assert_null(nwt_cflags_define(&cf, "NWT_DROP_SHOW_NOT_SPECIFIED"));
	nwt_cflags_free(&cf);
	assert_int_equal(nwt_drop_reasons_add_cflags(&cf, &dr, true), 0);
	assert_non_null(nwt_cflags_define(&cf, "NWT_DROP_SHOW_NOT_SPECIFIED"));
	nwt_cflags_free(&cf);
	nwt_drop_reasons_free(&dr);
	free(kfree);
}

static void subsystem_and_unknown_reasons_print_as_numbers(void **state)
{
	char *kfree = data_file("kfree_skb.format.6.18");
	struct nwt_drop_reasons dr;

	(void)state;
	nwt_drop_reasons_init(&dr, NULL, kfree, NULL);
	assert_string_equal(name_of(&dr, 500), "500");
	/* no BTF: the subsystem has no name */
	assert_string_equal(name_of(&dr, (2u << 16) | 3), "subsys2:3");
	/* a subsystem name as BTF would give it */
	dr.subsystems.entries = calloc(1, sizeof(*dr.subsystems.entries));
	dr.subsystems.n = 1;
	dr.subsystems.entries[0].value = 2;
	strcpy(dr.subsystems.entries[0].name, "OPENVSWITCH");
	assert_string_equal(name_of(&dr, (2u << 16) | 3), "OPENVSWITCH:3");
	nwt_drop_reasons_free(&dr);
	free(kfree);
}

static void malformed_format_text_is_rejected(void **state)
{
	struct nwt_enum_names names;

	(void)state;
	assert_int_equal(nwt_enum_names_from_format(&names, "print fmt: \"%s\", __print_symbolic(REC->reason, { SKB_X, \"X\" })", "reason"), -EINVAL);
	nwt_enum_names_free(&names);
	assert_int_equal(nwt_enum_names_from_format(&names, "print fmt: \"%s\", __print_symbolic(REC->reason, { 1, \"X", "reason"), -EINVAL);
	nwt_enum_names_free(&names);
	assert_int_equal(nwt_enum_names_from_format(&names, "nothing here", "reason"), -ENOENT);
	assert_int_equal(nwt_enum_names_from_format(&names, NULL, "reason"), -ENOENT);
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* The running kernel: BTF (readable without root) and, as root, its format file. */
static void running_kernel_names_agree_between_btf_and_format(void **state)
{
	struct btf *btf;
	struct nwt_drop_reasons from_btf, from_format;
	const char *roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char *kfree = NULL;

	(void)state;
	libbpf_set_print(quiet);
	btf = btf__load_vmlinux_btf();
	if (libbpf_get_error(btf))
		btf = NULL;
	for (size_t i = 0; i < 2 && !kfree; i++) {
		char path[128];

		snprintf(path, sizeof(path), "%s/events/skb/kfree_skb/format", roots[i]);
		kfree = nwt_read_text_file(path);
	}
	if (!btf && !kfree)
		skip();
	nwt_drop_reasons_init(&from_btf, btf, NULL, NULL);
	nwt_drop_reasons_init(&from_format, NULL, kfree, NULL);
	if (btf && from_btf.reasons.n) {
		uint32_t value;

		assert_string_equal(from_btf.reasons_source, "BTF");
		assert_true(nwt_enum_names_value(&from_btf.reasons, "NOT_SPECIFIED", &value));
	}
	/* Every name the format file prints is BTF's name for the same number. */
	for (size_t i = 0; btf && from_btf.reasons.n && i < from_format.reasons.n; i++) {
		const struct nwt_enum_entry *e = &from_format.reasons.entries[i];
		const char *name = nwt_enum_names_find(&from_btf.reasons, e->value);

		assert_non_null(name);
		assert_string_equal(name, e->name);
	}
	nwt_drop_reasons_free(&from_btf);
	nwt_drop_reasons_free(&from_format);
	free(kfree);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_6_18_gives_127_reasons_and_the_argument_layout),
		cmocka_unit_test(format_5_17_has_six_reasons_numbered_differently),
		cmocka_unit_test(format_5_10_has_no_reason_field),
		cmocka_unit_test(cflags_carry_this_kernels_numbers),
		cmocka_unit_test(subsystem_and_unknown_reasons_print_as_numbers),
		cmocka_unit_test(malformed_format_text_is_rejected),
		cmocka_unit_test(running_kernel_names_agree_between_btf_and_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
