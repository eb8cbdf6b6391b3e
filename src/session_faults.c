#include "session_faults.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_loader.h"
#include "fault_decode.h"

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
	err = nwt_drop_reasons_add_cflags(cf, &fs->reasons, opts);
	/* The lifecycle probe is planned for its socket owners; its records only if asked. */
	if (!err && !(opts->features & NWT_FEATURE_LIFECYCLE))
		err = nwt_cflags_add(cf, "-DNWT_LIFECYCLE_RECORDS=0");
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

void nwt_faults_print_summary(const struct nwt_faults *fs, struct nwt_bpf *bpf,
			      const struct nwt_options *opts, FILE *out)
{
	static const char *const kinds[NWT_FAULT_KIND_MAX] = {
		[NWT_FAULT_BAD_CSUM] = "bad_csum",
		[NWT_FAULT_INVALID_SEQ] = "invalid_seq",
		[NWT_FAULT_RESET_SENT] = "reset_sent",
		[NWT_FAULT_RESET_RECEIVED] = "reset_received",
	};
	struct count_list *l = calloc(1, sizeof(*l));
	uint32_t not_specified = UINT32_MAX;
	char name[64];

	if (!fs->enabled || !l) {
		free(l);
		return;
	}
	nwt_enum_names_value(&fs->reasons.reasons, "NOT_SPECIFIED", &not_specified);
	if ((opts->features & NWT_FEATURE_DROP) &&
	    !nwt_bpf_sum_percpu_table(bpf, "drop_counts", collect, l)) {
		fprintf(out, "nwtrace: drops by reason:%s", l->n ? "" : " none");
		for (size_t i = 0; i < l->n; i++) {
			const char *text = l->keys[i] == NWT_DROP_REASON_NONE
						   ? "no_reason_on_this_kernel"
						   : nwt_drop_reason_name(&fs->reasons, l->keys[i],
									  name, sizeof(name));

			fprintf(out, "%s %s %" PRIu64 "%s", i ? "," : "", text, l->sums[i],
				l->keys[i] == not_specified && !opts->verbose
					? " (counted, not printed; -v prints them)"
					: "");
		}
		fputc('\n', out);
	}
	l->n = 0;
	if ((opts->features & NWT_FEATURE_ERR) &&
	    !nwt_bpf_sum_percpu_table(bpf, "fault_counts", collect, l)) {
		uint64_t per_kind[NWT_FAULT_KIND_MAX] = { 0 };

		for (size_t i = 0; i < l->n; i++)
			if (l->keys[i] < NWT_FAULT_KIND_MAX)
				per_kind[l->keys[i]] = l->sums[i];
		fprintf(out, "nwtrace: error packets:");
		for (int k = NWT_FAULT_BAD_CSUM; k < NWT_FAULT_KIND_MAX; k++)
			fprintf(out, "%s %s %" PRIu64, k == NWT_FAULT_BAD_CSUM ? "" : ",", kinds[k],
				per_kind[k]);
		fputc('\n', out);
	}
	free(l);
}

void nwt_faults_free(struct nwt_faults *fs)
{
	nwt_drop_reasons_free(&fs->reasons);
	if (fs->have_ksyms)
		nwt_ksyms_free(&fs->ksyms);
}
