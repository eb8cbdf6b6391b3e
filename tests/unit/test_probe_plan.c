/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/probe_plan.h"
#include "session/plan_report.h"

/* A pretend kernel: which tracepoints, kprobes, symbols and BTF fields it has. */
struct fake_kernel {
	bool has_tracepoint;
	bool has_kprobes;
	const char *symbol;		/* what kallsyms holds for the kprobe target */
	const char *missing_offset;
	bool has_btf_types;		/* btf_trace_<event> typedefs */
	const char *btf_refused;	/* the verifier refused a BTF tracepoint program */
};

static bool fake_tp(void *ctx, const char *category, const char *event)
{
	(void)category;
	(void)event;
	return ((struct fake_kernel *)ctx)->has_tracepoint;
}

static bool fake_kprobes(void *ctx, char *reason, size_t len)
{
	snprintf(reason, len, "kprobes not supported by this kernel (CONFIG_KPROBES unset)");
	return ((struct fake_kernel *)ctx)->has_kprobes;
}

static bool fake_resolve(void *ctx, const char *fn, char *symbol, size_t len)
{
	struct fake_kernel *k = ctx;

	if (!k->symbol || strncmp(k->symbol, fn, strlen(fn)))
		return false;
	snprintf(symbol, len, "%s", k->symbol);
	return true;
}

static bool fake_offset(void *ctx, const char *define)
{
	struct fake_kernel *k = ctx;

	return !k->missing_offset || strcmp(define, k->missing_offset);
}

static int fake_btf_tp(void *ctx, const char *event)
{
	(void)event;
	return ((struct fake_kernel *)ctx)->has_btf_types ? 38176 : -1;
}

static const struct nwt_probe catalog[] = {
	{
		.name = "tcp_state",
		.feature_name = "lifecycle",
		.features = 1,
		.source = "x.bpf.c",
		.alts = {
			{ NWT_ATTACH_TRACEPOINT, "sock:inet_sock_set_state", "tp", "USE_TP", { "OFF_A" } },
			{ NWT_ATTACH_KPROBE, "tcp_set_state", "kp", "USE_KP", { "OFF_A", "OFF_B" } },
		},
	},
	{ .name = "other", .feature_name = "other", .features = 2, .source = "y.bpf.c",
	  .alts = { { NWT_ATTACH_TRACEPOINT, "a:b", "p", "D", { NULL } } } },
	{ .name = "pkt", .feature_name = "packet", .features = 4, .source = "z.bpf.c",
	  .point = NWT_ROW_POINT(2),
	  .alts = { { NWT_ATTACH_BTF_TRACEPOINT, "net:net_dev_queue", "q_btf", "Q_BTF", { NULL } },
		    { NWT_ATTACH_RAW_TRACEPOINT, "net:net_dev_queue", "q_rtp", "Q_RTP", { NULL } } } },
	{ .name = "state_gap", .feature_name = "packet", .features = 8, .source = "z.bpf.c",
	  .alts = { { NWT_ATTACH_RAW_TRACEPOINT, "c:d", "g_rtp", "G_RTP", { NULL } } },
	  .optional = true, .fills_gap_of = "tcp_state" },
	{ .name = "rcv", .feature_name = "packet", .features = 16, .source = "z.bpf.c",
	  .point = NWT_ROW_POINT(6),
	  .alts = { { NWT_ATTACH_BTF_TRACEPOINT, "tcp:tcp_probe", "r_btf", "R_BTF", { NULL } },
		    { NWT_ATTACH_KPROBE, "tcp_set_state", "r_kp", "R_KP", { NULL } } } },
	{ .name = "rcv6", .feature_name = "packet", .features = 16, .source = "z.bpf.c",
	  .point = NWT_ROW_POINT(0),	/* a point of its own, to tell the rows apart */
	  .alts = { { NWT_ATTACH_KPROBE, "tcp_set_state", "r_kp", "R_KP", { NULL } } },
	  .optional = true, .completes_kprobe_of = "rcv" },
};

static struct nwt_plan plan_for(struct fake_kernel *k, unsigned int features,
				enum nwt_attach_kind prefer)
{
	struct nwt_kernel_facts facts = { k, fake_tp, fake_kprobes, fake_resolve, fake_offset,
					  fake_btf_tp, "" };
	struct nwt_plan plan;

	if (k->btf_refused)
		snprintf(facts.btf_tracepoints_refused, sizeof(facts.btf_tracepoints_refused), "%s",
			 k->btf_refused);

	nwt_plan_build(&plan, catalog, sizeof(catalog) / sizeof(catalog[0]), features, prefer,
		       &facts);
	return plan;
}

static void plans_only_requested_features(void **state)
{
	struct fake_kernel k = { .has_tracepoint = true };
	struct nwt_plan plan = plan_for(&k, 1, NWT_ATTACH_ANY);

	(void)state;
	assert_int_equal(plan.n_probes, 1);
	assert_string_equal(plan.probes[0].probe->name, "tcp_state");
	plan = plan_for(&k, 3, NWT_ATTACH_ANY);
	assert_int_equal(plan.n_probes, 2);
}

static void tracepoint_first_and_says_why_kprobe_is_not_used(void **state)
{
	struct fake_kernel k = { .has_tracepoint = true, .has_kprobes = false };
	struct nwt_plan plan = plan_for(&k, 1, NWT_ATTACH_ANY);

	(void)state;
	assert_int_equal(plan.probes[0].chosen, 0);
	assert_false(plan.probes[0].status[1].usable);
	assert_non_null(strstr(plan.probes[0].status[1].reason, "CONFIG_KPROBES"));
	assert_null(nwt_plan_first_unavailable(&plan));
}

static void falls_back_to_kprobe_clone(void **state)
{
	struct fake_kernel k = { .has_kprobes = true, .symbol = "tcp_set_state.isra.0" };
	struct nwt_plan plan = plan_for(&k, 1, NWT_ATTACH_ANY);

	(void)state;
	assert_int_equal(plan.probes[0].chosen, 1);
	assert_string_equal(plan.probes[0].status[1].target, "tcp_set_state.isra.0");
	assert_non_null(strstr(plan.probes[0].status[0].reason, "not in this kernel"));
}

static void prefer_reorders_alternatives(void **state)
{
	struct fake_kernel k = { .has_tracepoint = true, .has_kprobes = true,
				 .symbol = "tcp_set_state" };
	struct nwt_plan plan = plan_for(&k, 1, NWT_ATTACH_KPROBE);

	(void)state;
	assert_int_equal(plan.probes[0].chosen, 1);
	assert_int_equal(plan.probes[0].order[0], 1);
	assert_int_equal(plan.probes[0].order[1], 0);
	/* a preference that nothing matches changes nothing */
	plan = plan_for(&k, 1, NWT_ATTACH_RAW_TRACEPOINT);
	assert_int_equal(plan.probes[0].chosen, 0);
}

static void btf_tracepoint_when_the_kernel_types_its_arguments(void **state)
{
	struct fake_kernel k = { .has_tracepoint = true, .has_btf_types = true };
	struct nwt_plan plan = plan_for(&k, 4, NWT_ATTACH_ANY);

	(void)state;
	assert_int_equal(plan.probes[0].chosen, 0);
	assert_string_equal(plan.probes[0].status[0].target, "net:net_dev_queue");
	assert_int_equal(plan.probes[0].status[0].btf_type, 38176);
	/* without BTF types the same tracepoint is attached raw, and the plan says why */
	k.has_btf_types = false;
	plan = plan_for(&k, 4, NWT_ATTACH_ANY);
	assert_int_equal(plan.probes[0].chosen, 1);
	assert_non_null(strstr(plan.probes[0].status[0].reason, "no BTF types"));
	/* --prefer raw_tracepoint skips the typed one */
	k.has_btf_types = true;
	plan = plan_for(&k, 4, NWT_ATTACH_RAW_TRACEPOINT);
	assert_int_equal(plan.probes[0].chosen, 1);
}

static void refused_btf_tracepoints_fall_back_with_the_refusal_as_reason(void **state)
{
	struct fake_kernel k = { .has_tracepoint = true, .has_btf_types = true,
				 .btf_refused = "prog 'x_btf': the kernel's verifier rejected it" };
	struct nwt_plan plan = plan_for(&k, 4, NWT_ATTACH_ANY);

	(void)state;
	assert_int_equal(plan.probes[0].chosen, 1);
	assert_false(plan.probes[0].status[0].usable);
	assert_string_equal(plan.probes[0].status[0].reason,
			    "not used: prog 'x_btf': the kernel's verifier rejected it");
	/* even when asked for first */
	plan = plan_for(&k, 4, NWT_ATTACH_BTF_TRACEPOINT);
	assert_int_equal(plan.probes[0].chosen, 1);
}

/* The chosen line says whether the kernel loaded it, or why that was not checked. */
static void plan_says_whether_chosen_programs_were_loaded(void **state)
{
	struct fake_kernel k = { .has_tracepoint = true, .has_btf_types = true };
	struct nwt_plan plan = plan_for(&k, 4, NWT_ATTACH_ANY);
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	nwt_plan_set_loaded(&plan, false, "not load-checked: loading needs root (CAP_BPF)");
	out = open_memstream(&text, &len);
	nwt_plan_print(out, &plan);
	nwt_plan_print_json(out, &plan);
	fclose(out);
	assert_non_null(strstr(text, "chosen; not load-checked: loading needs root (CAP_BPF)"));
	assert_non_null(strstr(text, "\"loaded\":false"));
	assert_null(strstr(text, "attached when tracing"));
	free(text);

	nwt_plan_set_loaded(&plan, true, NULL);
	out = open_memstream(&text, &len);
	nwt_plan_print(out, &plan);
	nwt_plan_print_json(out, &plan);
	fclose(out);
	assert_non_null(strstr(text, "loaded; attached when tracing"));
	assert_non_null(strstr(text, "\"loaded\":true"));
	assert_null(strstr(text, "not load-checked"));
	free(text);
}

static void gap_filler_only_beside_a_tracepoint(void **state)
{
	struct fake_kernel k = { .has_tracepoint = true, .has_kprobes = true,
				 .symbol = "tcp_set_state" };
	struct nwt_plan plan = plan_for(&k, 1 | 8, NWT_ATTACH_ANY);

	(void)state;
	assert_int_equal(plan.n_probes, 2);
	assert_int_equal(plan.probes[0].chosen, 0);
	assert_int_equal(plan.probes[1].chosen, 0);
	assert_string_equal(plan.probes[1].not_needed, "");
	/* the row it fills in for at a kprobe: left out, and the plan says why */
	plan = plan_for(&k, 1 | 8, NWT_ATTACH_KPROBE);
	assert_int_equal(plan.probes[0].chosen, 1);
	assert_int_equal(plan.probes[1].chosen, -1);
	assert_non_null(strstr(plan.probes[1].not_needed, "tcp_state is a kprobe"));
	assert_null(nwt_plan_first_unavailable(&plan));
	/* that row not planned at all */
	plan = plan_for(&k, 8, NWT_ATTACH_ANY);
	assert_int_equal(plan.probes[0].chosen, -1);
	assert_non_null(strstr(plan.probes[0].not_needed, "not attached"));
}

/* An IPv6 kprobe beside a tracepoint that sees IPv6 too would see its packets twice. */
static void kprobe_companion_only_beside_its_rows_kprobe(void **state)
{
	struct fake_kernel k = { .has_tracepoint = true, .has_kprobes = true,
				 .symbol = "tcp_set_state", .has_btf_types = true };
	struct nwt_plan plan = plan_for(&k, 16, NWT_ATTACH_ANY);

	(void)state;
	assert_int_equal(plan.n_probes, 2);
	assert_int_equal(plan.probes[0].chosen, 0);
	assert_int_equal(plan.probes[1].chosen, -1);
	assert_non_null(strstr(plan.probes[1].not_needed, "rcv is a tracepoint"));
	assert_null(nwt_plan_first_unavailable(&plan));
	/* beside the row's own kprobe it completes the chain */
	plan = plan_for(&k, 16, NWT_ATTACH_KPROBE);
	assert_int_equal(plan.probes[0].chosen, 1);
	assert_int_equal(plan.probes[1].chosen, 0);
	assert_string_equal(plan.probes[1].not_needed, "");
	/* without kprobes it is unusable anyway, and says so */
	k.has_kprobes = false;
	plan = plan_for(&k, 16, NWT_ATTACH_ANY);
	assert_int_equal(plan.probes[1].chosen, -1);
	assert_non_null(strstr(plan.probes[1].status[0].reason, "CONFIG_KPROBES"));
}

static void points_are_those_of_the_rows_chosen(void **state)
{
	struct fake_kernel k = { .has_tracepoint = true, .has_kprobes = true,
				 .symbol = "tcp_set_state", .has_btf_types = true };
	struct nwt_plan plan = plan_for(&k, 4 | 16, NWT_ATTACH_ANY);

	(void)state;
	/* rcv6 is left out beside rcv's tracepoint: its point is not observed */
	assert_int_equal(nwt_plan_points(&plan), (1u << 2) | (1u << 6));
	plan = plan_for(&k, 4 | 16, NWT_ATTACH_KPROBE);
	assert_int_equal(nwt_plan_points(&plan), (1u << 0) | (1u << 2) | (1u << 6));
	/* rows without a point (the lifecycle row) add none */
	plan = plan_for(&k, 1, NWT_ATTACH_ANY);
	assert_int_equal(nwt_plan_points(&plan), 0);
	k.has_tracepoint = k.has_kprobes = false;
	plan = plan_for(&k, 4 | 16, NWT_ATTACH_ANY);
	assert_int_equal(nwt_plan_points(&plan), 0);
}

static void missing_btf_field_disqualifies_and_nothing_left_is_reported(void **state)
{
	struct fake_kernel k = { .has_tracepoint = false, .has_kprobes = true,
				 .symbol = "tcp_set_state", .missing_offset = "OFF_B" };
	struct nwt_plan plan = plan_for(&k, 1, NWT_ATTACH_ANY);
	char text[4096] = "";
	FILE *out = tmpfile();

	(void)state;
	assert_int_equal(plan.probes[0].chosen, -1);
	assert_non_null(strstr(plan.probes[0].status[1].reason, "OFF_B"));
	assert_ptr_equal(nwt_plan_first_unavailable(&plan), &plan.probes[0]);
	nwt_plan_print(out, &plan);
	rewind(out);
	assert_true(fread(text, 1, sizeof(text) - 1, out) > 0);
	fclose(out);
	assert_non_null(strstr(text, "unavailable on this kernel"));
	assert_non_null(strstr(text, "kprobe tcp_set_state"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plans_only_requested_features),
		cmocka_unit_test(tracepoint_first_and_says_why_kprobe_is_not_used),
		cmocka_unit_test(falls_back_to_kprobe_clone),
		cmocka_unit_test(prefer_reorders_alternatives),
		cmocka_unit_test(btf_tracepoint_when_the_kernel_types_its_arguments),
		cmocka_unit_test(refused_btf_tracepoints_fall_back_with_the_refusal_as_reason),
		cmocka_unit_test(plan_says_whether_chosen_programs_were_loaded),
		cmocka_unit_test(gap_filler_only_beside_a_tracepoint),
		cmocka_unit_test(kprobe_companion_only_beside_its_rows_kprobe),
		cmocka_unit_test(points_are_those_of_the_rows_chosen),
		cmocka_unit_test(missing_btf_field_disqualifies_and_nothing_left_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
