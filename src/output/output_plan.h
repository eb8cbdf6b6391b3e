/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --list-probes report: the running kernel's facts and the probe plan,
 * as a table or as JSON Lines.  The plan is handed over as plain rows (output
 * does not see the plan layer); session/plan_report.c makes them.
 */
#ifndef NWT_OUTPUT_PLAN_H
#define NWT_OUTPUT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define NWT_PLAN_VIEW_ALTS 4

/* One way to attach a probe, as tried for this kernel. */
struct nwt_plan_alt_view {
	const char *kind;	/* "tracepoint", "kprobe", ... */
	const char *target;	/* for a usable kprobe: the symbol it resolved to */
	bool usable;
	const char *reason;	/* why not, when !usable */
};

struct nwt_plan_probe_view {
	const char *feature;
	const char *probe;
	bool optional;
	struct nwt_plan_alt_view alts[NWT_PLAN_VIEW_ALTS];	/* in the order tried */
	int n_alts;
	int chosen;		/* index into alts; -1 if none works */
	const char *not_needed;	/* why a usable row is left out; "" otherwise */
};

struct nwt_plan_view {
	const struct nwt_plan_probe_view *probes;
	size_t n_probes;
	bool loaded;		/* the chosen alternatives went through the verifier */
	const char *unchecked;	/* otherwise why not */
};

struct nwt_kernel_view {
	const char *release;
	const char *machine;
	bool btf;
	const char *tracefs_root;	/* NULL: not reachable */
	bool kprobes;
	const char *kprobes_reason;	/* when !kprobes */
	const char *page_fragments;	/* how -H reads payload beyond the linear area */
};

/* The plan: a table whose columns fit its longest probe name and attach point. */
void nwt_plan_view_print(FILE *out, const struct nwt_plan_view *plan);
/* One object per probe: feature, probe, optional, chosen (with loaded), alternatives. */
void nwt_plan_view_print_json(FILE *out, const struct nwt_plan_view *plan);
/* The kernel's facts, then the plan (with json: a "kernel" object, then the probes). */
void nwt_kernel_view_print(FILE *out, const struct nwt_kernel_view *kernel,
			   const struct nwt_plan_view *plan, bool json);

#endif
