/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Part of packet_path.bpf.c: the application's read of received data, and the
 * socket backlog. Composed into it in place (after the parts before it), not
 * compiled alone.
 */

/*
 * rx, socket read: the application copies len bytes out of skb.  The reader
 * becomes the socket's owner; if reported data lies at or past the first
 * byte read, the read leaves as a record that nwtrace joins to that data.
 */
static __always_inline void nwt_pkt_rx_sock(u64 skb_arg, u32 len, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;
	u64 sk_arg = 0, sk;

	NWT_LOAD(btf, sk_arg, skb_arg, NWT_OFF_SKB_SK);
	if (!sk_arg)
		return;
	sk = btf ? nwt_scalar(sk_arg) : sk_arg;
	nwt_pkt_hop(skb_arg, skb, sk, NWT_DIR_RX, NWT_PT_RX_SOCK, false, 0, btf);
#ifdef NWT_PKT_RECORDS
	struct nwt_pkt_sock *s = nwt_pkt_sock_find(sk_arg, sk, btf);
	u32 copied_seq = 0;
	u64 task;

	if (!s)
		return;		/* no data of this socket was reported */
	/* The same thread as last time: its comm is known. */
	task = bpf_get_current_pid_tgid();
	if (!s->has_owner || s->owner_task != task) {
		s->owner_task = task;
		s->pid = task >> 32;
		bpf_get_current_comm(s->comm, sizeof(s->comm));
		s->has_owner = 1;
	}
	if (!s->has_rx_reported)
		return;
	/*
	 * The copy starts at copied_seq: tcp_recvmsg() advances it after each
	 * skb.  (Copied: skb->sk is not a type the verifier lets the program
	 * turn into a tcp_sock.)
	 */
	NWT_READ_FIELD(copied_seq, sk, NWT_OFF_TCP_COPIED_SEQ);
	if (nwt_seq_before(copied_seq, s->rx_reported_end))
		nwt_pkt_emit_read(sk, copied_seq, len, s);
#endif
}

#ifdef NWT_PKT_RX_OUTSIDE
#define NWT_RX_BACKLOG_WALK 8	/* backlog segments reported at most */

/* The state of the segment being reported, off the stack: the walk has no room for it. */
BPF_PERCPU_ARRAY(pkt_rx_backlog_state, struct nwt_pkt_state, 1);

/*
 * Socket sk leaves ESTABLISHED with segments in its backlog: IP saw them
 * while it was established, but TCP will process them in the new state,
 * where its point does not see them.  They are reported now, as IP would
 * have, with the stamps they left.
 */
static __always_inline void nwt_pkt_rx_backlog(u64 sk_arg, u64 sk, bool btf, u32 state, u64 now)
{
	u32 cpu = bpf_get_smp_processor_id(), zero = 0, found;
	struct nwt_pkt_state *st = pkt_rx_backlog_state.lookup(&zero);
	struct nwt_pkt_sock *owner;
	u64 skb = 0;

	if (!st)
		return;
	NWT_READ_FIELD(skb, sk, NWT_OFF_SOCK_BACKLOG_HEAD);
#pragma clang loop unroll(disable)
	for (int i = 0; i < NWT_RX_BACKLOG_WALK && skb; i++) {
		u64 head = 0;
		u16 nh = 0xffff;

		__builtin_memset(st, 0, sizeof(*st));
		/*
		 * Looked up each time round: with one look-up before the loop the
		 * compiler computes &owner->comm ahead of the NULL check, which
		 * the verifier refuses.
		 */
		owner = nwt_pkt_sock_find(sk_arg, sk, btf);
		/* Two fields, not nwt_skb_fields_read()'s span: the stack has no room for it. */
		NWT_READ_FIELD(head, skb, NWT_OFF_SKB_HEAD);
		NWT_READ_FIELD(nh, skb, NWT_OFF_SKB_NETWORK_HEADER);
		if (head && nh != 0xffff && nwt_pkt_parse(skb, head + nh, st) &&
		    nwt_pkt_wanted(st, NWT_DIR_RX, owner && owner->has_owner ? owner->pid : 0)) {
			if (!nwt_rx_stamp_peek(cpu, skb, now, st->ts, &st->dev))
				nwt_rx_stamps_scan(cpu, cpu, cpu, skb, now, st->ts, &st->dev, &found);
			if (st->tcp_flags & NWT_TCP_FLAG_FIN)
				pkt_rx_fin_held.delete(&st->flow);	/* reported here */
			st->sk = sk;
			nwt_rx_report_at_ip(st, owner, state, now);
		}
		if (NWT_READ_FIELD(skb, skb, NWT_OFF_SKB_NEXT))
			break;
	}
}

/*
 * A held FIN of socket sk's flow (reply: as received) that TCP's point did
 * not report: TCP meets it, or met it, outside the established state.
 * state: the socket's state then.
 */
static __always_inline void nwt_rx_fin_release(u64 sk, const struct nwt_pkt_sock *owner,
					       struct nwt_flow *reply, u32 state)
{
	struct nwt_pkt_state *st = pkt_rx_fin_held.lookup(reply);

	if (!st)
		return;
	if (nwt_pkt_wanted(st, NWT_DIR_RX, owner && owner->has_owner ? owner->pid : 0)) {
		st->sk = sk;
		nwt_rx_report_at_ip(st, owner, state, st->ts[NWT_PT_RX_IP - NWT_PT_RX_DEV]);
	}
	pkt_rx_fin_held.delete(reply);
}

/*
 * A TCP socket changed state: its flow enters pkt_rx_unestablished when it
 * leaves ESTABLISHED and leaves the map when it is ESTABLISHED or closed.
 * At SYN_SENT the local port may not be chosen yet: the SYN the socket
 * sends puts the flow in (nwt_pkt_tx_queue).
 */
static __always_inline void nwt_pkt_rx_state(u64 sk_arg, int oldstate, int newstate, bool btf)
{
	struct nwt_flow local = {}, reply = {};
	struct nwt_pkt_sock *owner;
	u64 sk = btf ? nwt_scalar(sk_arg) : sk_arg;
	u8 state = 0;

	if (newstate == NWT_TCP_LISTEN || newstate == NWT_TCP_SYN_SENT ||
	    !nwt_sock_flow(sk, &local, &state))
		return;
	/* A dual-stack socket's IPv4 peer: its packets are IPv4. */
	if (local.family == AF_INET6 && nwt_v4_mapped(local.daddr)) {
		local.family = AF_INET;
		__builtin_memcpy(local.saddr, local.saddr + 12, 4);
		__builtin_memcpy(local.daddr, local.daddr + 12, 4);
		__builtin_memset(local.saddr + 4, 0, 12);
		__builtin_memset(local.daddr + 4, 0, 12);
	}
	nwt_flow_reply(&local, &reply);
	owner = nwt_pkt_sock_find(sk_arg, sk, btf);
	if (newstate == NWT_TCP_ESTABLISHED || newstate == NWT_TCP_CLOSE)
		nwt_rx_unestablished_drop(&reply);
	else
		nwt_rx_unestablished_put(&reply, sk, newstate, owner);
	if (oldstate == NWT_TCP_ESTABLISHED)
		nwt_pkt_rx_backlog(sk_arg, sk, btf, newstate, bpf_ktime_get_ns());
	if (newstate != NWT_TCP_ESTABLISHED)
		nwt_rx_fin_release(sk, owner, &reply,
				   oldstate == NWT_TCP_ESTABLISHED ? newstate : oldstate);
}
#endif
