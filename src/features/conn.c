/* SPDX-License-Identifier: Apache-2.0 */
/* -x: the connection table, every interval, from a BPF iterator pass over TCP sockets. */
#include <stdlib.h>

#include "features/conn_view.h"
#include "features/feature.h"

struct conn_state {
	struct nwt_conn_view view;
	bool running;		/* the view started; without it -x prints nothing */
};

static void *create(const struct nwt_options *opts, const struct nwt_kernel_env *env)
{
	(void)opts, (void)env;
	return calloc(1, sizeof(struct conn_state));
}

static void start(struct nwt_feature_ctx *ctx, struct nwt_bpf *bpf, FILE *out,
		  int64_t wall_offset, double now)
{
	struct conn_state *c = ctx->state;

	c->running = !nwt_conn_view_init(&c->view, ctx->opts, bpf, out, wall_offset, now);
}

/* Connection samples of an iterator pass belong to the table, not to the record stream. */
static bool take(struct nwt_feature_ctx *ctx, const void *data, size_t size)
{
	struct conn_state *c = ctx->state;

	return c->running && nwt_conn_view_take(&c->view, data, size);
}

static void tick(struct nwt_feature_ctx *ctx, double now, bool final)
{
	struct conn_state *c = ctx->state;

	if (!c->running)
		return;
	nwt_conn_view_tick(&c->view, now, final);	/* final: the table as tracing ends */
	if (final) {
		nwt_conn_view_free(&c->view);
		c->running = false;
	}
}

static void destroy(void *state)
{
	struct conn_state *c = state;

	if (c && c->running)
		nwt_conn_view_free(&c->view);
	free(c);
}

const struct nwt_feature_module nwt_feature_conn = {
	.name = "conn",
	.flags = NWT_FEATURE_CONN,
	.create = create,
	.start = start,
	.take = take,
	.tick = tick,
	.destroy = destroy,
};
