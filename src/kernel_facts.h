/* struct nwt_kernel_facts answered by the running kernel. */
#ifndef NWT_KERNEL_FACTS_H
#define NWT_KERNEL_FACTS_H

#include "kernel_offsets.h"
#include "probe_plan.h"

struct btf;

struct nwt_running_kernel {
	const char *tracefs_root;	/* may be NULL */
	const struct btf *btf;		/* may be NULL */
	const struct nwt_kernel_offsets *offsets;
};

void nwt_kernel_facts_init(struct nwt_kernel_facts *facts, struct nwt_running_kernel *kernel);

#endif
