/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/kallsyms: kprobe target resolution and address-to-function lookup. */
#ifndef NWT_KALLSYMS_H
#define NWT_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Finds the text symbol for fn in a kallsyms stream: fn itself, or the
 * compiler's clone of it (fn.isra.N, fn.constprop.N).  Writes it to symbol.
 */
bool nwt_kallsyms_resolve(FILE *kallsyms, const char *fn, char *symbol, size_t len);

/* Text symbols sorted by address, for kernel address -> function+offset. */
struct nwt_ksym {
	unsigned long long addr;
	char *name;
};

struct nwt_ksyms {
	struct nwt_ksym *syms;
	size_t n;
};

/*
 * Reads the text symbols of a kallsyms stream.  Returns 0, -ENOENT when it
 * holds none with a non-zero address (kallsyms read without privileges), or -ENOMEM.
 */
int nwt_ksyms_load(struct nwt_ksyms *ksyms, FILE *kallsyms);

/* "nf_hook_slow+0x8c" for addr, or NULL when no symbol precedes it. */
const char *nwt_ksyms_format(const struct nwt_ksyms *ksyms, unsigned long long addr, char *buf,
			     size_t len);

void nwt_ksyms_free(struct nwt_ksyms *ksyms);

#endif
