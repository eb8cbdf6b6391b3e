/* SPDX-License-Identifier: Apache-2.0 */
#include "features/fault_names.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "loader/bpf_loader.h"
#include "decode/fault_decode.h"
#include "output/output.h"

void nwt_faults_init(struct nwt_faults *fs, const struct nwt_options *opts,
		     const struct nwt_kernel_env *env)
{
	memset(fs, 0, sizeof(*fs));
	fs->enabled = opts->features & (NWT_FEATURE_DROP | NWT_FEATURE_ERR);
	if (fs->enabled) {
		nwt_drop_reasons_load(&fs->reasons, env->btf, env->running.tracefs_root);
		if (!fs->reasons.reasons_source && fs->reasons.kfree_skb_has_reason)
			fprintf(stderr,
				"nwtrace: drop reason names not found in BTF or the kfree_skb format file; reasons print as numbers\n");
		else if (opts->verbose)
			fprintf(stderr, "nwtrace: %zu drop reason names from %s\n",
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
			fprintf(stderr,
				"nwtrace: -T: /proc/kallsyms shows no addresses (run as root, check kernel.kptr_restrict); printing raw addresses\n");
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
	t->have_drops = (opts->features & NWT_FEATURE_DROP) &&
			!nwt_bpf_sum_percpu_table(bpf, "drop_counts", collect, &t->drops);
	t->have_kinds = (opts->features & NWT_FEATURE_ERR) &&
			!nwt_bpf_sum_percpu_table(bpf, "fault_counts", collect, kinds);
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

void nwt_faults_print_summary(const struct nwt_faults *fs, struct nwt_bpf *bpf,
			      const struct nwt_options *opts, FILE *out)
{
	struct fault_totals *t = fs->enabled ? read_totals(bpf, opts) : NULL;
	uint32_t not_specified = UINT32_MAX;
	char name[64];

	if (!t)
		return;
	nwt_enum_names_value(&fs->reasons.reasons, "NOT_SPECIFIED", &not_specified);
	if (t->have_drops) {
		fprintf(out, "nwtrace: drops by reason:%s", t->drops.n ? "" : " none");
		for (size_t i = 0; i < t->drops.n; i++)
			fprintf(out, "%s %s %" PRIu64 "%s", i ? "," : "",
				reason_text(fs, t->drops.keys[i], name, sizeof(name)),
				t->drops.sums[i],
				t->drops.keys[i] == not_specified && !opts->verbose
					? " (counted, not printed; -v prints them)"
					: "");
		fputc('\n', out);
	}
	if (t->have_kinds) {
		fprintf(out, "nwtrace: error packets:");
		for (int k = NWT_FAULT_BAD_CSUM; k < NWT_FAULT_KIND_MAX; k++)
			fprintf(out, "%s %s %" PRIu64, k == NWT_FAULT_BAD_CSUM ? "" : ",", kind_names[k],
				t->per_kind[k]);
		fputc('\n', out);
	}
	free(t);
}

void nwt_faults_print_stats(const struct nwt_faults *fs, struct nwt_bpf *bpf,
			    const struct nwt_options *opts, FILE *out, uint64_t wall_ns)
{
	struct fault_totals *t = fs->enabled ? read_totals(bpf, opts) : NULL;
	json_t *obj, *drops, *errors;
	char name[64];

	if (!t)
		return;
	if (!opts->json) {
		if (t->have_drops) {
			fprintf(out, "drops since start by reason:%s", t->drops.n ? "" : " none");
			for (size_t i = 0; i < t->drops.n; i++)
				fprintf(out, "%s %s %" PRIu64, i ? "," : "",
					reason_text(fs, t->drops.keys[i], name, sizeof(name)),
					t->drops.sums[i]);
			fputc('\n', out);
		}
		if (t->have_kinds) {
			fprintf(out, "error packets since start:");
			for (int k = NWT_FAULT_BAD_CSUM; k < NWT_FAULT_KIND_MAX; k++)
				fprintf(out, "%s %s %" PRIu64, k == NWT_FAULT_BAD_CSUM ? "" : ",",
					kind_names[k], t->per_kind[k]);
			fputc('\n', out);
		}
		free(t);
		return;
	}
	obj = json_object();
	drops = json_object();
	errors = json_object();
	json_object_set_new(obj, "type", json_string("fault_stats"));
	json_object_set_new(obj, "ts", json_string(nwt_format_iso8601(wall_ns, name, sizeof(name))));
	for (size_t i = 0; t->have_drops && i < t->drops.n; i++)
		json_object_set_new(drops, reason_text(fs, t->drops.keys[i], name, sizeof(name)),
				    json_integer((json_int_t)t->drops.sums[i]));
	for (int k = NWT_FAULT_BAD_CSUM; t->have_kinds && k < NWT_FAULT_KIND_MAX; k++)
		json_object_set_new(errors, kind_names[k], json_integer((json_int_t)t->per_kind[k]));
	if (t->have_drops)
		json_object_set_new(obj, "drops_by_reason", drops);
	else
		json_decref(drops);
	if (t->have_kinds)
		json_object_set_new(obj, "errors", errors);
	else
		json_decref(errors);
	if (json_dumpf(obj, out, JSON_COMPACT | JSON_PRESERVE_ORDER) >= 0)
		fputc('\n', out);
	json_decref(obj);
	free(t);
}

void nwt_faults_free(struct nwt_faults *fs)
{
	nwt_drop_reasons_free(&fs->reasons);
	if (fs->have_ksyms)
		nwt_ksyms_free(&fs->ksyms);
}
