/* SPDX-License-Identifier: Apache-2.0 */
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

/*
 * Kernels rename structs and members (6.1's skb_frag_t is struct bio_vec with
 * bv_page, 6.18's is struct skb_frag with netmem): struct_name and
 * member_path may list alternatives separated by '|', tried in order; the
 * first struct alternative that has any member alternative wins.  Such a
 * field has no header fallback: without BTF nwtrace cannot tell which applies.
 */
struct nwt_kernel_field {
	const char *define;		/* NWT_OFF_... or NWT_SIZEOF_... */
	const char *struct_name;	/* "sock", or "skb_frag|bio_vec" */
	const char *member_path;	/* "__sk_common.skc_num": dots descend; NULL: sizeof */
};

extern const struct nwt_kernel_field nwt_kernel_fields[];
extern const size_t nwt_kernel_fields_len;

#define NWT_OFFSET_UNKNOWN (-1L)

/*
 * Kernel functions whose presence in BTF tells what BPF programs may do on
 * this kernel: the define is set where the running kernel has the function.
 */
struct nwt_kernel_function {
	const char *define;	/* NWT_... */
	const char *name;	/* "bpf_sk_storage_get_tracing" */
};

extern const struct nwt_kernel_function nwt_kernel_functions[];
extern const size_t nwt_kernel_functions_len;

/* Resolved offsets, indexed like nwt_kernel_fields, and functions, like nwt_kernel_functions. */
struct nwt_kernel_offsets {
	bool from_btf;		/* false: offsetof() against headers */
	long offset[64];	/* NWT_OFFSET_UNKNOWN when the field is missing */
	bool has_function[4];	/* false without BTF: headers cannot tell */
};

/* Offset (or size) of one field in btf; NWT_OFFSET_UNKNOWN if no alternative matches. */
long nwt_kernel_field_resolve(const struct nwt_kernel_field *field, const struct btf *btf);

/* Looks every field up in btf (NULL: header fallback). */
void nwt_kernel_offsets_resolve(struct nwt_kernel_offsets *offs, const struct btf *btf);

bool nwt_kernel_offsets_has(const struct nwt_kernel_offsets *offs, const char *define);

/* The resolved value of define, NWT_OFFSET_UNKNOWN if missing or not from BTF. */
long nwt_kernel_offsets_get(const struct nwt_kernel_offsets *offs, const char *define);

/* Whether a field lists alternatives (and so has no header fallback). */
bool nwt_kernel_field_has_alternatives(const struct nwt_kernel_field *field);

#endif
