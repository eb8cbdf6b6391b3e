/*
 * Kernel struct fields the probes read, by the NWT_OFF_* define that carries
 * each offset into the BPF code.  Offsets come from the running kernel's BTF;
 * without BTF the define becomes an offsetof() against the kernel headers.
 */
#ifndef NWT_KERNEL_OFFSETS_H
#define NWT_KERNEL_OFFSETS_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

struct nwt_kernel_field {
	const char *define;		/* NWT_OFF_... */
	const char *struct_name;	/* "sock" */
	const char *member_path;	/* "__sk_common.skc_num": dots descend */
};

extern const struct nwt_kernel_field nwt_kernel_fields[];
extern const size_t nwt_kernel_fields_len;

#define NWT_OFFSET_UNKNOWN (-1L)

/* Resolved offsets, indexed like nwt_kernel_fields. */
struct nwt_kernel_offsets {
	bool from_btf;		/* false: offsetof() against headers */
	long offset[64];	/* NWT_OFFSET_UNKNOWN when the field is missing */
};

/* Looks every field up in btf (NULL: header fallback). */
void nwt_kernel_offsets_resolve(struct nwt_kernel_offsets *offs, const struct btf *btf);

bool nwt_kernel_offsets_has(const struct nwt_kernel_offsets *offs, const char *define);

#endif
