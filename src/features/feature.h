/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A feature as a run sees it: the option bits that turn it on, and what it
 * does at each phase of the run.  The session calls the hooks of every
 * enabled feature, in the order of the table in features.c, and holds no
 * code of any one feature.  Every hook may be NULL.
 *
 * Adding a feature: its probe file(s) under probes/, its catalog rows
 * (plan/probe_catalog.c), one src/features/<name>.c defining a struct
 * nwt_feature, and its line in features.c.
 */
#ifndef NWT_FEATURE_H
#define NWT_FEATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode/record.h"
#include "loader/bpf_loader.h"
#include "plan/kernel_env.h"
#include "plan/options.h"
#include "util/cflags.h"

/* What every hook is handed: the run's request, the kernel, and the feature's own state. */
struct nwt_feature_ctx {
	const struct nwt_options *opts;
	struct nwt_kernel_env *env;
	void *state;		/* from create(), else NULL */
};

struct nwt_feature_module {
	const char *name;
	unsigned int flags;	/* NWT_FEATURE_* bits: any one of them enables the feature */
	/* Prints the header of the table its records go to (the first enabled one wins). */
	void (*table_header)(FILE *out);
	/* What prepare() is doing, for a stop request that comes meanwhile. */
	const char *prepare_phase;

	/* Its state for the run; NULL with errno set if it cannot run. */
	void *(*create)(const struct nwt_options *opts, const struct nwt_kernel_env *env);
	/* Before compiling: what the kernel has to be asked at run time. */
	void (*prepare)(struct nwt_feature_ctx *ctx);
	/* Its -D defines. */
	int (*cflags)(struct nwt_feature_ctx *ctx, struct nwt_cflags *cf);
	/* --verify-probes: programs of its own outside the plan; returns the failures. */
	int (*verify)(struct nwt_feature_ctx *ctx, FILE *report);
	/* Tracing begins: the probes are attached and out is the output. */
	void (*start)(struct nwt_feature_ctx *ctx, struct nwt_bpf *bpf, FILE *out,
		      int64_t wall_offset, double now);
	/* A raw record it consumes itself (it is then not decoded and printed). */
	bool (*take)(struct nwt_feature_ctx *ctx, const void *data, size_t size);
	/* A decoded record on its way to the output. */
	void (*refine)(struct nwt_feature_ctx *ctx, struct nwt_record *rec);
	/* Each poll period while tracing, and once more (final) when it ends. */
	void (*tick)(struct nwt_feature_ctx *ctx, double now, bool final);
	/* Its lines of a -s statistics report: of the last window_s seconds, or (final) of the run. */
	void (*print_stats)(struct nwt_feature_ctx *ctx, struct nwt_bpf *bpf, FILE *out,
			    uint64_t wall_ns, bool final, double window_s);
	/* Its lines of the summary on stderr. */
	void (*summary)(struct nwt_feature_ctx *ctx, struct nwt_bpf *bpf, FILE *err);
	void (*destroy)(void *state);
};

#endif
