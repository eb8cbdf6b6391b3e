/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Part of packet_path.bpf.c: the transmit points: sendmsg step, TCP, IP,
 * device queue and driver. Composed into it in place (after the parts before
 * it), not compiled alone.
 */

/*
 * tx, TCP: remember where this sendmsg step starts in the byte stream.  With
 * the tail of the write queue known (tail, size_goal: the tracepoint), a step
 * that appends to a tail with room starts no segment: the stamp of the step
 * that started the tail stands, and the history reaches further back.
 */
static __always_inline void nwt_pkt_tx_tcp(u64 sk_arg, u64 tail, u32 size_goal, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	struct nwt_pkt_sock *s;
	u32 write_seq = 0, i, tail_len = 0;
	u64 task, tp = sk_arg, sk;

#ifdef NWT_OFF_SKB_LEN
	if (tail && !NWT_LOAD(btf, tail_len, tail, NWT_OFF_SKB_LEN) &&
	    (s32)(size_goal - tail_len) > 0)
		return;
#endif
	if (btf) {	/* write_seq is past struct sock: the verifier needs the tcp_sock type */
		tp = (u64)bpf_skc_to_tcp_sock((void *)sk_arg);
		if (!tp)
			return;
	}
	NWT_LOAD(btf, write_seq, tp, NWT_OFF_TCP_WRITE_SEQ);
	sk = btf ? nwt_scalar(sk_arg) : sk_arg;
	s = nwt_pkt_sock_get(sk_arg, sk, btf);
	if (!s)
		return;
	i = s->send_next & (NWT_SEND_HISTORY - 1);
	s->send_ns[i] = bpf_ktime_get_ns();
	s->send_seq[i] = write_seq;
	s->send_next++;
	/* The same thread again: its comm is known (one that renames itself keeps the old name here). */
	task = bpf_get_current_pid_tgid();
	if (s->has_owner && s->owner_task == task)
		return;
	s->owner_task = task;
	s->pid = task >> 32;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
	s->has_owner = 1;
}

/*
 * When did the sendmsg step holding byte `seq` run?  0 if no longer known.
 * Steps are kept in stream order, the newest at send_next - 1: a binary
 * search finds the newest one that starts at or before seq.
 */
static __always_inline u64 nwt_pkt_sent_at(const struct nwt_pkt_sock *s, u32 seq)
{
	u32 n = s->send_next < NWT_SEND_HISTORY ? s->send_next : NWT_SEND_HISTORY;
	u32 lo = 1, hi = n + 1;	/* the answer, k steps back, lies in [lo, hi]; n + 1: none */
	u32 k, pos;

#pragma unroll
	for (int i = 0; i <= NWT_SEND_HISTORY_LOG2; i++) {
		if (lo >= hi)
			break;
		k = (lo + hi) / 2;
		pos = (s->send_next - k) & (NWT_SEND_HISTORY - 1);
		if ((s32)(seq - s->send_seq[pos]) >= 0)
			hi = k;
		else
			lo = k + 1;
	}
	if (lo > n)
		return 0;
	return s->send_ns[(s->send_next - lo) & (NWT_SEND_HISTORY - 1)];
}

/* tx, IP (kprobe chains only): stamp the skb. */
static __always_inline void nwt_pkt_tx_ip(u64 skb)
{
	NWT_PKT_POINT_ENTRY();
#ifdef NWT_PKT_RECORDS
	struct nwt_pkt_state st = {};

	st.ts[NWT_PT_TX_IP] = bpf_ktime_get_ns();
	pkt_tx.update(&skb, &st);
#endif
}

/* tx, device queue: the headers are complete here; filter and keep the state. */
static __always_inline void nwt_pkt_tx_queue(u64 skb_arg, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;

	nwt_pkt_hop(skb_arg, skb, 0, NWT_DIR_TX, NWT_PT_TX_QUEUE, false, 0, btf);
#ifdef NWT_PKT_RECORDS
	struct nwt_pkt_state st = {};
	struct nwt_pkt_state *known = NULL;
	struct nwt_pkt_sock *owner = NULL;
	struct nwt_pkt_slot *slot;
	struct nwt_skb_fields f;
	u32 idx = nwt_pkt_slot_index(skb);
	u64 now, sk;
	bool direct;

#if defined(NWT_USE_PKT_TX_IP_KPROBE)
	/* Only the kprobe chain stamps the IP layer before this point. */
	known = pkt_tx.lookup(&skb);
	if (known && !known->ts[NWT_PT_TX_QUEUE])
		st.ts[NWT_PT_TX_IP] = known->ts[NWT_PT_TX_IP];
#endif
	if (!nwt_skb_fields_read(skb_arg, &f, btf) || !nwt_pkt_parse(skb, nwt_skb_l3(&f), &st))
		goto forget;
	sk = f.sk;
	st.sk = sk;
	if (sk)
		owner = nwt_pkt_sock_find(f.sk_arg, sk, btf);
	if (!nwt_pkt_wanted(&st, NWT_DIR_TX, owner && owner->has_owner ? owner->pid : 0))
		goto forget;
	if (owner && st.payload_len)
		st.ts[NWT_PT_TX_TCP] = nwt_pkt_sent_at(owner, st.seq);
#ifdef NWT_PKT_RX_OUTSIDE
	if (st.tcp_flags & NWT_TCP_FLAG_SYN) {	/* the reply arrives before ESTABLISHED */
		struct nwt_flow reply;

		nwt_flow_reply(&st.flow, &reply);
		nwt_rx_unestablished_put(&reply, sk,
					 st.tcp_flags & NWT_TCP_FLAG_ACK ? NWT_TCP_SYN_RECV
									 : NWT_TCP_SYN_SENT,
					 owner);
	}
#endif
	now = bpf_ktime_get_ns();
	st.ts[NWT_PT_TX_QUEUE] = now;
	direct = nwt_pkt_dev(f.dev, f.queue_mapping, true, now, &st);
	if (direct && (slot = pkt_tx_slots.lookup(&idx))) {
		/*
		 * Driver transmit follows at once on this CPU, with bottom halves
		 * off: the owner known now is the one it would look up, so it
		 * travels with the state and saves a hash lookup there.
		 */
		if (owner && owner->has_owner) {
			st.has_owner = 1;
			st.owner_pid = owner->pid;
			__builtin_memcpy(st.owner_comm, owner->comm, sizeof(st.owner_comm));
		}
		slot->skb = skb;
		slot->st = st;
		if (known)
			pkt_tx.delete(&skb);
		return;
	}
	pkt_tx.update(&skb, &st);
	return;
forget:
	if (known)
		pkt_tx.delete(&skb);
#endif
}

/* tx, driver transmit: the last tx point; the record leaves. */
static __always_inline void nwt_pkt_tx_xmit(u64 skb_arg, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;

	nwt_pkt_hop(skb_arg, skb, 0, NWT_DIR_TX, NWT_PT_TX_XMIT, false, 0, btf);
#ifdef NWT_PKT_RECORDS
	u32 idx = nwt_pkt_slot_index(skb);
	struct nwt_pkt_slot *slot = pkt_tx_slots.lookup(&idx);
	struct nwt_pkt_state *st;
	struct nwt_pkt_sock *owner;
	bool in_slot = slot && slot->skb == skb;
	u64 sk;

	st = in_slot ? &slot->st : pkt_tx.lookup(&skb);
	if (!st || !st->ts[NWT_PT_TX_QUEUE])
		return;
	st->ts[NWT_PT_TX_XMIT] = bpf_ktime_get_ns();
	sk = st->sk;
	owner = NULL;		/* in a slot: the state carries the owner */
	if (!in_slot && sk) {	/* a qdisc was in between: the owner as of now */
		u64 sk_arg = sk;

		if (btf)	/* typed, for socket-local storage */
			NWT_LOAD(btf, sk_arg, skb_arg, NWT_OFF_SKB_SK);
		owner = nwt_pkt_sock_find(sk_arg, sk, btf);
	}
	nwt_pkt_emit(NWT_EVENT_PACKET, NWT_DIR_TX, NWT_PT_TX_XMIT, st, owner, 0);
	if (in_slot)
		slot->skb = 0;
	else
		pkt_tx.delete(&skb);
#endif
}

/* rx, device receive: stamp, nothing parsed yet (most packets are not wanted). */
static __always_inline void nwt_pkt_rx_dev_stamp(u64 skb_arg, u64 skb, bool btf)
{
	NWT_PKT_POINT_ENTRY();
#ifdef NWT_PKT_RECORDS
	struct nwt_rx_stamp *slot = nwt_rx_stamp_of(bpf_get_smp_processor_id(), skb);

	if (slot)
		nwt_rx_stamp_set(slot, skb_arg, skb, bpf_ktime_get_ns(), 0, btf);
#endif
}

static __always_inline void nwt_pkt_rx_dev(u64 skb_arg, u32 l3_skip, bool btf)
{
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;

	nwt_pkt_hop(skb_arg, skb, 0, NWT_DIR_RX, NWT_PT_RX_DEV, true, l3_skip, btf);
	nwt_pkt_rx_dev_stamp(skb_arg, skb, btf);
}
