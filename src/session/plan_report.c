/* SPDX-License-Identifier: Apache-2.0 */
#include "session/plan_report.h"

#include "output/output_plan.h"

struct plan_rows {
	struct nwt_plan_probe_view probes[NWT_MAX_PLANNED];
	struct nwt_plan_view view;
};

static void plan_rows(struct plan_rows *r, const struct nwt_plan *plan)
{
	_Static_assert(NWT_PLAN_VIEW_ALTS >= NWT_MAX_ALTERNATIVES, "a row's alternatives fit its view");
	r->view.probes = r->probes;
	r->view.n_probes = plan->n_probes;
	r->view.loaded = plan->loaded;
	r->view.unchecked = plan->unchecked;
	for (size_t p = 0; p < plan->n_probes; p++) {
		const struct nwt_planned_probe *pp = &plan->probes[p];
		struct nwt_plan_probe_view *v = &r->probes[p];

		v->feature = pp->probe->feature_name;
		v->probe = pp->probe->name;
		v->optional = pp->probe->optional;
		v->not_needed = pp->not_needed;
		v->chosen = -1;
		v->n_alts = pp->n_alts;
		for (int k = 0; k < pp->n_alts; k++) {
			int i = pp->order[k];
			const struct nwt_alt_status *st = &pp->status[i];

			v->alts[k] = (struct nwt_plan_alt_view){
				.kind = nwt_attach_kind_name(pp->probe->alts[i].kind),
				.target = st->usable ? st->target : pp->probe->alts[i].target,
				.usable = st->usable,
				.reason = st->reason,
			};
			if (i == pp->chosen)
				v->chosen = k;
		}
	}
}

void nwt_plan_print(FILE *out, const struct nwt_plan *plan)
{
	struct plan_rows r;

	plan_rows(&r, plan);
	nwt_plan_view_print(out, &r.view);
}

void nwt_plan_print_json(FILE *out, const struct nwt_plan *plan)
{
	struct plan_rows r;

	plan_rows(&r, plan);
	nwt_plan_view_print_json(out, &r.view);
}

void nwt_kernel_env_print(FILE *out, const struct nwt_kernel_env *env, bool json)
{
	struct plan_rows r;
	char why[NWT_REASON_LEN], frags[256];
	struct nwt_kernel_view k = {
		.release = env->uts.release,
		.machine = env->uts.machine,
		.btf = env->btf != NULL,
		.tracefs_root = env->running.tracefs_root,
		.kprobes_reason = why,
		.page_fragments = nwt_direct_map_describe(&env->dm, frags, sizeof(frags)),
	};

	k.kprobes = env->facts.kprobes_supported(env->facts.ctx, why, sizeof(why));
	plan_rows(&r, &env->plan);
	nwt_kernel_view_print(out, &k, &r.view, json);
}
