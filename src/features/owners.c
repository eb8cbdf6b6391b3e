/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connections accepted by listeners that were open before tracing started
 * are attributed to the listeners' processes: lifecycle, drop and error
 * records name a socket's owner.
 */
#include <errno.h>
#include <stdlib.h>

#include "features/feature.h"
#include "kernel/listener_seed.h"
#include "output/diag.h"

#define MAX_SEEDED 4096

static void seed_listeners(struct nwt_feature_ctx *ctx, struct nwt_bpf *bpf, FILE *out,
			   int64_t wall_offset, double now)
{
	struct nwt_seeded_listener *seeds = calloc(MAX_SEEDED, sizeof(*seeds));
	int n = seeds ? nwt_listeners_scan("/proc", seeds, MAX_SEEDED) : -ENOMEM;
	int written = 0;

	(void)out, (void)wall_offset, (void)now;
	for (int i = 0; i < n; i++)
		written += !nwt_bpf_map_update(bpf, NWT_MAP_LISTENERS, &seeds[i].key, &seeds[i].owner);
	if (ctx->opts->verbose)
		nwt_diag("%d existing listeners attributed to their processes",
			written);
	free(seeds);
}

const struct nwt_feature_module nwt_feature_owners = {
	.name = "owners",
	.flags = NWT_FEATURE_LIFECYCLE | NWT_FEATURE_DROP | NWT_FEATURE_ERR,
	.start = seed_listeners,
};
