/* SPDX-License-Identifier: Apache-2.0 */
/*
 * -k, -e (and -u for UDP's drops): packet drops with the kernel's reason, and error packets (bad
 * checksums, bad sequence numbers, resets), named with the running kernel's
 * reason names and, with -T, kernel symbols.
 */
#include <stdlib.h>

#include "features/fault_names.h"
#include "features/feature.h"
#include "output/output.h"

static void *create(const struct nwt_options *opts, const struct nwt_kernel_env *env)
{
	struct nwt_faults *fs = malloc(sizeof(*fs));

	if (fs)
		nwt_faults_init(fs, opts, env);
	return fs;
}

static int cflags(struct nwt_feature_ctx *ctx, struct nwt_cflags *cf)
{
	return nwt_faults_cflags(ctx->state, cf, ctx->opts);
}

static void refine(struct nwt_feature_ctx *ctx, struct nwt_record *rec)
{
	nwt_faults_resolve(ctx->state, rec);
}

static void print_stats(struct nwt_feature_ctx *ctx, struct nwt_bpf *bpf, FILE *out,
			uint64_t wall_ns, bool final, double window_s)
{
	(void)final;	/* the counts are always since the start */
	(void)window_s;
	nwt_faults_print_stats(ctx->state, bpf, ctx->opts, out, wall_ns);
}

static void summary(struct nwt_feature_ctx *ctx, struct nwt_bpf *bpf, FILE *err)
{
	nwt_faults_print_summary(ctx->state, bpf, ctx->opts, err);
}

static void destroy(void *state)
{
	if (state)
		nwt_faults_free(state);
	free(state);
}

const struct nwt_feature_module nwt_feature_faults = {
	.name = "faults",
	.flags = NWT_FEATURE_DROP | NWT_FEATURE_ERR | NWT_FEATURE_UDP,	/* -u: UDP's drops */
	.table_header = nwt_table_print_header,
	.create = create,
	.cflags = cflags,
	.refine = refine,
	.print_stats = print_stats,
	.summary = summary,
	.destroy = destroy,
};
