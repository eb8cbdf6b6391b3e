/* SPDX-License-Identifier: Apache-2.0 */
/*
 * -u: a record per UDP datagram with its layer times (probes/udp/udp_path.bpf.c);
 * with -s, traffic per flow instead: the kernel counts datagrams and bytes per
 * flow (udp_flows), this module adds the drops the -k probe reports for UDP
 * and hands the top flows of each interval, and of the whole run, to
 * output/udp_flows.c.
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "features/feature.h"
#include "output/output_packet.h"
#include "output/udp_flows.h"

/* Flows this side remembers: the kernel's, and those only a drop record named. */
#define FLOW_SLOTS (4 * NWT_UDP_FLOWS_MAX)	/* a power of two, at most half full */
#define FLOWS_KEPT (FLOW_SLOTS / 2)

enum { TX_DGRAMS, TX_BYTES, RX_DGRAMS, RX_BYTES, DROPS, N_COUNTS };

struct flow_slot {
	bool used;
	struct nwt_udp_flow_key key;
	uint64_t now[N_COUNTS];		/* since the start */
	uint64_t then[N_COUNTS];	/* at the last interval report */
};

struct udp_flows {
	struct flow_slot *slots;	/* FLOW_SLOTS, open addressing */
	size_t used;
	uint64_t unkept_now[4], unkept_then[4];	/* the kernel's "no room" slot */
	uint64_t drops_unkept_now, drops_unkept_then;	/* drops of flows beyond FLOWS_KEPT */
};

static size_t key_hash(const struct nwt_udp_flow_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot of key, or NULL; with add, a new one if there is room. */
static struct flow_slot *flow_find(struct udp_flows *f, const struct nwt_udp_flow_key *key, bool add)
{
	for (size_t i = key_hash(key), n = 0; n < FLOW_SLOTS; i++, n++) {
		struct flow_slot *s = &f->slots[i & (FLOW_SLOTS - 1)];

		if (s->used && !memcmp(&s->key, key, sizeof(*key)))
			return s;
		if (!s->used) {
			if (!add || f->used >= FLOWS_KEPT)
				return NULL;
			s->used = true;
			s->key = *key;
			f->used++;
			return s;
		}
	}
	return NULL;
}

static void *create(const struct nwt_options *opts, const struct nwt_kernel_env *env)
{
	struct udp_flows *f;

	(void)env;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	if (opts->stats && !(f->slots = calloc(FLOW_SLOTS, sizeof(*f->slots)))) {
		free(f);
		return NULL;
	}
	return f;
}

static void destroy(void *state)
{
	struct udp_flows *f = state;

	if (f)
		free(f->slots);
	free(f);
}

static void flow_key_of(struct nwt_udp_flow_key *key, int family, const uint8_t *laddr,
			uint16_t lport, const uint8_t *raddr, uint16_t rport)
{
	memset(key, 0, sizeof(*key));
	memcpy(key->laddr, laddr, sizeof(key->laddr));
	memcpy(key->raddr, raddr, sizeof(key->raddr));
	key->lport = lport;
	key->rport = rport;
	key->family = (uint16_t)family;
}

/*
 * A UDP drop: counted for the flow it belongs to.  A drop record gives the
 * datagram as it travelled: the local end is its source if it was being
 * sent, else its destination.
 */
static void refine(struct nwt_feature_ctx *ctx, struct nwt_record *rec)
{
	struct udp_flows *f = ctx->state;
	struct nwt_udp_flow_key key;
	struct flow_slot *s;

	if (!f->slots || rec->kind != NWT_REC_DROP || !rec->fault.has_ip_proto ||
	    rec->fault.ip_proto != IPPROTO_UDP || !rec->family)
		return;
	if (rec->fault.outgoing)
		flow_key_of(&key, rec->family, rec->saddr, rec->sport, rec->daddr, rec->dport);
	else
		flow_key_of(&key, rec->family, rec->daddr, rec->dport, rec->saddr, rec->sport);
	s = flow_find(f, &key, true);
	if (s)
		s->now[DROPS]++;
	else
		f->drops_unkept_now++;
}

static void take_kernel_flow(void *ctx, const void *key, const uint64_t *sums)
{
	struct udp_flows *f = ctx;
	struct flow_slot *s = flow_find(f, key, true);

	if (!s) {
		/* no room here: as the kernel does, sum it apart */
		for (int i = 0; i < 4; i++)
			f->unkept_now[i] += sums[i];
		return;
	}
	for (int i = 0; i < 4; i++)
		s->now[i] = sums[i];
}

static void take_unkept(void *ctx, const void *key, const uint64_t *sums)
{
	struct udp_flows *f = ctx;

	(void)key;
	for (int i = 0; i < 4; i++)
		f->unkept_now[i] += sums[i];
}

/* What no flow slot holds, kernel's or ours, goes to the rest line. */
static void add_unkept(struct udp_flows *f, struct nwt_udp_flows_rest *rest, bool final)
{
	uint64_t d[4];

	for (int i = 0; i < 4; i++)
		d[i] = f->unkept_now[i] - (final ? 0 : f->unkept_then[i]);
	rest->tx_datagrams += d[TX_DGRAMS];
	rest->tx_bytes += d[TX_BYTES];
	rest->rx_datagrams += d[RX_DGRAMS];
	rest->rx_bytes += d[RX_BYTES];
	rest->unkept_datagrams += d[TX_DGRAMS] + d[RX_DGRAMS];
	rest->drops += f->drops_unkept_now - (final ? 0 : f->drops_unkept_then);
	if (!final) {
		memcpy(f->unkept_then, f->unkept_now, sizeof(f->unkept_then));
		f->drops_unkept_then = f->drops_unkept_now;
	}
}

static void print_stats(struct nwt_feature_ctx *ctx, struct nwt_bpf *bpf, FILE *out,
			uint64_t wall_ns, bool final, double window_s)
{
	struct udp_flows *f = ctx->state;
	struct nwt_udp_flows_report r = { .window_s = window_s, .final = final, .wall_ns = wall_ns };
	struct nwt_udp_flow_row *rows;
	size_t n = 0;

	if (!f->slots)
		return;
	rows = calloc(f->used + NWT_UDP_FLOWS_MAX, sizeof(*rows));
	if (!rows)
		return;
	memset(f->unkept_now, 0, sizeof(f->unkept_now));
	nwt_bpf_sum_percpu_counters(bpf, NWT_MAP_UDP_FLOWS, sizeof(struct nwt_udp_flow_key), 4,
				    take_kernel_flow, f);
	nwt_bpf_sum_percpu_counters(bpf, NWT_MAP_UDP_FLOWS_UNKEPT, sizeof(uint32_t), 4, take_unkept,
				    f);
	for (size_t i = 0; i < FLOW_SLOTS; i++) {
		struct flow_slot *s = &f->slots[i];
		struct nwt_udp_flow_row *row = &rows[n];
		uint64_t d[N_COUNTS], any = 0;

		if (!s->used)
			continue;
		for (int c = 0; c < N_COUNTS; c++)
			any |= d[c] = s->now[c] - (final ? 0 : s->then[c]);
		if (!final)
			memcpy(s->then, s->now, sizeof(s->then));
		if (!any)
			continue;	/* quiet in this window */
		row->family = s->key.family;
		memcpy(row->laddr, s->key.laddr, sizeof(row->laddr));
		memcpy(row->raddr, s->key.raddr, sizeof(row->raddr));
		row->lport = s->key.lport;
		row->rport = s->key.rport;
		row->tx_datagrams = d[TX_DGRAMS];
		row->tx_bytes = d[TX_BYTES];
		row->rx_datagrams = d[RX_DGRAMS];
		row->rx_bytes = d[RX_BYTES];
		row->drops = d[DROPS];
		n++;
	}
	r.rows = rows;
	r.n_rows = nwt_udp_flows_rank(rows, n, ctx->opts->top_flows, &r.rest);
	add_unkept(f, &r.rest, final);
	nwt_udp_flows_print(out, &r, ctx->opts->json);
	free(rows);
}

const struct nwt_feature_module nwt_feature_udp = {
	.name = "udp",
	.flags = NWT_FEATURE_UDP,
	.table_header = nwt_udp_table_print_header,
	.create = create,
	.refine = refine,
	.print_stats = print_stats,
	.destroy = destroy,
};
