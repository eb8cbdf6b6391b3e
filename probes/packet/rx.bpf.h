/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Part of packet_path.bpf.c: the receive points: device, IP and TCP. Composed
 * into it in place (after the parts before it), not compiled alone.
 */

BPF_PERCPU_ARRAY(pkt_rx_ip_hint, u32, 1);	/* +1: the CPU whose stamps IP last took over */

/*
 * rx, IP: add the IP stamp to the device's, which is in this CPU's part or,
 * after RPS, in another's (taken over into this CPU's part, for TCP).  A
 * stamp left by an earlier life of this skb address is replaced.  Returns
 * the slot that now holds skb's stamps, or NULL.
 */
static __always_inline struct nwt_rx_stamp *nwt_pkt_rx_ip_stamp(u64 skb_arg, u64 skb, u64 now,
								bool btf)
{
	u32 cpu = bpf_get_smp_processor_id(), zero = 0, from = cpu;
	struct nwt_rx_stamp *slot = nwt_rx_stamp_of(cpu, skb);
	u32 *hint = pkt_rx_ip_hint.lookup(&zero);
	u64 ts[2] = {}, dev = 0;
	bool moved = false;

	if (!slot || !hint)
		return NULL;
	if (slot->skb == skb && !slot->ts[1] && nwt_rx_stamp_fresh(slot->ts[0], now)) {
		slot->ts[1] = now;
		return slot;
	}
	if (*hint && *hint - 1 != cpu && nwt_rx_stamp_peek(*hint - 1, skb, now, ts, &dev)) {
		moved = true;
	} else if (nwt_rx_stamps_scan(cpu, *hint - 1, *hint - 1, skb, now, ts, &dev, &from)) {
		*hint = from + 1;
		moved = true;
	}
	if (moved && !ts[1]) {
		slot->skb = 0;
		asm volatile("" ::: "memory");
		slot->ts[0] = ts[0];
		slot->ts[1] = now;
		slot->dev = dev;
		asm volatile("" ::: "memory");
		slot->skb = skb;
		return slot;
	}
	nwt_rx_stamp_set(slot, skb_arg, skb, 0, now, btf);
	return slot;
}

#ifdef NWT_PKT_RX_OUTSIDE
/* What tells a segment IP reported from a later one at the same skb address. */
static __always_inline u64 nwt_rx_segment_id(const struct nwt_pkt_state *st)
{
	return (u64)st->seq << 32 | st->ack;
}

/* A peer's SYN, which IP always reports. */
static __always_inline bool nwt_rx_is_syn(const struct nwt_pkt_state *st)
{
	return (st->tcp_flags & (NWT_TCP_FLAG_SYN | NWT_TCP_FLAG_ACK)) == NWT_TCP_FLAG_SYN;
}

/* A record that leaves at IP for TCP's point: the receiving socket was in `state`. */
static __always_inline void nwt_rx_report_at_ip(struct nwt_pkt_state *st,
						const struct nwt_pkt_sock *owner, u32 state,
						u64 now)
{
	nwt_pkt_dev(st->dev, 0, false, now, st);
	nwt_pkt_emit(NWT_EVENT_PACKET, NWT_DIR_RX, NWT_PT_RX_IP, st, owner,
		     (state & 0xf) << NWT_PKT_F_STATE_SHIFT);
}

/* IP's time now, and skb's device stamp and device from slot if it still holds them (true). */
static __always_inline bool nwt_rx_stamps_take(struct nwt_pkt_state *st, struct nwt_rx_stamp *slot,
					       u64 skb, u64 now)
{
	st->ts[NWT_PT_RX_IP - NWT_PT_RX_DEV] = now;
	if (!slot || slot->skb != skb)
		return false;
	st->ts[NWT_PT_RX_DEV - NWT_PT_RX_DEV] = slot->ts[0];
	st->dev = slot->dev;
	return true;
}

/* A FIN of an established flow: held with its stamps until TCP's point or a state change reports it. */
static __always_inline void nwt_rx_fin_hold(struct nwt_pkt_state *st, u64 skb, u64 payload,
					    struct nwt_rx_stamp *slot, u64 now)
{
	nwt_rx_stamps_take(st, slot, skb, now);
#ifdef NWT_PKT_HTTP
	nwt_pkt_http(skb, payload, st);	/* its payload may be gone by then */
#endif
	pkt_rx_fin_held.update(&st->flow, st);
}

/*
 * rx, IP, for a segment TCP's point will not see: a peer's SYN, or one of a
 * flow outside the established state (see pkt_rx_unestablished).  The
 * record carries the device and IP stamps (slot: skb's, or NULL).
 */
static __always_inline void nwt_pkt_rx_outside(u64 skb_arg, u64 skb, struct nwt_rx_stamp *slot,
					       u64 now, bool btf)
{
	struct nwt_pkt_state st = {};
	struct nwt_rx_unestablished *u;
	u32 state = NWT_TCP_LISTEN;	/* a peer's SYN, not known: for a listener */
	u64 payload;

	if (!nwt_pkt_parse_headers(nwt_skb_data(skb_arg, btf), &st, &payload))
		return;
	u = nwt_rx_unestablished_find(&st.flow);
	if (!u && !nwt_rx_is_syn(&st)) {
		if (st.tcp_flags & NWT_TCP_FLAG_FIN)
			nwt_rx_fin_hold(&st, skb, payload, slot, now);
		return;
	}
	if (u) {
		st.sk = u->sk;
		state = u->state;
		st.has_owner = u->has_owner;
		st.owner_pid = u->pid;
		__builtin_memcpy(st.owner_comm, u->comm, sizeof(st.owner_comm));
	}
	if (!nwt_pkt_wanted(&st, NWT_DIR_RX, st.has_owner ? st.owner_pid : 0))
		return;
	if (nwt_rx_stamps_take(&st, slot, skb, now)) {
		slot->ts[0] = nwt_rx_segment_id(&st);
		slot->skb = skb | NWT_RX_REPORTED_AT_IP;
	}
#ifdef NWT_PKT_HTTP
	nwt_pkt_http(skb, payload, &st);
#endif
	nwt_rx_report_at_ip(&st, NULL, state, now);	/* the owner: st's copy */
}
#endif

/* rx, IP: stamp; beside tcp:tcp_probe, also report what TCP's point will not see. */
static __always_inline void nwt_pkt_rx_ip(u64 skb_arg, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;

	nwt_pkt_hop(skb_arg, skb, 0, NWT_DIR_RX, NWT_PT_RX_IP, true, 0, btf);
#ifdef NWT_PKT_RECORDS
	u64 now = bpf_ktime_get_ns();
	struct nwt_rx_stamp *slot = nwt_pkt_rx_ip_stamp(skb_arg, skb, now, btf);

#ifdef NWT_PKT_RX_OUTSIDE
	nwt_pkt_rx_outside(skb_arg, skb, slot, now, btf);
#endif
#endif
}

/*
 * rx, TCP: headers are set; filter and report.  Data is reported now, flagged
 * to wait in nwtrace for the application's read (nwt_pkt_rx_sock).
 */
static __always_inline void nwt_pkt_rx_tcp(u64 sk_arg, u64 skb_arg, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;
	u64 sk = btf ? nwt_scalar(sk_arg) : sk_arg;

	nwt_pkt_hop(skb_arg, skb, sk, NWT_DIR_RX, NWT_PT_RX_TCP, false, 0, btf);
#ifdef NWT_PKT_RECORDS
	struct nwt_pkt_state st = {};
	u32 cpu = bpf_get_smp_processor_id();
	struct nwt_rx_stamp *slot = nwt_rx_stamp_of(cpu, skb);
	struct nwt_pkt_sock *owner;
	struct nwt_skb_fields f;
	const int tcp = NWT_PT_RX_TCP - NWT_PT_RX_DEV;
	u64 now = bpf_ktime_get_ns();
	bool stamped_here = false;
	u32 end;

#ifdef NWT_PKT_RX_OUTSIDE
	u64 reported_at_ip = 0;

	if (slot && slot->skb == (skb | NWT_RX_REPORTED_AT_IP)) {
		reported_at_ip = slot->ts[0];
		slot->skb = 0;
	}
#endif
	if (slot && slot->skb == skb) {
		if (nwt_rx_stamp_fresh(slot->ts[0], now) && nwt_rx_stamp_fresh(slot->ts[1], now)) {
			st.ts[0] = slot->ts[0];
			st.ts[1] = slot->ts[1];
			st.dev = slot->dev;
			stamped_here = true;
		}
		slot->skb = 0;
	}
	if (!nwt_skb_fields_read(skb_arg, &f, btf) || !nwt_pkt_parse(skb, nwt_skb_l3(&f), &st))
		return;
#ifdef NWT_PKT_RX_OUTSIDE
	if (nwt_rx_is_syn(&st) || (reported_at_ip && reported_at_ip == nwt_rx_segment_id(&st)))
		return;		/* IP reported it */
	if (st.tcp_flags & NWT_TCP_FLAG_FIN)
		pkt_rx_fin_held.delete(&st.flow);	/* reported here */
#endif
	st.sk = sk;
	owner = nwt_pkt_sock_find(sk_arg, sk, btf);
	if (!nwt_pkt_wanted(&st, NWT_DIR_RX, owner && owner->has_owner ? owner->pid : 0))
		return;
	/* Data needs an entry: reads are reported only while reported data is ahead of them. */
	if (!owner && st.payload_len)
		owner = nwt_pkt_sock_get(sk_arg, sk, btf);
	st.ts[tcp] = now;
	if (owner)
		nwt_rx_stamps_find(owner, cpu, stamped_here, skb, now, st.ts, &st.dev);
	/* TCP may have cleared skb->dev: the device seen at receive then names it. */
	nwt_pkt_dev(f.dev ? f.dev : st.dev, 0, false, st.ts[tcp], &st);
	if (!st.payload_len) {
		nwt_pkt_emit(NWT_EVENT_PACKET, NWT_DIR_RX, NWT_PT_RX_TCP, &st, owner, 0);
		return;
	}
	if (!nwt_pkt_emit(NWT_EVENT_PACKET, NWT_DIR_RX, NWT_PT_RX_TCP, &st, owner,
			  NWT_PKT_F_AWAITS_READ) || !owner)
		return;
	end = st.seq + st.payload_len;
	if (!owner->has_rx_reported || nwt_seq_before(owner->rx_reported_end, end)) {
		owner->rx_reported_end = end;
		owner->has_rx_reported = 1;
	}
#endif
}
