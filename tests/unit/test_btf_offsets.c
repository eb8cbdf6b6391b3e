/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <unistd.h>

#include "kernel/btf_offsets.h"
#include "kernel/kernel_offsets.h"

/*
 * struct inner { int a; union { int b; struct { short c; short d; }; }; };
 * struct outer { long x; struct inner in; int flags:3; };
 */
static struct btf *make_btf(void)
{
	struct btf *btf = btf__new_empty();
	int int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int short_id = btf__add_int(btf, "short", 2, BTF_INT_SIGNED);
	int long_id = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
	int anon_struct, anon_union, inner, typedef_id;

	anon_struct = btf__add_struct(btf, NULL, 4);
	btf__add_field(btf, "c", short_id, 0, 0);
	btf__add_field(btf, "d", short_id, 16, 0);
	anon_union = btf__add_union(btf, NULL, 4);
	btf__add_field(btf, "b", int_id, 0, 0);
	btf__add_field(btf, NULL, anon_struct, 0, 0);
	inner = btf__add_struct(btf, "inner", 8);
	btf__add_field(btf, "a", int_id, 0, 0);
	btf__add_field(btf, NULL, anon_union, 32, 0);
	typedef_id = btf__add_typedef(btf, "inner_t", inner);
	btf__add_struct(btf, "outer", 24);
	btf__add_field(btf, "x", long_id, 0, 0);
	btf__add_field(btf, "in", typedef_id, 64, 0);
	btf__add_field(btf, "flags", int_id, 128, 3);
	return btf;
}

static void finds_members_through_anonymous_unions(void **state)
{
	struct btf *btf = make_btf();
	unsigned int off = 99;

	(void)state;
	assert_int_equal(nwt_btf_member_offset(btf, "inner", "a", &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(nwt_btf_member_offset(btf, "inner", "b", &off), 0);
	assert_int_equal(off, 4);
	assert_int_equal(nwt_btf_member_offset(btf, "inner", "d", &off), 0);
	assert_int_equal(off, 6);
	/* dotted paths descend through named members and typedefs */
	assert_int_equal(nwt_btf_member_offset(btf, "outer", "in.d", &off), 0);
	assert_int_equal(off, 14);
	btf__free(btf);
}

static void reports_missing_and_unreadable_members(void **state)
{
	struct btf *btf = make_btf();
	unsigned int off;

	(void)state;
	assert_int_equal(nwt_btf_member_offset(btf, "nosuch", "a", &off), -ENOENT);
	assert_int_equal(nwt_btf_member_offset(btf, "inner", "zz", &off), -ENOENT);
	assert_int_equal(nwt_btf_member_offset(btf, "outer", "flags", &off), -EINVAL);
	assert_int_equal(nwt_btf_member_offset(btf, "outer", "x.y", &off), -EINVAL);
	assert_int_equal(nwt_btf_member_offset(btf, "outer", "in.", &off), -EINVAL);
	btf__free(btf);
}

/*
 * A BTF file may describe types that never end (btf__new() checks ids, not
 * cycles): look-ups through them give up instead of recursing or looping.
 */
static void gives_up_on_types_that_contain_themselves(void **state)
{
	struct btf *btf = btf__new_empty();
	int int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int self = btf__type_cnt(btf), loop;
	unsigned int off;

	(void)state;
	btf__add_struct(btf, "self", 4);
	btf__add_field(btf, NULL, self, 0, 0);	/* its own anonymous member */
	btf__add_field(btf, "a", int_id, 0, 0);
	loop = btf__type_cnt(btf);
	btf__add_typedef(btf, "loop_t", loop);	/* a typedef of itself */
	btf__add_struct(btf, "holder", 4);
	btf__add_field(btf, "l", loop, 0, 0);
	assert_int_equal(nwt_btf_member_offset(btf, "self", "zz", &off), -ENOENT);
	assert_int_equal(nwt_btf_member_offset(btf, "holder", "l.x", &off), -EINVAL);
	btf__free(btf);
}

/* skb_frag_t is struct skb_frag { netmem } on 6.18, struct bio_vec { bv_page } on 6.1. */
static void tries_struct_and_member_alternatives_in_order(void **state)
{
	struct btf *btf = make_btf();
	const struct nwt_kernel_field second_struct = { "A", "nosuch|outer", "zz|in.d" };
	const struct nwt_kernel_field member_in_later_struct = { "B", "inner|outer", "x" };
	const struct nwt_kernel_field first_wins = { "C", "inner|outer", "a|b" };
	const struct nwt_kernel_field size = { "D", "nosuch|outer", NULL };
	const struct nwt_kernel_field missing = { "E", "nosuch|inner", "zz|yy" };
	const struct nwt_kernel_field plain = { "F", "inner", "d" };
	const struct nwt_kernel_field plain_size = { "G", "inner", NULL };

	(void)state;
	assert_int_equal(nwt_kernel_field_resolve(&second_struct, btf), 14);
	assert_int_equal(nwt_kernel_field_resolve(&member_in_later_struct, btf), 0);
	assert_int_equal(nwt_kernel_field_resolve(&first_wins, btf), 0);
	assert_int_equal(nwt_kernel_field_resolve(&size, btf), 24);
	assert_int_equal(nwt_kernel_field_resolve(&missing, btf), NWT_OFFSET_UNKNOWN);
	assert_int_equal(nwt_kernel_field_resolve(&plain, btf), 6);
	assert_true(nwt_kernel_field_has_alternatives(&second_struct));
	assert_true(nwt_kernel_field_has_alternatives(&first_wins));
	assert_true(nwt_kernel_field_has_alternatives(&size));
	assert_false(nwt_kernel_field_has_alternatives(&plain_size));
	assert_int_equal(nwt_kernel_field_resolve(&plain_size, btf), 8);
	assert_false(nwt_kernel_field_has_alternatives(&plain));
	btf__free(btf);
}

/* The running kernel's BTF: every field nwtrace reads must resolve. */
static void resolves_every_field_on_this_kernel(void **state)
{
	struct nwt_kernel_offsets offs;
	struct btf *btf;
	unsigned int len_off, head_off;
	int frag_id;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		skip();
		return;
	}
	btf = btf__load_vmlinux_btf();
	assert_false(libbpf_get_error(btf));
	nwt_kernel_offsets_resolve(&offs, btf);
	assert_true(offs.from_btf);
	for (size_t i = 0; i < nwt_kernel_fields_len; i++)
		if (offs.offset[i] == NWT_OFFSET_UNKNOWN)
			fail_msg("%s (%s.%s) not found in vmlinux BTF", nwt_kernel_fields[i].define,
				 nwt_kernel_fields[i].struct_name, nwt_kernel_fields[i].member_path);
	/* sk_buff.len and .head sit in different places; both inside sk_buff */
	assert_int_equal(nwt_btf_member_offset(btf, "sk_buff", "len", &len_off), 0);
	assert_int_equal(nwt_btf_member_offset(btf, "sk_buff", "head", &head_off), 0);
	assert_int_not_equal(len_off, head_off);
	assert_true(len_off < 256 && head_off < 256);
	/* 6.18: struct skb_frag { netmem_ref netmem; unsigned int len, offset; } */
	frag_id = btf__find_by_name_kind(btf, "skb_frag", BTF_KIND_STRUCT);
	if (frag_id > 0 && btf__resolve_size(btf, frag_id) == 16) {
		assert_int_equal(nwt_kernel_offsets_get(&offs, "NWT_OFF_FRAG_PAGE"), 0);
		assert_int_equal(nwt_kernel_offsets_get(&offs, "NWT_OFF_FRAG_LEN"), 8);
		assert_int_equal(nwt_kernel_offsets_get(&offs, "NWT_OFF_FRAG_OFFSET"), 12);
	}
	assert_true(nwt_kernel_offsets_get(&offs, "NWT_SIZEOF_PAGE") >= 32);
	btf__free(btf);
}

/* A kernel function in BTF switches its define on; a struct of that name does not. */
static void kernel_functions_are_found_by_kind(void **state)
{
	struct btf *btf = make_btf();
	struct nwt_kernel_offsets offs;
	int int_id = btf__find_by_name_kind(btf, "int", BTF_KIND_INT);
	int proto;

	(void)state;
	btf__add_struct(btf, nwt_kernel_functions[0].name, 4);
	nwt_kernel_offsets_resolve(&offs, btf);
	assert_false(offs.has_function[0]);
	proto = btf__add_func_proto(btf, int_id);
	btf__add_func(btf, nwt_kernel_functions[0].name, BTF_FUNC_STATIC, proto);
	assert_true(nwt_btf_has_function(btf, nwt_kernel_functions[0].name));
	nwt_kernel_offsets_resolve(&offs, btf);
	assert_true(offs.has_function[0]);
	btf__free(btf);
}

static void without_btf_every_field_is_trusted_to_headers(void **state)
{
	struct nwt_kernel_offsets offs;

	(void)state;
	nwt_kernel_offsets_resolve(&offs, NULL);
	assert_false(offs.from_btf);
	assert_false(offs.has_function[0]);	/* nothing tells: the probes assume the least */
	assert_true(nwt_kernel_offsets_has(&offs, "NWT_OFF_SOCK_NET"));
	assert_false(nwt_kernel_offsets_has(&offs, "NWT_OFF_NO_SUCH_FIELD"));
	/* Renamed between kernels: headers cannot say which name applies. */
	assert_false(nwt_kernel_offsets_has(&offs, "NWT_OFF_FRAG_PAGE"));
	assert_true(nwt_kernel_offsets_has(&offs, "NWT_SIZEOF_PAGE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_members_through_anonymous_unions),
		cmocka_unit_test(reports_missing_and_unreadable_members),
		cmocka_unit_test(gives_up_on_types_that_contain_themselves),
		cmocka_unit_test(tries_struct_and_member_alternatives_in_order),
		cmocka_unit_test(resolves_every_field_on_this_kernel),
		cmocka_unit_test(kernel_functions_are_found_by_kind),
		cmocka_unit_test(without_btf_every_field_is_trusted_to_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
