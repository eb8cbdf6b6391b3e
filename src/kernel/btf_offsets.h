/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Struct member offsets from BTF, descending into anonymous unions and
 * structs, and whether the kernel has a function.
 */
#ifndef NWT_BTF_OFFSETS_H
#define NWT_BTF_OFFSETS_H

#include <stdbool.h>

struct btf;

/*
 * Byte offset of member_path ("a.b.c") inside struct/union struct_name.
 * Returns 0, -ENOENT (no such type or member) or -EINVAL (a bitfield, or a
 * path through something that is not a struct or union).
 */
int nwt_btf_member_offset(const struct btf *btf, const char *struct_name,
			  const char *member_path, unsigned int *offset);

/* sizeof(struct_name): 0 or -ENOENT. */
int nwt_btf_struct_size(const struct btf *btf, const char *struct_name, unsigned int *size);

/* Does btf describe a function called name? */
bool nwt_btf_has_function(const struct btf *btf, const char *name);

#endif
