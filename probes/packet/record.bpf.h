/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Part of packet_path.bpf.c: what every point shares: the device memo, the
 * filters, per-CPU staging and emitting a record or a hop. Composed into it in
 * place (after the parts before it), not compiled alone.
 */

/*
 * What a packet's device says (ifindex, name, whether its transmit queue
 * has a qdisc) changes rarely but costs three to five reads: each CPU keeps
 * it for its last few devices and reads it again after NWT_DEV_MEMO_NS, so a
 * renamed device or a new qdisc shows within that time.  The entries are
 * searched, not indexed by address: net_device structures are page-aligned,
 * so their low address bits are all alike, and a flow's two directions
 * alternate between two devices on one CPU.
 */
#define NWT_DEV_MEMO_WAYS 4
#define NWT_DEV_MEMO_NS 100000000ULL

struct nwt_dev_memo {
	u64 dev;
	u64 read_ns;
	u32 ifindex;
	u16 queue_mapping;	/* the queue tx_direct is for */
	u8 tx_direct;
	u8 tx_known;
	char name[16];
};

struct nwt_dev_memo_set {
	struct nwt_dev_memo way[NWT_DEV_MEMO_WAYS];
	u32 next_victim;
};

BPF_PERCPU_ARRAY(dev_memo, struct nwt_dev_memo_set, 1);

/* Fills st's ifindex and ifname from dev; true if dev transmits on queue qm at once (want_tx). */
static __always_inline bool nwt_pkt_dev(u64 dev, u16 qm, bool want_tx, u64 now,
					struct nwt_pkt_state *st)
{
	u32 zero = 0, w = NWT_DEV_MEMO_WAYS;
	struct nwt_dev_memo_set *set;
	struct nwt_dev_memo *m;

	st->dev = dev;
	if (!dev)
		return false;
	set = dev_memo.lookup(&zero);
	if (!set)
		return false;
#pragma unroll
	for (u32 i = 0; i < NWT_DEV_MEMO_WAYS; i++) {
		if (set->way[i].dev == dev) {
			w = i;
			break;
		}
	}
	if (w >= NWT_DEV_MEMO_WAYS)
		w = set->next_victim++ & (NWT_DEV_MEMO_WAYS - 1);
	m = &set->way[w & (NWT_DEV_MEMO_WAYS - 1)];
	if (m->dev != dev || now - m->read_ns > NWT_DEV_MEMO_NS) {
		m->dev = dev;
		m->read_ns = now;
		m->ifindex = 0;
		m->name[0] = '\0';
		m->tx_known = 0;
		nwt_dev_iface_read(dev, &m->ifindex, m->name);
	}
	st->ifindex = m->ifindex;
	__builtin_memcpy(st->ifname, m->name, sizeof(st->ifname));
	if (!want_tx)
		return false;
	if (!m->tx_known || m->queue_mapping != qm) {
		m->tx_direct = nwt_dev_tx_direct(dev, qm);
		m->queue_mapping = qm;
		m->tx_known = 1;
	}
	return m->tx_direct;
}

/* The filters see ports from the local side: --sport is the local port. */
static __always_inline bool nwt_pkt_wanted(const struct nwt_pkt_state *st, u8 dir, u32 pid)
{
	struct nwt_flow local = st->flow;

	if (dir == NWT_DIR_RX) {
		local.sport = st->flow.dport;
		local.dport = st->flow.sport;
	}
	return nwt_filter(&local, pid);
}

#include "lib/record_stage.bpf.h"

/*
 * The owner comes from the socket table (owner) or else the copy the state
 * carries.  False if the record did not leave (rate limit, full ring).
 */
static __always_inline bool nwt_pkt_emit(u32 type, u8 dir, u8 point, const struct nwt_pkt_state *st,
					 const struct nwt_pkt_sock *owner, u32 flags)
{
	struct nwt_pkt_stage *stage;
	struct nwt_packet_event *e = nwt_pkt_record_open(&stage, true);

	if (!e)
		return false;
	e->hdr.ts_ns = 0;
	e->hdr.type = type;
	e->hdr.pid = 0;
	e->flags = flags;
	if (owner && owner->has_owner) {
		e->hdr.pid = owner->pid;
		__builtin_memcpy(e->hdr.comm, owner->comm, sizeof(e->hdr.comm));
		e->flags |= NWT_PKT_F_OWNER_KNOWN;
	} else if (!owner && st->has_owner) {
		e->hdr.pid = st->owner_pid;
		__builtin_memcpy(e->hdr.comm, st->owner_comm, sizeof(e->hdr.comm));
		e->flags |= NWT_PKT_F_OWNER_KNOWN;
	} else {
		__builtin_memset(e->hdr.comm, 0, sizeof(e->hdr.comm));
	}
	e->sock_id = st->sk;
	__builtin_memcpy(e->point_ns, st->ts, sizeof(e->point_ns));
	for (int i = 0; i < NWT_PT_PER_DIR; i++)
		if (st->ts[i] > e->hdr.ts_ns)
			e->hdr.ts_ns = st->ts[i];
	e->flow = st->flow;
	e->seq = st->seq;
	e->ack = st->ack;
	e->payload_len = st->payload_len;
	e->ifindex = st->ifindex;
	if (st->tcp_flags & 0x10)
		e->flags |= NWT_PKT_F_HAS_ACK;
	e->direction = dir;
	e->tcp_flags = st->tcp_flags;
	e->point = point;
	e->http_len = st->http_len;
	__builtin_memcpy(e->ifname, st->ifname, sizeof(e->ifname));
#ifdef NWT_PKT_HTTP
	__builtin_memcpy(e->http, st->http, sizeof(e->http));
#endif
	nwt_pkt_record_close(e, stage, true);
	return true;
}

/* The application copied len bytes from seq on out of socket sk: the reader is s's owner. */
static __always_inline void nwt_pkt_emit_read(u64 sk, u32 seq, u32 len, const struct nwt_pkt_sock *s)
{
	struct nwt_pkt_stage *stage;
	struct nwt_packet_event *e = nwt_pkt_record_open(&stage, false);

	if (!e)
		return;		/* the data it would complete then shows no read time */
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.type = NWT_EVENT_PKT_READ;
	e->hdr.pid = s->pid;
	__builtin_memcpy(e->hdr.comm, s->comm, sizeof(e->hdr.comm));
	e->flags = NWT_PKT_F_OWNER_KNOWN;
	e->sock_id = sk;
	e->seq = seq;
	e->payload_len = len;
	e->direction = NWT_DIR_RX;
	e->point = NWT_PT_RX_SOCK;
	nwt_pkt_record_close(e, stage, false);
}

/* --hops: one record for this point, headers read here (skb_arg as the point got it; sk: a number). */
static __always_inline void nwt_pkt_hop(u64 skb_arg, u64 skb, u64 sk, u8 dir, u8 point,
					bool l3_from_data, u32 l3_skip, bool btf)
{
	NWT_PKT_POINT_ENTRY();
#ifdef NWT_PKT_HOPS
	struct nwt_pkt_state st = {};
	struct nwt_pkt_sock *owner;
	struct nwt_skb_fields f;
	u64 l3;

	if (!nwt_skb_fields_read(skb_arg, &f, btf))
		return;
	l3 = l3_from_data ? nwt_skb_data(skb_arg, btf) : nwt_skb_l3(&f);
	if (!l3 || !nwt_pkt_parse(skb, l3 + l3_skip, &st))
		return;
	if (!sk)
		sk = f.sk;
	st.sk = sk;
	st.ts[0] = bpf_ktime_get_ns();
	nwt_pkt_dev(f.dev, 0, false, st.ts[0], &st);
	owner = sk ? pkt_socks.lookup(&sk) : NULL;
	if (nwt_pkt_wanted(&st, dir, owner && owner->has_owner ? owner->pid : 0))
		nwt_pkt_emit(NWT_EVENT_HOP, dir, point, &st, owner, 0);
#endif
}
