/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Everything nwtrace learns about the running kernel before compiling:
 * release, BTF, struct offsets, tracefs, and the probe plan built from them.
 */
#ifndef NWT_KERNEL_ENV_H
#define NWT_KERNEL_ENV_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "kernel/direct_map.h"
#include "kernel/kernel_facts.h"
#include "kernel/kernel_offsets.h"
#include "plan/options.h"
#include "plan/probe_plan.h"

struct btf;

struct nwt_kernel_env {
	struct utsname uts;
	struct btf *btf;
	struct nwt_kernel_offsets offsets;
	struct nwt_running_kernel running;
	struct nwt_kernel_facts facts;
	struct nwt_plan plan;
	struct nwt_direct_map dm;	/* -H: how page fragments are read */
	char tracefs_note[256];		/* what was mounted, if anything */
	int tracefs_err;		/* 0, or why tracefs is unreachable */
};

/* Reads the kernel's facts and plans the probes; mounts tracefs if allowed. */
void nwt_kernel_env_init(struct nwt_kernel_env *env, const struct nwt_options *opts,
			 bool may_mount);
void nwt_kernel_env_free(struct nwt_kernel_env *env);

/*
 * Plans again without BTF tracepoints: the kernel refused one of their
 * programs; `why` becomes their reason in the plan.
 */
void nwt_kernel_env_replan_without_btf_tracepoints(struct nwt_kernel_env *env,
						   const struct nwt_options *opts, const char *why);

#endif
