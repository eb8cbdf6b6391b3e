/* SPDX-License-Identifier: Apache-2.0 */
#include "kernel/kernel_facts.h"

#include <bpf/btf.h>
#include <stdio.h>
#include <unistd.h>

#include "kernel/kallsyms.h"

/* The BTF type of a tracepoint's arguments: the typedef btf_trace_<event>, or -1. */
static int running_btf_tracepoint_type(void *ctx, const char *event)
{
	struct nwt_running_kernel *k = ctx;
	char name[160];

	snprintf(name, sizeof(name), "btf_trace_%s", event);
	return k->btf ? btf__find_by_name_kind(k->btf, name, BTF_KIND_TYPEDEF) : -1;
}

static bool running_tracepoint_exists(void *ctx, const char *category, const char *event)
{
	struct nwt_running_kernel *k = ctx;
	char path[512];

	if (k->tracefs_root) {
		snprintf(path, sizeof(path), "%s/events/%s/%s", k->tracefs_root, category, event);
		return access(path, F_OK) == 0;
	}
	/* No tracefs (e.g. not root): every tracepoint has a btf_trace_ typedef. */
	return running_btf_tracepoint_type(ctx, event) > 0;
}

static bool running_kprobes_supported(void *ctx, char *reason, size_t len)
{
	(void)ctx;
	if (access("/sys/bus/event_source/devices/kprobe", F_OK) == 0)
		return true;
	snprintf(reason, len,
		 "kprobes not supported by this kernel (no kprobe event source: CONFIG_KPROBES unset)");
	return false;
}

static bool running_resolve_function(void *ctx, const char *fn, char *symbol, size_t len)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	bool found;

	(void)ctx;
	if (!f)
		return false;
	found = nwt_kallsyms_resolve(f, fn, symbol, len);
	fclose(f);
	return found;
}

static bool running_has_offset(void *ctx, const char *define)
{
	struct nwt_running_kernel *k = ctx;

	return nwt_kernel_offsets_has(k->offsets, define);
}

void nwt_kernel_facts_init(struct nwt_kernel_facts *facts, struct nwt_running_kernel *kernel)
{
	facts->ctx = kernel;
	facts->tracepoint_exists = running_tracepoint_exists;
	facts->btf_tracepoint_type = running_btf_tracepoint_type;
	facts->kprobes_supported = running_kprobes_supported;
	facts->resolve_function = running_resolve_function;
	facts->has_offset = running_has_offset;
}
