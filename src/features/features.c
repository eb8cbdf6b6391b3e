/* SPDX-License-Identifier: Apache-2.0 */
#include "features/features.h"

#include <errno.h>
#include <string.h>

#include "output/verify_report.h"

extern const struct nwt_feature_module nwt_feature_packet, nwt_feature_http, nwt_feature_lifecycle,
	nwt_feature_state, nwt_feature_retrans, nwt_feature_conn, nwt_feature_faults,
	nwt_feature_owners, nwt_feature_udp;

/*
 * Hook order: a packet's table header wins over UDP's (datagrams then fill
 * its columns) and both over the lifecycle one, and -k/-e name a record's drop reason before -S rewrites state
 * records.
 */
const struct nwt_feature_module *const nwt_feature_table[] = {
	&nwt_feature_packet, &nwt_feature_udp, &nwt_feature_http,	   &nwt_feature_lifecycle, &nwt_feature_faults,
	&nwt_feature_state,  &nwt_feature_retrans, &nwt_feature_conn,	   &nwt_feature_owners,
	NULL,
};

int nwt_features_init(struct nwt_features *fs, const struct nwt_options *opts,
		      struct nwt_kernel_env *env)
{
	memset(fs, 0, sizeof(*fs));
	for (const struct nwt_feature_module *const *f = nwt_feature_table; *f; f++) {
		struct nwt_feature_ctx *ctx = &fs->ctx[fs->n];

		if (!(opts->features & (*f)->flags))
			continue;
		if (fs->n == NWT_MAX_FEATURES) {
			nwt_features_free(fs);
			errno = ENOSPC;
			return -1;
		}
		ctx->opts = opts;
		ctx->env = env;
		if ((*f)->create && !(ctx->state = (*f)->create(opts, env))) {
			nwt_features_free(fs);
			return -1;
		}
		fs->feature[fs->n++] = *f;
	}
	return 0;
}

void nwt_features_free(struct nwt_features *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->feature[i]->destroy)
			fs->feature[i]->destroy(fs->ctx[i].state);
	fs->n = 0;
}

const char *nwt_features_prepare(struct nwt_features *fs, bool (*stop_requested)(void))
{
	for (size_t i = 0; i < fs->n; i++) {
		if (!fs->feature[i]->prepare)
			continue;
		fs->feature[i]->prepare(&fs->ctx[i]);
		if (stop_requested())
			return fs->feature[i]->prepare_phase ?: "preparing the features";
	}
	return NULL;
}

int nwt_features_cflags(struct nwt_features *fs, struct nwt_cflags *cf)
{
	int err = 0;

	for (size_t i = 0; i < fs->n && !err; i++)
		if (fs->feature[i]->cflags)
			err = fs->feature[i]->cflags(&fs->ctx[i], cf);
	return err;
}

int nwt_features_verify(struct nwt_features *fs, FILE *report)
{
	int failures = 0;

	for (size_t i = 0; i < fs->n; i++)
		if (fs->feature[i]->verify)
			failures += fs->feature[i]->verify(&fs->ctx[i], report);
	return failures;
}

void nwt_features_start(struct nwt_features *fs, struct nwt_bpf *bpf, FILE *out,
			int64_t wall_offset, double now)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->feature[i]->start)
			fs->feature[i]->start(&fs->ctx[i], bpf, out, wall_offset, now);
}

bool nwt_features_take(struct nwt_features *fs, const void *data, size_t size)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->feature[i]->take && fs->feature[i]->take(&fs->ctx[i], data, size))
			return true;
	return false;
}

void nwt_features_refine(struct nwt_features *fs, struct nwt_record *rec)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->feature[i]->refine)
			fs->feature[i]->refine(&fs->ctx[i], rec);
}

void nwt_features_tick(struct nwt_features *fs, double now, bool final)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->feature[i]->tick)
			fs->feature[i]->tick(&fs->ctx[i], now, final);
}

void nwt_features_print_stats(struct nwt_features *fs, struct nwt_bpf *bpf, FILE *out,
			      uint64_t wall_ns, bool final, double window_s)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->feature[i]->print_stats)
			fs->feature[i]->print_stats(&fs->ctx[i], bpf, out, wall_ns, final, window_s);
}

void nwt_features_summary(struct nwt_features *fs, struct nwt_bpf *bpf, FILE *err)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->feature[i]->summary)
			fs->feature[i]->summary(&fs->ctx[i], bpf, err);
}

void nwt_features_print_table_header(const struct nwt_features *fs, FILE *out)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->feature[i]->table_header) {
			fs->feature[i]->table_header(out);
			return;
		}
}

void nwt_features_report_load(void *report, enum nwt_load_outcome outcome, const char *kind,
			      const char *target, const char *detail)
{
	static const enum nwt_verify_outcome as_verify[] = {
		[NWT_LOAD_OK] = NWT_VERIFY_LOADED,
		[NWT_LOAD_FAILED] = NWT_VERIFY_FAILED,
		[NWT_LOAD_SKIPPED] = NWT_VERIFY_SKIPPED,
	};

	nwt_verify_report_line(report, as_verify[outcome], kind, target, detail);
}
