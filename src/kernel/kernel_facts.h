/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the planner asks of a kernel (struct nwt_kernel_facts), answered by
 * the running kernel; a test answers it with its own functions.
 */
#ifndef NWT_KERNEL_FACTS_H
#define NWT_KERNEL_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/kernel_offsets.h"

#define NWT_REASON_LEN 192

/* What the running kernel offers; filled by kernel_facts.c or by a test. */
struct nwt_kernel_facts {
	void *ctx;
	bool (*tracepoint_exists)(void *ctx, const char *category, const char *event);
	/* Writes why not into reason; true if kprobes can attach at all. */
	bool (*kprobes_supported)(void *ctx, char *reason, size_t len);
	/* Finds fn, or fn.isra.N / fn.constprop.N, in kallsyms; writes the symbol. */
	bool (*resolve_function)(void *ctx, const char *fn, char *symbol, size_t len);
	bool (*has_offset)(void *ctx, const char *define);
	/* The BTF type id of btf_trace_<event> (its arguments' types), or -1; NULL: never. */
	int (*btf_tracepoint_type)(void *ctx, const char *event);
	/*
	 * Why BTF tracepoints are not used although the kernel types them: the
	 * verifier refused one of nwtrace's programs (found when loading).
	 * "" while none was refused.
	 */
	char btf_tracepoints_refused[NWT_REASON_LEN];
};

struct btf;

struct nwt_running_kernel {
	const char *tracefs_root;	/* may be NULL */
	const struct btf *btf;		/* may be NULL */
	const struct nwt_kernel_offsets *offsets;
};

void nwt_kernel_facts_init(struct nwt_kernel_facts *facts, struct nwt_running_kernel *kernel);

#endif
