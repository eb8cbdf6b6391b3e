/* SPDX-License-Identifier: Apache-2.0 */
#include "features/fault_names.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "loader/bpf_loader.h"
#include "decode/fault_decode.h"
#include "output/diag.h"
#include "output/fault_summary.h"

void nwt_faults_init(struct nwt_faults *fs, const struct nwt_options *opts,
		     const struct nwt_kernel_env *env)
{
	memset(fs, 0, sizeof(*fs));
	fs->enabled = opts->features & (NWT_FEATURE_DROP | NWT_FEATURE_ERR | NWT_FEATURE_UDP);
	if (fs->enabled) {
		nwt_drop_reasons_load(&fs->reasons, env->btf, env->running.tracefs_root);
		if (!fs->reasons.reasons_source && fs->reasons.kfree_skb_has_reason)
			nwt_diag(
				"drop reason names not found in BTF or the kfree_skb format file; reasons print as numbers");
		else if (opts->verbose)
			nwt_diag("%zu drop reason names from %s",
				fs->reasons.reasons.n,
				fs->reasons.reasons_source ? fs->reasons.reasons_source
							   : "nowhere (this kernel has no drop reasons)");
	}
	if (opts->addr_to_func) {
		FILE *f = fopen("/proc/kallsyms", "r");

		fs->have_ksyms = f && !nwt_ksyms_load(&fs->ksyms, f);
		if (f)
			fclose(f);
		if (!fs->have_ksyms)
			nwt_diag(
				"-T: /proc/kallsyms shows no addresses (run as root, check kernel.kptr_restrict); printing raw addresses");
	}
}

int nwt_faults_cflags(const struct nwt_faults *fs, struct nwt_cflags *cf,
		      const struct nwt_options *opts)
{
	int err;

	if (!fs->enabled)
		return 0;
	/*
	 * The lifecycle probe is planned for its socket owners too; without the
	 * lifecycle feature bpf_defines.c compiles it with NWT_STATE_TRACK_ONLY.
	 */
	err = nwt_drop_reasons_add_cflags(cf, &fs->reasons, opts->verbose);
	return err;
}

void nwt_faults_resolve(const struct nwt_faults *fs, struct nwt_record *rec)
{
	if (nwt_record_is_fault(rec))
		nwt_fault_resolve(rec, &fs->reasons, fs->have_ksyms ? &fs->ksyms : NULL);
}

struct count_list {
	uint32_t keys[1024];
	uint64_t sums[1024];
	size_t n;
};

static void collect(void *ctx, uint32_t key, uint64_t sum)
{
	struct count_list *l = ctx;

	if (sum && l->n < sizeof(l->keys) / sizeof(l->keys[0])) {
		l->keys[l->n] = key;
		l->sums[l->n++] = sum;
	}
}

static const char *const kind_names[NWT_FAULT_KIND_MAX] = {
	[NWT_FAULT_BAD_CSUM] = "bad_csum",
	[NWT_FAULT_INVALID_SEQ] = "invalid_seq",
	[NWT_FAULT_RESET_SENT] = "reset_sent",
	[NWT_FAULT_RESET_RECEIVED] = "reset_received",
};

/* The kernel's counts since tracing started: drops per reason, error packets per kind. */
struct fault_totals {
	bool have_drops, have_kinds;
	struct count_list drops;
	uint64_t per_kind[NWT_FAULT_KIND_MAX];
};

static struct fault_totals *read_totals(struct nwt_bpf *bpf, const struct nwt_options *opts)
{
	struct fault_totals *t = calloc(1, sizeof(*t));
	struct count_list *kinds = calloc(1, sizeof(*kinds));

	if (!t || !kinds) {
		free(t);
		free(kinds);
		return NULL;
	}
	t->have_drops = (opts->features & (NWT_FEATURE_DROP | NWT_FEATURE_UDP)) &&
			!nwt_bpf_sum_percpu_table(bpf, NWT_MAP_DROP_COUNTS, collect, &t->drops);
	t->have_kinds = (opts->features & NWT_FEATURE_ERR) &&
			!nwt_bpf_sum_percpu_table(bpf, NWT_MAP_FAULT_COUNTS, collect, kinds);
	for (size_t i = 0; i < kinds->n; i++)
		if (kinds->keys[i] < NWT_FAULT_KIND_MAX)
			t->per_kind[kinds->keys[i]] = kinds->sums[i];
	free(kinds);
	return t;
}

static const char *reason_text(const struct nwt_faults *fs, uint32_t reason, char *buf,
			       size_t len)
{
	if (reason == NWT_DROP_REASON_NONE)
		return "no_reason_on_this_kernel";
	return nwt_drop_reason_name(&fs->reasons, reason, buf, len);
}

/* The counts named for output: reasons as the kernel names them, kinds as JSON does. */
struct named_counts {
	struct nwt_fault_count drops[1024];
	struct nwt_fault_count kinds[NWT_FAULT_KIND_MAX];
	struct nwt_fault_counts c;
};

static struct named_counts *name_counts(const struct nwt_faults *fs, const struct fault_totals *t,
					const struct nwt_options *opts)
{
	struct named_counts *nc = calloc(1, sizeof(*nc));
	uint32_t not_specified = UINT32_MAX;

	if (!nc)
		return NULL;
	nwt_enum_names_value(&fs->reasons.reasons, "NOT_SPECIFIED", &not_specified);
	for (size_t i = 0; i < t->drops.n; i++) {
		struct nwt_fault_count *d = &nc->drops[i];
		const char *name = reason_text(fs, t->drops.keys[i], d->name, sizeof(d->name));

		if (name != d->name)
			snprintf(d->name, sizeof(d->name), "%s", name);
		d->count = t->drops.sums[i];
		d->not_printed = t->drops.keys[i] == not_specified && !opts->verbose;
	}
	for (int k = NWT_FAULT_BAD_CSUM; k < NWT_FAULT_KIND_MAX; k++) {
		struct nwt_fault_count *e = &nc->kinds[nc->c.n_kinds++];

		snprintf(e->name, sizeof(e->name), "%s", kind_names[k]);
		e->count = t->per_kind[k];
	}
	nc->c.have_drops = t->have_drops;
	nc->c.drops = nc->drops;
	nc->c.n_drops = t->drops.n;
	nc->c.have_kinds = t->have_kinds;
	nc->c.kinds = nc->kinds;
	return nc;
}

void nwt_faults_print_summary(const struct nwt_faults *fs, struct nwt_bpf *bpf,
			      const struct nwt_options *opts, FILE *out)
{
	struct fault_totals *t = fs->enabled ? read_totals(bpf, opts) : NULL;
	struct named_counts *nc = t ? name_counts(fs, t, opts) : NULL;

	if (nc)
		nwt_fault_summary_print(out, &nc->c);
	free(nc);
	free(t);
}

void nwt_faults_print_stats(const struct nwt_faults *fs, struct nwt_bpf *bpf,
			    const struct nwt_options *opts, FILE *out, uint64_t wall_ns)
{
	struct fault_totals *t = fs->enabled ? read_totals(bpf, opts) : NULL;
	struct named_counts *nc = t ? name_counts(fs, t, opts) : NULL;

	if (nc)
		nwt_fault_stats_print(out, &nc->c, opts->json, wall_ns);
	free(nc);
	free(t);
}

void nwt_faults_free(struct nwt_faults *fs)
{
	nwt_drop_reasons_free(&fs->reasons);
	if (fs->have_ksyms)
		nwt_ksyms_free(&fs->ksyms);
}
