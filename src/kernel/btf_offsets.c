/* SPDX-License-Identifier: Apache-2.0 */
#include "kernel/btf_offsets.h"

#include <bpf/btf.h>
#include <errno.h>
#include <string.h>

/*
 * btf__new() checks that type ids exist, not that types end: a BTF file can
 * hold a typedef of itself, or a struct that is its own anonymous member (or
 * whose anonymous members multiply, level after level).  Typedef and
 * modifier chains stop at libbpf's own resolve depth, and one member look-up
 * descends into at most MAX_ANON_DESCENTS anonymous members, many times what
 * any kernel nests.
 */
#define MAX_MODIFIER_DEPTH 32
#define MAX_ANON_DESCENTS 256

static const struct btf_type *skip_modifiers(const struct btf *btf, const struct btf_type *t)
{
	for (int depth = 0; t && (btf_is_typedef(t) || btf_is_mod(t)); depth++) {
		if (depth == MAX_MODIFIER_DEPTH)
			return NULL;
		t = btf__type_by_id(btf, t->type);
	}
	return t;
}

/*
 * Finds `name` (len bytes) among t's members; anonymous members are searched
 * recursively because the kernel hides many fields in unnamed unions.
 * On success *bit_offset is relative to t, *member_type is the member's type.
 * *descents counts down the anonymous members it may still enter.
 */
static int find_member(const struct btf *btf, const struct btf_type *t, const char *name,
		       size_t len, unsigned int *bit_offset, const struct btf_type **member_type,
		       int *descents)
{
	const struct btf_member *m = btf_members(t);

	for (unsigned short i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		const struct btf_type *mt = skip_modifiers(btf, btf__type_by_id(btf, m->type));
		unsigned int moff = btf_member_bit_offset(t, i);

		if (mname && *mname) {
			if (strlen(mname) != len || strncmp(mname, name, len))
				continue;
			if (btf_member_bitfield_size(t, i))
				return -EINVAL;
			*bit_offset = moff;
			*member_type = mt;
			return 0;
		}
		if (mt && btf_is_composite(mt) && (*descents)-- > 0) {
			unsigned int inner;

			if (!find_member(btf, mt, name, len, &inner, member_type, descents)) {
				*bit_offset = moff + inner;
				return 0;
			}
		}
	}
	return -ENOENT;
}

static const struct btf_type *find_composite(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	if (id < 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_UNION);
	return id < 0 ? NULL : btf__type_by_id(btf, id);
}

int nwt_btf_member_offset(const struct btf *btf, const char *struct_name,
			  const char *member_path, unsigned int *offset)
{
	const struct btf_type *t = find_composite(btf, struct_name);
	const char *component = member_path;
	unsigned int total_bits = 0;

	if (!t)
		return -ENOENT;
	for (;;) {
		const char *dot = strchr(component, '.');
		size_t len = dot ? (size_t)(dot - component) : strlen(component);
		const struct btf_type *member_type = NULL;
		int err, descents = MAX_ANON_DESCENTS;
		unsigned int bits;

		if (!t || !btf_is_composite(t) || len == 0)
			return -EINVAL;
		err = find_member(btf, t, component, len, &bits, &member_type, &descents);
		if (err)
			return err;
		total_bits += bits;
		if (!dot)
			break;
		component = dot + 1;
		t = member_type;
	}
	if (total_bits % 8)
		return -EINVAL;
	*offset = total_bits / 8;
	return 0;
}

int nwt_btf_struct_size(const struct btf *btf, const char *struct_name, unsigned int *size)
{
	const struct btf_type *t = find_composite(btf, struct_name);

	if (!t)
		return -ENOENT;
	*size = t->size;
	return 0;
}

bool nwt_btf_has_function(const struct btf *btf, const char *name)
{
	return btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}
