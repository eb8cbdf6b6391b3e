/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The features of one run: those its options turn on, with their state, and
 * each phase's hooks called over all of them in table order (feature.h).
 */
#ifndef NWT_FEATURES_H
#define NWT_FEATURES_H

#include "features/feature.h"

#define NWT_MAX_FEATURES 16

struct nwt_features {
	const struct nwt_feature_module *feature[NWT_MAX_FEATURES];
	struct nwt_feature_ctx ctx[NWT_MAX_FEATURES];
	size_t n;
};

/* Every feature nwtrace has, in the order their hooks run; NULL-terminated. */
extern const struct nwt_feature_module *const nwt_feature_table[];

/* The features opts turns on.  0, or -1 with errno when one cannot create its state. */
int nwt_features_init(struct nwt_features *fs, const struct nwt_options *opts,
		      struct nwt_kernel_env *env);
void nwt_features_free(struct nwt_features *fs);

/*
 * Runs each prepare().  A stop request ends it between two features: it
 * then returns what the stopped one was doing, else NULL.
 */
const char *nwt_features_prepare(struct nwt_features *fs, bool (*stop_requested)(void));
int nwt_features_cflags(struct nwt_features *fs, struct nwt_cflags *cf);
int nwt_features_verify(struct nwt_features *fs, FILE *report);
void nwt_features_start(struct nwt_features *fs, struct nwt_bpf *bpf, FILE *out,
			int64_t wall_offset, double now);
bool nwt_features_take(struct nwt_features *fs, const void *data, size_t size);
void nwt_features_refine(struct nwt_features *fs, struct nwt_record *rec);
void nwt_features_tick(struct nwt_features *fs, double now, bool final);
void nwt_features_print_stats(struct nwt_features *fs, struct nwt_bpf *bpf, FILE *out,
			      uint64_t wall_ns, bool final, double window_s);
void nwt_features_summary(struct nwt_features *fs, struct nwt_bpf *bpf, FILE *err);
/* The table header of the first enabled feature that has one. */
/* An nwt_load_report_fn: report is the FILE the --verify-probes lines go to. */
void nwt_features_report_load(void *report, enum nwt_load_outcome outcome, const char *kind,
			      const char *target, const char *detail);
void nwt_features_print_table_header(const struct nwt_features *fs, FILE *out);

#endif
