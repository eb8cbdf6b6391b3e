/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BTF-derived kernel facts: struct member offsets (btf_offsets.c), the
 * field table they fill (kernel_offsets.c), which kernel functions exist,
 * and drop/reset reason names from BTF enums (drop_reasons.c).  nwtrace reads
 * /sys/kernel/btf/vmlinux, or a BTF file of some other kernel, and turns
 * what it finds into -D defines of the probes; libbpf's btf__new() checks the
 * blob's framing, but not what the types say about each other (a struct that
 * contains itself, a typedef of a typedef of itself).  The harness parses the
 * input with btf__new(), resolves nwtrace's field table, and looks up every
 * named struct's members (one level down too), functions and enums.
 *
 * Input: a raw BTF blob (struct btf_header, types, strings).
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/btf_offsets.h"
#include "kernel/drop_reasons.h"
#include "kernel/kernel_offsets.h"

/* Bounds on the generic walk, so that one input stays a few milliseconds. */
#define MAX_TYPES 512
#define MAX_STRUCTS 16
#define MAX_MEMBERS 16
#define MAX_HOPS 16

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	libbpf_set_print(quiet);
	return 0;
}

/* The type under typedefs and modifiers, giving up after MAX_HOPS (loops). */
static const struct btf_type *resolved(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	for (int i = 0; t && i < MAX_HOPS && (btf_is_typedef(t) || btf_is_mod(t)); i++)
		t = btf__type_by_id(btf, t->type);
	return t;
}

static void look_up_members(const struct btf *btf, const char *sname, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	unsigned int off, size;
	char path[256];

	nwt_btf_struct_size(btf, sname, &size);
	for (int i = 0; i < btf_vlen(t) && i < MAX_MEMBERS; i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		const struct btf_type *mt = resolved(btf, m->type);
		const struct btf_member *sub;

		if (mname && *mname)
			nwt_btf_member_offset(btf, sname, mname, &off);
		if (!mt || !btf_is_composite(mt))
			continue;
		/* one level down: "member.sub", or "sub" through an anonymous member */
		sub = btf_members(mt);
		for (int k = 0; k < btf_vlen(mt) && k < MAX_MEMBERS; k++, sub++) {
			const char *subname = btf__name_by_offset(btf, sub->name_off);

			if (!subname || !*subname)
				continue;
			if (mname && *mname)
				snprintf(path, sizeof(path), "%s.%s", mname, subname);
			else
				snprintf(path, sizeof(path), "%s", subname);
			nwt_btf_member_offset(btf, sname, path, &off);
		}
	}
}

static void walk(const struct btf *btf)
{
	struct nwt_enum_names names;
	__u32 n = btf__type_cnt(btf);
	int structs = 0;

	for (__u32 id = 1; id < n && id < MAX_TYPES; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;

		if (!name || !*name)
			continue;
		if (btf_is_composite(t) && structs++ < MAX_STRUCTS)
			look_up_members(btf, name, t);
		else if (btf_is_func(t))
			nwt_btf_has_function(btf, name);
		else if (btf_is_enum(t)) {
			nwt_enum_names_from_btf(&names, btf, name, "");
			nwt_enum_names_free(&names);
		}
	}
}

static void name_reasons(const struct nwt_drop_reasons *dr)
{
	char buf[NWT_ENUM_NAME_LEN + 24];

	for (size_t i = 0; i < dr->reasons.n; i++) {
		nwt_drop_reason_name(dr, dr->reasons.entries[i].value, buf, sizeof(buf));
		nwt_drop_reason_name(dr, dr->reasons.entries[i].value | 0x20000, buf, sizeof(buf));
	}
	for (size_t i = 0; i < dr->subsystems.n; i++)
		nwt_drop_reason_name(dr, dr->subsystems.entries[i].value << 16 | 1, buf, sizeof(buf));
	for (size_t i = 0; i < dr->rst_reasons.n; i++)
		nwt_rst_reason_name(dr, dr->rst_reasons.entries[i].value, buf, sizeof(buf));
}

/*
 * libbpf (1.1) checks the header's section bounds but not that the type
 * section starts 4-byte aligned, and then reads struct btf_type through
 * misaligned pointers (UBSan: "misaligned address").  A kernel's BTF is
 * always aligned and nwtrace reads no other; such framing is libbpf's to
 * refuse, not what this harness tests, so it is skipped here.
 */
static bool aligned_sections(const uint8_t *data, size_t size)
{
	struct btf_header hdr;

	if (size < sizeof(hdr))
		return true;	/* btf__new() refuses it */
	memcpy(&hdr, data, sizeof(hdr));
	return hdr.hdr_len % 4 == 0 && hdr.type_off % 4 == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nwt_kernel_offsets offs;
	struct nwt_drop_reasons dr;
	struct btf *btf;

	if (size > UINT32_MAX || !aligned_sections(data, size))
		return 0;
	btf = btf__new(data, (__u32)size);
	if (!btf)
		return 0;
	nwt_kernel_offsets_resolve(&offs, btf);
	for (size_t i = 0; i < nwt_kernel_fields_len; i++)
		nwt_kernel_offsets_has(&offs, nwt_kernel_fields[i].define);
	nwt_drop_reasons_init(&dr, btf, NULL, NULL);
	name_reasons(&dr);
	nwt_drop_reasons_free(&dr);
	walk(btf);
	btf__free(btf);
	return 0;
}
