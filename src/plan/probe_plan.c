/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/probe_plan.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *const attach_kind_names[] = {
	[NWT_ATTACH_ANY] = "any",
	[NWT_ATTACH_TRACEPOINT] = "tracepoint",
	[NWT_ATTACH_RAW_TRACEPOINT] = "raw_tracepoint",
	[NWT_ATTACH_BTF_TRACEPOINT] = "btf_tracepoint",
	[NWT_ATTACH_KPROBE] = "kprobe",
	[NWT_ATTACH_KRETPROBE] = "kretprobe",
	[NWT_ATTACH_ITER] = "iter",
};

const char *nwt_attach_kind_name(enum nwt_attach_kind kind)
{
	if ((size_t)kind < sizeof(attach_kind_names) / sizeof(attach_kind_names[0]))
		return attach_kind_names[kind];
	return "?";
}

enum nwt_attach_kind nwt_attach_kind_from_name(const char *name)
{
	for (size_t i = NWT_ATTACH_TRACEPOINT; i <= NWT_ATTACH_KPROBE; i++)
		if (!strcmp(name, attach_kind_names[i]))
			return (enum nwt_attach_kind)i;
	return NWT_ATTACH_ANY;
}

static bool same_family(enum nwt_attach_kind a, enum nwt_attach_kind b)
{
	if (a == NWT_ATTACH_KRETPROBE)
		a = NWT_ATTACH_KPROBE;
	if (b == NWT_ATTACH_KRETPROBE)
		b = NWT_ATTACH_KPROBE;
	return a == b;
}

static bool tracepoint_usable(const struct nwt_kernel_facts *facts, const char *target,
			      struct nwt_alt_status *st)
{
	char category[64];
	const char *colon = strchr(target, ':');
	size_t len = colon ? (size_t)(colon - target) : 0;

	if (!colon || len >= sizeof(category)) {
		snprintf(st->reason, sizeof(st->reason), "malformed tracepoint name '%s'", target);
		return false;
	}
	memcpy(category, target, len);
	category[len] = '\0';
	if (!facts->tracepoint_exists(facts->ctx, category, colon + 1)) {
		snprintf(st->reason, sizeof(st->reason), "tracepoint %s not in this kernel", target);
		return false;
	}
	snprintf(st->target, sizeof(st->target), "%s", target);
	return true;
}

/* A raw tracepoint whose arguments the kernel's BTF types (tp_btf, 5.5+). */
static bool btf_tracepoint_usable(const struct nwt_kernel_facts *facts, const char *target,
				  struct nwt_alt_status *st)
{
	if (!tracepoint_usable(facts, target, st))
		return false;
	st->btf_type = facts->btf_tracepoint_type
			       ? facts->btf_tracepoint_type(facts->ctx, strchr(target, ':') + 1)
			       : -1;
	if (st->btf_type <= 0) {
		snprintf(st->reason, sizeof(st->reason),
			 "no BTF types for %s's arguments (kernel without BTF or before 5.5)", target);
		return false;
	}
	if (facts->btf_tracepoints_refused[0]) {
		snprintf(st->reason, sizeof(st->reason), "not used: %.*s", NWT_REASON_LEN - 16,
			 facts->btf_tracepoints_refused);
		return false;
	}
	return true;
}

static bool kprobe_usable(const struct nwt_kernel_facts *facts, const char *target,
			  struct nwt_alt_status *st)
{
	char why[NWT_REASON_LEN - 32];

	if (!facts->kprobes_supported(facts->ctx, why, sizeof(why))) {
		snprintf(st->reason, sizeof(st->reason), "%s", why);
		return false;
	}
	if (!facts->resolve_function(facts->ctx, target, st->target, sizeof(st->target))) {
		snprintf(st->reason, sizeof(st->reason),
			 "function %s not in /proc/kallsyms (inlined or renamed on this kernel)",
			 target);
		return false;
	}
	return true;
}

/* An iterator target exists when the kernel has its bpf_iter_<target> function. */
static bool iter_usable(const struct nwt_kernel_facts *facts, const char *target,
			struct nwt_alt_status *st)
{
	char fn[64];

	snprintf(fn, sizeof(fn), "bpf_iter_%s", target);
	if (!facts->resolve_function(facts->ctx, fn, st->target, sizeof(st->target)) ||
	    strcmp(st->target, fn)) {
		snprintf(st->reason, sizeof(st->reason),
			 "BPF iterator '%s' not in this kernel (needs 5.9+ built with BTF)", target);
		return false;
	}
	snprintf(st->target, sizeof(st->target), "%s", target);
	return true;
}

static void check_alternative(const struct nwt_kernel_facts *facts,
			      const struct nwt_attach_alt *alt, struct nwt_alt_status *st)
{
	memset(st, 0, sizeof(*st));
	switch (alt->kind) {
	case NWT_ATTACH_TRACEPOINT:
	case NWT_ATTACH_RAW_TRACEPOINT:
		st->usable = tracepoint_usable(facts, alt->target, st);
		break;
	case NWT_ATTACH_BTF_TRACEPOINT:
		st->usable = btf_tracepoint_usable(facts, alt->target, st);
		break;
	case NWT_ATTACH_KPROBE:
	case NWT_ATTACH_KRETPROBE:
		st->usable = kprobe_usable(facts, alt->target, st);
		break;
	case NWT_ATTACH_ITER:
		st->usable = iter_usable(facts, alt->target, st);
		break;
	default:
		snprintf(st->reason, sizeof(st->reason), "unknown attach kind");
		return;
	}
	for (size_t i = 0; st->usable && i < NWT_MAX_OFFSETS_PER_ALT && alt->offsets[i]; i++) {
		if (!facts->has_offset(facts->ctx, alt->offsets[i])) {
			st->usable = false;
			snprintf(st->reason, sizeof(st->reason),
				 "struct field for %s not found in kernel BTF or headers",
				 alt->offsets[i]);
		}
	}
}

static void plan_one(struct nwt_planned_probe *pp, const struct nwt_probe *probe,
		     enum nwt_attach_kind prefer, const struct nwt_kernel_facts *facts)
{
	int n = 0;

	memset(pp, 0, sizeof(*pp));
	pp->probe = probe;
	pp->chosen = -1;
	/* Preferred kind first, then the catalog's own order. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < NWT_MAX_ALTERNATIVES && probe->alts[i].target; i++) {
			bool preferred = prefer != NWT_ATTACH_ANY &&
					 same_family(probe->alts[i].kind, prefer);

			if ((pass == 0) == preferred)
				pp->order[n++] = i;
		}
	pp->n_alts = n;
	for (int k = 0; k < n; k++) {
		int i = pp->order[k];

		check_alternative(facts, &probe->alts[i], &pp->status[i]);
		if (pp->status[i].usable && pp->chosen < 0)
			pp->chosen = i;
	}
}

static const struct nwt_planned_probe *plan_find(const struct nwt_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n_probes; i++)
		if (!strcmp(plan->probes[i].probe->name, name))
			return &plan->probes[i];
	return NULL;
}

static bool chosen_is_kprobe(const struct nwt_planned_probe *pp)
{
	enum nwt_attach_kind kind;

	if (pp->chosen < 0)
		return false;
	kind = pp->probe->alts[pp->chosen].kind;
	return kind == NWT_ATTACH_KPROBE || kind == NWT_ATTACH_KRETPROBE;
}

/*
 * Rows that depend on another row's choice are left out, with the reason,
 * where that choice makes them needless: a gap filler beside a kprobe (it
 * sees everything the tracepoint misses), a kprobe that completes another
 * row's kprobe for a second address family beside that row's tracepoint
 * (it sees both families: the packets would be seen twice).
 */
static void drop_rows_not_needed(struct nwt_plan *plan)
{
	for (size_t i = 0; i < plan->n_probes; i++) {
		struct nwt_planned_probe *pp = &plan->probes[i];
		const char *other_name = pp->probe->fills_gap_of ? pp->probe->fills_gap_of
								  : pp->probe->completes_kprobe_of;
		const struct nwt_planned_probe *other;

		if (!other_name || pp->chosen < 0)
			continue;
		other = plan_find(plan, other_name);
		if (!other || other->chosen < 0)
			snprintf(pp->not_needed, sizeof(pp->not_needed),
				 "not needed: %s is not attached", other_name);
		else if (pp->probe->fills_gap_of && chosen_is_kprobe(other))
			snprintf(pp->not_needed, sizeof(pp->not_needed),
				 "not needed: %s is a kprobe, which sees everything this makes up for",
				 other_name);
		else if (pp->probe->completes_kprobe_of && !chosen_is_kprobe(other))
			snprintf(pp->not_needed, sizeof(pp->not_needed),
				 "not needed: %s is a tracepoint, which sees both address families",
				 other_name);
		else
			continue;
		pp->chosen = -1;
	}
}

void nwt_plan_build(struct nwt_plan *plan, const struct nwt_probe *catalog, size_t catalog_len,
		    unsigned int features, enum nwt_attach_kind prefer,
		    const struct nwt_kernel_facts *facts)
{
	memset(plan, 0, sizeof(*plan));
	snprintf(plan->unchecked, sizeof(plan->unchecked), "not loaded yet");
	for (size_t i = 0; i < catalog_len && plan->n_probes < NWT_MAX_PLANNED; i++) {
		if (!(catalog[i].features & features))
			continue;
		plan_one(&plan->probes[plan->n_probes++], &catalog[i], prefer, facts);
	}
	drop_rows_not_needed(plan);
}

unsigned int nwt_plan_points(const struct nwt_plan *plan)
{
	unsigned int points = 0;

	for (size_t i = 0; i < plan->n_probes; i++)
		if (plan->probes[i].chosen >= 0 && plan->probes[i].probe->point)
			points |= 1u << (plan->probes[i].probe->point - 1);
	return points;
}

const struct nwt_planned_probe *nwt_plan_first_unavailable(const struct nwt_plan *plan)
{
	for (size_t i = 0; i < plan->n_probes; i++)
		if (plan->probes[i].chosen < 0 && !plan->probes[i].probe->optional &&
		    !plan->probes[i].not_needed[0])
			return &plan->probes[i];
	return NULL;
}

void nwt_plan_set_loaded(struct nwt_plan *plan, bool loaded, const char *unchecked)
{
	plan->loaded = loaded;
	snprintf(plan->unchecked, sizeof(plan->unchecked), "%s", loaded ? "" : unchecked);
}

/* What the plan table says of the chosen alternative. */
static void chosen_status(char *buf, size_t size, const struct nwt_plan *plan)
{
	if (plan->loaded)
		snprintf(buf, size, "loaded; attached when tracing");
	else
		snprintf(buf, size, "chosen; %s", plan->unchecked);
}

/* "<kind> <target>" for one alternative, as the plan table shows it. */
static void attach_text(char *buf, size_t size, const struct nwt_attach_alt *alt,
			const struct nwt_alt_status *st)
{
	snprintf(buf, size, "%s %s", nwt_attach_kind_name(alt->kind),
		 st->usable ? st->target : alt->target);
}

/* Column widths that fit the longest probe name and attach text in the plan. */
static void plan_widths(const struct nwt_plan *plan, int *probe_w, int *attach_w)
{
	char attach[NWT_TARGET_LEN + 32];

	*probe_w = (int)strlen("PROBE");
	*attach_w = (int)strlen("ATTACH");
	for (size_t p = 0; p < plan->n_probes; p++) {
		const struct nwt_planned_probe *pp = &plan->probes[p];

		if ((int)strlen(pp->probe->name) > *probe_w)
			*probe_w = (int)strlen(pp->probe->name);
		for (int k = 0; k < pp->n_alts; k++) {
			int i = pp->order[k];

			attach_text(attach, sizeof(attach), &pp->probe->alts[i], &pp->status[i]);
			if ((int)strlen(attach) > *attach_w)
				*attach_w = (int)strlen(attach);
		}
	}
}

void nwt_plan_print(FILE *out, const struct nwt_plan *plan)
{
	int pw, aw;

	plan_widths(plan, &pw, &aw);
	fprintf(out, "%-10s %-*s %-6s %-*s %s\n", "FEATURE", pw, "PROBE", "CHOSEN", aw, "ATTACH",
		"STATUS");
	for (size_t p = 0; p < plan->n_probes; p++) {
		const struct nwt_planned_probe *pp = &plan->probes[p];

		for (int k = 0; k < pp->n_alts; k++) {
			int i = pp->order[k];
			const struct nwt_attach_alt *alt = &pp->probe->alts[i];
			const struct nwt_alt_status *st = &pp->status[i];
			char attach[NWT_TARGET_LEN + 32], chosen[NWT_REASON_LEN + 16];
			const char *status = "usable (not needed)";

			attach_text(attach, sizeof(attach), alt, st);
			chosen_status(chosen, sizeof(chosen), plan);
			if (i == pp->chosen)
				status = chosen;
			else if (!st->usable)
				status = st->reason;
			fprintf(out, "%-10s %-*s %-6s %-*s %s\n", k ? "" : pp->probe->feature_name, pw,
				k ? "" : pp->probe->name, i == pp->chosen ? "*" : "", aw, attach, status);
		}
		if (pp->not_needed[0])
			fprintf(out, "%-10s %-*s %-6s %-*s => %s\n", "", pw, "", "", aw, "",
				pp->not_needed);
		else if (pp->chosen < 0)
			fprintf(out, "%-10s %-*s %-6s %-*s %s\n", "", pw, "", "", aw, "",
				pp->probe->optional ? "=> not used on this kernel (optional)"
						    : "=> unavailable on this kernel");
	}
}

static json_t *alternative_json(const struct nwt_attach_alt *alt, const struct nwt_alt_status *st)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "kind", json_string(nwt_attach_kind_name(alt->kind)));
	json_object_set_new(obj, "target", json_string(st->usable ? st->target : alt->target));
	json_object_set_new(obj, "usable", json_boolean(st->usable));
	if (!st->usable)
		json_object_set_new(obj, "reason", json_string(st->reason));
	return obj;
}

void nwt_plan_print_json(FILE *out, const struct nwt_plan *plan)
{
	for (size_t p = 0; p < plan->n_probes; p++) {
		const struct nwt_planned_probe *pp = &plan->probes[p];
		json_t *obj = json_object(), *alts = json_array();

		json_object_set_new(obj, "type", json_string("probe"));
		json_object_set_new(obj, "feature", json_string(pp->probe->feature_name));
		json_object_set_new(obj, "probe", json_string(pp->probe->name));
		json_object_set_new(obj, "optional", json_boolean(pp->probe->optional));
		for (int k = 0; k < pp->n_alts; k++) {
			int i = pp->order[k];

			if (i == pp->chosen) {
				json_t *chosen = alternative_json(&pp->probe->alts[i], &pp->status[i]);

				json_object_set_new(chosen, "loaded", json_boolean(plan->loaded));
				if (!plan->loaded)
					json_object_set_new(chosen, "reason", json_string(plan->unchecked));
				json_object_set_new(obj, "chosen", chosen);
			}
			json_array_append_new(alts, alternative_json(&pp->probe->alts[i], &pp->status[i]));
		}
		json_object_set_new(obj, "alternatives", alts);
		if (pp->not_needed[0])
			json_object_set_new(obj, "not_needed", json_string(pp->not_needed));
		json_dumpf(obj, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', out);
		json_decref(obj);
	}
}
