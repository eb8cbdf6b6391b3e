/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/probe_plan.h"

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
