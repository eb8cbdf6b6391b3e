/* Struct member offsets from BTF, descending into anonymous unions and structs. */
#ifndef NWT_BTF_OFFSETS_H
#define NWT_BTF_OFFSETS_H

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

#endif
