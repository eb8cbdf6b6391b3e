/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The probe plan: which kernel hook each feature needs, with attach
 * alternatives in order of preference, and the choice made for the running
 * kernel.  The rows are data (probe_catalog.c); the kernel is asked through
 * struct nwt_kernel_facts so that planning can be tested without one.
 */
#ifndef NWT_PROBE_PLAN_H
#define NWT_PROBE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kernel/kernel_facts.h"

enum nwt_feature {
	NWT_FEATURE_LIFECYCLE = 1u << 0,	/* default: connect/accept/state/close */
	NWT_FEATURE_PACKET = 1u << 8,	/* -t: per-packet records with layer times */
	NWT_FEATURE_HOPS = 1u << 9,	/* --hops: a record per point a packet passes */
	NWT_FEATURE_HTTP = 1u << 10,	/* -H: HTTP/1.x line carried by a packet */
	NWT_FEATURE_CONN = 1u << 11,		/* -x: periodic connection table */
	NWT_FEATURE_RETRANS = 1u << 12,		/* -r: recovery/RTO counts, retransmitted segments */
	NWT_FEATURE_STATE = 1u << 13,		/* -S: every state transition with its duration */
	/* -k, -e */
	NWT_FEATURE_DROP = 1u << 14,		/* -k: packet drops with the kernel's reason */
	NWT_FEATURE_ERR = 1u << 15,		/* -e: bad checksum, bad sequence, resets */
	NWT_FEATURE_UDP = 1u << 16,		/* -u: UDP datagrams with layer times, UDP drops */
	NWT_FEATURE_UDP_RECORDS = 1u << 17,	/* -u without -s: a record per datagram (set by options.c) */
	NWT_FEATURE_UDP_OWNERS = 1u << 18,	/* -u, but -s only with -P: sockets' owners (set by options.c) */
};

enum nwt_attach_kind {
	NWT_ATTACH_ANY = 0,	/* only meaningful for --prefer */
	NWT_ATTACH_TRACEPOINT,
	NWT_ATTACH_RAW_TRACEPOINT,
	NWT_ATTACH_BTF_TRACEPOINT,	/* tp_btf: a raw tracepoint whose arguments carry BTF types */
	NWT_ATTACH_KPROBE,
	NWT_ATTACH_KRETPROBE,
	NWT_ATTACH_ITER,	/* BPF iterator: target is the iterator name, e.g. "tcp" */
};

#define NWT_MAX_ALTERNATIVES 4
#define NWT_MAX_OFFSETS_PER_ALT 24
#define NWT_MAX_PLANNED 64
#define NWT_TARGET_LEN 128

/* One way to attach a probe point. */
struct nwt_attach_alt {
	enum nwt_attach_kind kind;
	/* "category:event" for tracepoints, function name for kprobes, "tcp" for iterators */
	const char *target;
	const char *program;	/* BPF function in the probe source */
	const char *use_define;	/* compiled in when this alternative is chosen */
	/* NWT_OFF_* defines this alternative reads; NULL-terminated */
	const char *offsets[NWT_MAX_OFFSETS_PER_ALT];
};

/* A row of the plan: one hook point, the features that need it, how to attach it. */
struct nwt_probe {
	const char *name;
	const char *feature_name;
	unsigned int features;	/* NWT_FEATURE_* bits that need this probe */
	const char *source;	/* file under probes/ */
	struct nwt_attach_alt alts[NWT_MAX_ALTERNATIVES];
	bool optional;		/* the feature works without it (e.g. a kprobe-only extra point) */
	/*
	 * The name of a row whose tracepoint misses what this row makes up
	 * for: planned only while that row is attached at a tracepoint (at a
	 * kprobe it sees everything itself).  NULL: no such condition.
	 */
	const char *fills_gap_of;
	/*
	 * The name of a row whose kprobe alternative sees one address family
	 * only (tcp_v4_do_rcv): this kprobe completes it for the other.  Planned
	 * only while that row is attached at its kprobe; its tracepoint sees
	 * both families, and this row beside it would see packets twice.
	 */
	const char *completes_kprobe_of;
	/* NWT_ROW_POINT(NWT_PT_*): the packet point this row stamps; 0 none */
	unsigned char point;
};

#define NWT_ROW_POINT(pt) ((pt) + 1)

extern const struct nwt_probe nwt_probe_catalog[];
extern const size_t nwt_probe_catalog_len;

struct nwt_alt_status {
	bool usable;
	char target[NWT_TARGET_LEN];	/* resolved symbol for kprobes */
	int btf_type;			/* btf_tracepoint: what the program is bound to */
	char reason[NWT_REASON_LEN];	/* why not, when !usable */
};

struct nwt_planned_probe {
	const struct nwt_probe *probe;
	int chosen;		/* index into probe->alts, -1 if none works */
	int order[NWT_MAX_ALTERNATIVES];	/* alternatives in the order tried */
	int n_alts;
	struct nwt_alt_status status[NWT_MAX_ALTERNATIVES];
	char not_needed[NWT_REASON_LEN];	/* why a usable row is left out; "" otherwise */
};

struct nwt_plan {
	struct nwt_planned_probe probes[NWT_MAX_PLANNED];
	size_t n_probes;
	/*
	 * Every chosen alternative was loaded through the kernel's verifier
	 * (what a tracing run attaches); otherwise why the plan is unchecked.
	 */
	bool loaded;
	char unchecked[NWT_REASON_LEN];
};

const char *nwt_attach_kind_name(enum nwt_attach_kind kind);
enum nwt_attach_kind nwt_attach_kind_from_name(const char *name);

/* Plans the probes that `features` need, trying `prefer` first. */
void nwt_plan_build(struct nwt_plan *plan, const struct nwt_probe *catalog, size_t catalog_len,
		    unsigned int features, enum nwt_attach_kind prefer,
		    const struct nwt_kernel_facts *facts);

/* The packet points the chosen rows stamp: bit NWT_PT_* set for each. */
unsigned int nwt_plan_points(const struct nwt_plan *plan);

/* The first required probe without a usable alternative, or NULL. */
const struct nwt_planned_probe *nwt_plan_first_unavailable(const struct nwt_plan *plan);

/* Records that the chosen alternatives loaded, or why they were not checked. */
void nwt_plan_set_loaded(struct nwt_plan *plan, bool loaded, const char *unchecked);

#endif
