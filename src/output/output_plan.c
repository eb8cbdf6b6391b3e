/* SPDX-License-Identifier: Apache-2.0 */
#include "output/output_plan.h"

#include <stdio.h>
#include <string.h>

#include "output/json_writer.h"
#include "output/table.h"

/* Room for "<kind> <target>": a kind name and a target of up to 127 characters. */
#define ATTACH_TEXT_LEN (128 + 32)

static void attach_text(char *buf, size_t size, const struct nwt_plan_alt_view *alt)
{
	snprintf(buf, size, "%s %s", alt->kind, alt->target);
}

enum plan_column { PC_FEATURE, PC_PROBE, PC_CHOSEN, PC_ATTACH, PC_STATUS, PC_MAX };

static const struct nwt_table_column plan_columns[PC_MAX] = {
	[PC_FEATURE] = { "FEATURE", 10, false, 0, NULL },
	[PC_PROBE] = { "PROBE", 0, false, 0, NULL },	/* widths: the plan's longest */
	[PC_CHOSEN] = { "CHOSEN", 6, false, 0, NULL },
	[PC_ATTACH] = { "ATTACH", 0, false, 0, NULL },
	[PC_STATUS] = { "STATUS", 0, false, 0, NULL },
};

void nwt_plan_view_print(FILE *out, const struct nwt_plan_view *plan)
{
	struct nwt_table_column cols[PC_MAX];
	struct nwt_table table = { cols, PC_MAX, false };
	char attach[ATTACH_TEXT_LEN], chosen[512];

	memcpy(cols, plan_columns, sizeof(cols));
	cols[PC_PROBE].width = (int)strlen(cols[PC_PROBE].header);
	cols[PC_ATTACH].width = (int)strlen(cols[PC_ATTACH].header);
	for (size_t p = 0; p < plan->n_probes; p++) {
		const struct nwt_plan_probe_view *pp = &plan->probes[p];

		if ((int)strlen(pp->probe) > cols[PC_PROBE].width)
			cols[PC_PROBE].width = (int)strlen(pp->probe);
		for (int k = 0; k < pp->n_alts; k++) {
			attach_text(attach, sizeof(attach), &pp->alts[k]);
			if ((int)strlen(attach) > cols[PC_ATTACH].width)
				cols[PC_ATTACH].width = (int)strlen(attach);
		}
	}
	if (plan->loaded)
		snprintf(chosen, sizeof(chosen), "loaded; attached when tracing");
	else
		snprintf(chosen, sizeof(chosen), "chosen; %s", plan->unchecked);

	nwt_table_header(out, &table);
	for (size_t p = 0; p < plan->n_probes; p++) {
		const struct nwt_plan_probe_view *pp = &plan->probes[p];
		const char *cells[PC_MAX];
		char last[512];

		for (int k = 0; k < pp->n_alts; k++) {
			const struct nwt_plan_alt_view *alt = &pp->alts[k];

			attach_text(attach, sizeof(attach), alt);
			cells[PC_FEATURE] = k ? "" : pp->feature;
			cells[PC_PROBE] = k ? "" : pp->probe;
			cells[PC_CHOSEN] = k == pp->chosen ? "*" : "";
			cells[PC_ATTACH] = attach;
			cells[PC_STATUS] = k == pp->chosen ? chosen
					   : !alt->usable  ? alt->reason
							   : "usable (not needed)";
			nwt_table_row(out, &table, cells);
		}
		/* A line of its own under the alternatives: what became of the row. */
		if (pp->not_needed[0])
			snprintf(last, sizeof(last), "=> %s", pp->not_needed);
		else if (pp->chosen < 0)
			snprintf(last, sizeof(last), "%s",
				 pp->optional ? "=> not used on this kernel (optional)"
					      : "=> unavailable on this kernel");
		else
			continue;
		cells[PC_FEATURE] = cells[PC_PROBE] = cells[PC_CHOSEN] = cells[PC_ATTACH] = "";
		cells[PC_STATUS] = last;
		nwt_table_row(out, &table, cells);
	}
}

static void alternative_fields(struct nwt_json *j, const struct nwt_plan_alt_view *alt)
{
	nwt_json_field_str(j, "kind", alt->kind);
	nwt_json_field_str(j, "target", alt->target);
	nwt_json_field_bool(j, "usable", alt->usable);
}

void nwt_plan_view_print_json(FILE *out, const struct nwt_plan_view *plan)
{
	for (size_t p = 0; p < plan->n_probes; p++) {
		const struct nwt_plan_probe_view *pp = &plan->probes[p];
		struct nwt_json j;
		char buf[4096];

		nwt_json_file(&j, out, buf, sizeof(buf));
		nwt_json_object_begin(&j);
		nwt_json_field_str(&j, "type", "probe");
		nwt_json_field_str(&j, "feature", pp->feature);
		nwt_json_field_str(&j, "probe", pp->probe);
		nwt_json_field_bool(&j, "optional", pp->optional);
		if (pp->chosen >= 0 && pp->chosen < pp->n_alts) {
			const struct nwt_plan_alt_view *alt = &pp->alts[pp->chosen];

			/* One "reason": why the plan is unchecked outranks why the alternative is unusable. */
			nwt_json_key(&j, "chosen");
			nwt_json_object_begin(&j);
			alternative_fields(&j, alt);
			if (!alt->usable)
				nwt_json_field_str(&j, "reason", plan->loaded ? alt->reason : plan->unchecked);
			nwt_json_field_bool(&j, "loaded", plan->loaded);
			if (!plan->loaded && alt->usable)
				nwt_json_field_str(&j, "reason", plan->unchecked);
			nwt_json_object_end(&j);
		}
		nwt_json_key(&j, "alternatives");
		nwt_json_array_begin(&j);
		for (int k = 0; k < pp->n_alts; k++) {
			nwt_json_object_begin(&j);
			alternative_fields(&j, &pp->alts[k]);
			if (!pp->alts[k].usable)
				nwt_json_field_str(&j, "reason", pp->alts[k].reason);
			nwt_json_object_end(&j);
		}
		nwt_json_array_end(&j);
		if (pp->not_needed[0])
			nwt_json_field_str(&j, "not_needed", pp->not_needed);
		nwt_json_object_end(&j);
		nwt_json_raw(&j, "\n", 1);
		nwt_json_finish(&j);
	}
}

static void kernel_json(FILE *out, const struct nwt_kernel_view *k)
{
	struct nwt_json j;
	char buf[2048];

	nwt_json_file(&j, out, buf, sizeof(buf));
	nwt_json_object_begin(&j);
	nwt_json_field_str(&j, "type", "kernel");
	nwt_json_field_str(&j, "release", k->release);
	nwt_json_field_bool(&j, "btf", k->btf);
	if (k->tracefs_root) {
		nwt_json_field_str(&j, "tracefs", k->tracefs_root);
	} else {
		nwt_json_key(&j, "tracefs");
		nwt_json_null(&j);
	}
	nwt_json_field_bool(&j, "kprobes", k->kprobes);
	if (!k->kprobes)
		nwt_json_field_str(&j, "kprobes_reason", k->kprobes_reason);
	nwt_json_field_str(&j, "page_fragments", k->page_fragments);
	nwt_json_object_end(&j);
	nwt_json_raw(&j, "\n", 1);
	nwt_json_finish(&j);
}

void nwt_kernel_view_print(FILE *out, const struct nwt_kernel_view *k,
			   const struct nwt_plan_view *plan, bool json)
{
	if (json) {
		kernel_json(out, k);
		nwt_plan_view_print_json(out, plan);
		return;
	}
	fprintf(out, "kernel   %s %s\n", k->release, k->machine);
	fprintf(out, "btf      %s\n", k->btf ? "/sys/kernel/btf/vmlinux: struct offsets from BTF"
					 : "none: struct offsets from kernel headers (may be wrong if they do not match)");
	fprintf(out, "tracefs  %s\n", k->tracefs_root ? k->tracefs_root
				   : "not reachable (run as root so nwtrace can mount it)");
	fprintf(out, "kprobes  %s\n", k->kprobes ? "supported" : k->kprobes_reason);
	/* -H: where payload beyond the skb's linear area can be read */
	fprintf(out, "frags    %s\n", k->page_fragments);
	fprintf(out, "\n");
	nwt_plan_view_print(out, plan);
}
