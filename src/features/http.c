/* SPDX-License-Identifier: Apache-2.0 */
/*
 * -H: the HTTP/1.x line a packet carries.  The payload of a paged skb is
 * read through the kernel's direct map, whose base is found at start.
 */
#include "features/direct_map_calibration.h"
#include "features/feature.h"

static void calibrate(struct nwt_feature_ctx *ctx)
{
	nwt_direct_map_calibrate(&ctx->env->dm, ctx->opts->verbose);
}

static int direct_map_cflags(struct nwt_feature_ctx *ctx, struct nwt_cflags *cf)
{
	return nwt_direct_map_cflags(&ctx->env->dm, cf);
}

static int verify_calibration(struct nwt_feature_ctx *ctx, FILE *report)
{
	return nwt_direct_map_verify(&ctx->env->dm, ctx->opts->verbose, report);
}

const struct nwt_feature_module nwt_feature_http = {
	.name = "http",
	.flags = NWT_FEATURE_HTTP,
	.prepare_phase = "calibrating the direct map",
	.prepare = calibrate,
	.cflags = direct_map_cflags,
	.verify = verify_calibration,
};
