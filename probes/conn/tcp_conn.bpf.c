/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Connection metrics (-x) and retransmissions (-r).
 *
 * The connection table is a snapshot, not a stream: user space runs the
 * iter/tcp program every --interval and gets one struct nwt_conn_sample per
 * socket, read from the tcp_sock as the kernel holds it at that moment (an
 * event-driven copy, e.g. taken at tcp:tcp_probe, lags by one packet and never
 * catches up while a connection is idle).  A connection's final values are
 * sent through the ring buffer when it closes, because the iterator can no
 * longer see it afterwards.  Every tcp_sock field is read at a BTF offset.
 *
 * Composed after tcp_lifecycle.bpf.c, whose sock_owners map says who owns a
 * socket and when it was opened.  Feature switches: NWT_WANT_CONN (-x),
 * NWT_WANT_RETRANS (-r).
 *
 * Attach alternatives (chosen by the probe plan):
 *   NWT_USE_TCP_ITER                  iter/tcp (5.9+, BTF)
 *   NWT_USE_CONG_RECOVERY_TP / _KP    tcp:tcp_cong_state_set / kprobe tcp_enter_recovery
 *   NWT_USE_CONG_LOSS_RAW_TP / _KP    raw tcp_cong_state_set / kprobe tcp_enter_loss
 *   NWT_USE_RETRANSMIT_TP / _KP       tcp:tcp_retransmit_skb / kprobe tcp_retransmit_skb
 */
#ifdef NWT_OFFSETS_FROM_HEADERS
#include <net/tcp.h>
#endif

#define NWT_TCP_TIME_WAIT    6
#define NWT_TCP_NEW_SYN_RECV 12
#define NWT_TCP_CA_RECOVERY  3	/* enum tcp_ca_state, uapi: stable */
#define NWT_TCP_CA_LOSS      4

/* Entries into recovery (fast retransmit) and loss (RTO), per socket. */
struct nwt_cong_counts {
	u32 fast;
	u32 timeout;
};
BPF_TABLE("lru_hash", u64, struct nwt_cong_counts, cong_counts, NWT_MAX_CONNS);


#ifdef NWT_WANT_CONN
/* Owner, metrics and retransmit counts of a full TCP socket into *s (flow and state set). */
static __always_inline void nwt_conn_fill(u64 sk, struct nwt_conn_sample *s)
{
	struct nwt_sock_owner *owner = sock_owners.lookup(&sk);
	struct nwt_cong_counts *counts = cong_counts.lookup(&sk);

	s->sock_id = sk;
	if (owner) {
		s->role = owner->role;
		if (owner->pid) {
			s->hdr.pid = owner->pid;
			__builtin_memcpy(s->hdr.comm, owner->comm, sizeof(s->hdr.comm));
			s->flags |= NWT_CONN_F_OWNER_KNOWN;
		}
		if (owner->opened_ns) {
			s->opened_ns = owner->opened_ns;
			s->flags |= NWT_CONN_F_OPENED;
		}
	}
	if (s->state == NWT_TCP_LISTEN)
		s->role = NWT_ROLE_LISTENER;
#ifdef NWT_WANT_RETRANS
	s->flags |= NWT_CONN_F_RETRANS_COUNTS;
	if (counts) {
		s->fast_retrans = counts->fast;
		s->timeout_retrans = counts->timeout;
	}
#endif
	NWT_READ_FIELD(s->sndbuf, sk, NWT_OFF_SOCK_SNDBUF);
	NWT_READ_FIELD(s->wmem_queued, sk, NWT_OFF_SOCK_WMEM_QUEUED);
	NWT_READ_FIELD(s->ack_backlog, sk, NWT_OFF_SOCK_ACK_BACKLOG);
	NWT_READ_FIELD(s->max_ack_backlog, sk, NWT_OFF_SOCK_MAX_ACK_BACKLOG);
	NWT_READ_FIELD(s->snd_cwnd, sk, NWT_OFF_TCP_SND_CWND);
	NWT_READ_FIELD(s->snd_ssthresh, sk, NWT_OFF_TCP_SND_SSTHRESH);
	NWT_READ_FIELD(s->srtt_us8, sk, NWT_OFF_TCP_SRTT_US);
	NWT_READ_FIELD(s->rcv_wnd, sk, NWT_OFF_TCP_RCV_WND);
	NWT_READ_FIELD(s->total_retrans, sk, NWT_OFF_TCP_TOTAL_RETRANS);
	NWT_READ_FIELD(s->bytes_acked, sk, NWT_OFF_TCP_BYTES_ACKED);
	NWT_READ_FIELD(s->bytes_received, sk, NWT_OFF_TCP_BYTES_RECEIVED);
}
#endif

/*
 * Called by tcp_lifecycle.bpf.c as a socket enters CLOSE, while the tcp_sock
 * still holds its final values.
 */
static __always_inline void nwt_conn_closed(u64 sk, const struct nwt_flow *flow,
					    u8 old_state, u64 now)
{
#ifdef NWT_WANT_CONN
	struct nwt_sock_owner *owner = sock_owners.lookup(&sk);
	struct nwt_conn_sample *s;

	if (old_state != NWT_TCP_SYN_SENT && nwt_flow_wanted(flow, owner ? owner->pid : 0)) {
		s = nwt_event_reserve(sizeof(*s));
		if (s) {
			__builtin_memset(s, 0, sizeof(*s));
			s->hdr.ts_ns = now;
			s->hdr.type = NWT_EVENT_CONN;
			s->flow = *flow;
			s->state = NWT_TCP_CLOSE;
			nwt_conn_fill(sk, s);
			s->flags |= NWT_CONN_F_CLOSED;
			/* nwt_conn_fill saw CLOSE; a closing listener is still a listener. */
			if (old_state == NWT_TCP_LISTEN)
				s->role = NWT_ROLE_LISTENER;
			nwt_event_submit(s);
		}
	}
#endif
	/* The address may be reused by the next socket: its counts start at 0. */
	cong_counts.delete(&sk);
}

#ifdef NWT_USE_TCP_ITER
/*
 * The iterator's context, declared here because the kernel headers libbcc
 * compiles against may not have it.  Pointers are 8 bytes in BPF.
 */
struct seq_file;
struct nwt_bpf_iter_meta {
	struct seq_file *seq;
	u64 session_id;
	u64 seq_num;
};
struct bpf_iter__tcp {
	struct nwt_bpf_iter_meta *meta;
	void *sk_common;
	u32 uid;
};

BPF_ITER(tcp)
{
	struct seq_file *seq = ctx->meta->seq;
	u64 sk = (u64)ctx->sk_common;
	struct nwt_conn_sample s = {};

	if (!sk)
		return 0;
	nwt_sock_flow(sk, &s.flow, &s.state);
	/* Not full tcp_socks: their tcp_sock offsets would read someone else's memory. */
	if (s.state == NWT_TCP_TIME_WAIT || s.state == NWT_TCP_NEW_SYN_RECV)
		return 0;
	s.hdr.ts_ns = bpf_ktime_get_ns();
	s.hdr.type = NWT_EVENT_CONN;
	nwt_conn_fill(sk, &s);
	/* Filters without counting: a snapshot is not an event. */
	if (!nwt_flow_wanted(&s.flow, s.hdr.pid))
		return 0;
	bpf_seq_write(seq, &s, sizeof(s));
	return 0;
}
#endif

static __always_inline void nwt_count_cong(u64 sk, bool loss)
{
	struct nwt_cong_counts zero = {}, *counts;

	counts = cong_counts.lookup_or_try_init(&sk, &zero);
	if (!counts)
		return;
	if (loss)
		__sync_fetch_and_add(&counts->timeout, 1);
	else
		__sync_fetch_and_add(&counts->fast, 1);
}

#ifdef NWT_USE_CONG_RECOVERY_TP
int nwt_cong_recovery_tp(struct tracepoint__tcp__tcp_cong_state_set *args)
{
	if (args->cong_state == NWT_TCP_CA_RECOVERY)
		nwt_count_cong((u64)args->skaddr, false);
	return 0;
}
#endif

#ifdef NWT_USE_CONG_LOSS_RAW_TP
/*
 * The same tracepoint as nwt_cong_recovery_tp, raw: libbcc builds a
 * tracepoint's argument struct once per program and refuses a second.
 * Arguments as in TP_PROTO(const struct sock *sk, const u8 ca_state).
 * tcp_enter_loss() sets TCP_CA_Loss on every RTO, even when already in Loss.
 */
int nwt_cong_loss_raw(struct bpf_raw_tracepoint_args *ctx)
{
	if ((u8)ctx->args[1] == NWT_TCP_CA_LOSS)
		nwt_count_cong(ctx->args[0], true);
	return 0;
}
#endif

#ifdef NWT_USE_CONG_RECOVERY_KP
/* tcp_enter_recovery(struct sock *sk, bool ece_ack) */
int nwt_cong_recovery_kp(struct pt_regs *ctx)
{
	nwt_count_cong(PT_REGS_PARM1(ctx), false);
	return 0;
}
#endif

#ifdef NWT_USE_CONG_LOSS_KP
/* tcp_enter_loss(struct sock *sk) */
int nwt_cong_loss_kp(struct pt_regs *ctx)
{
	nwt_count_cong(PT_REGS_PARM1(ctx), true);
	return 0;
}
#endif

#if defined(NWT_USE_RETRANSMIT_TP) || defined(NWT_USE_RETRANSMIT_KP)
/*
 * segs_limit: at most this many segments will go (the kprobe runs before
 * tcp_retransmit_skb() may split the skb to its `segs` argument); 0: none.
 */
static __always_inline void nwt_emit_retrans(u64 sk, u64 skb, u8 state, int err, u32 flags,
					     u32 segs_limit, const struct nwt_flow *flow)
{
	struct nwt_sock_owner *owner = sock_owners.lookup(&sk);
	struct nwt_cong_counts *counts = cong_counts.lookup(&sk);
	struct nwt_retrans_event *e;
	u32 pid = owner ? owner->pid : 0;

	if (!nwt_filter(flow, pid))
		return;
	e = nwt_event_reserve(sizeof(*e));
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.type = NWT_EVENT_TCP_RETRANS;
	e->sock_id = sk;
	e->flow = *flow;
	e->state = state;
	e->err = err;
	e->flags = flags;
	if (owner) {
		e->role = owner->role;
		if (pid) {
			e->hdr.pid = pid;
			__builtin_memcpy(e->hdr.comm, owner->comm, sizeof(e->hdr.comm));
			e->flags |= NWT_RETRANS_F_OWNER_KNOWN;
		}
	}
	if (counts) {
		e->fast_retrans = counts->fast;
		e->timeout_retrans = counts->timeout;
	}
	if (!bpf_probe_read_kernel(&e->seq, sizeof(e->seq),
				   (const char *)skb + NWT_OFF_SKB_CB + NWT_OFF_TCP_SKB_CB_SEQ))
		e->flags |= NWT_RETRANS_F_SEQ;
#ifdef NWT_OFF_TCP_SKB_CB_GSO_SEGS
	/*
	 * What the kernel adds to total_retrans: the skb is one TSO/GSO train
	 * of several segments.  At the tracepoint (the end of
	 * __tcp_retransmit_skb) any split for this retransmit has been made.
	 */
	if (!bpf_probe_read_kernel(&e->segs, sizeof(e->segs),
				   (const char *)skb + NWT_OFF_SKB_CB + NWT_OFF_TCP_SKB_CB_GSO_SEGS) &&
	    e->segs) {
		if (segs_limit && e->segs > segs_limit)
			e->segs = segs_limit;
		e->flags |= NWT_RETRANS_F_SEGS;
	}
#endif
	nwt_event_submit(e);
}
#endif

#ifdef NWT_USE_RETRANSMIT_TP
int nwt_retransmit_tp(struct tracepoint__tcp__tcp_retransmit_skb *args)
{
	struct nwt_flow flow = {};

	NWT_FLOW_FROM_TRACEPOINT(&flow, args);
	nwt_emit_retrans((u64)args->skaddr, (u64)args->skbaddr, args->state, args->err,
			 NWT_RETRANS_F_ERR, 0, &flow);
	return 0;
}
#endif

#ifdef NWT_USE_RETRANSMIT_KP
/* tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb, int segs): before sending. */
int nwt_retransmit_kp(struct pt_regs *ctx)
{
	struct nwt_flow flow = {};
	u64 sk = PT_REGS_PARM1(ctx);
	u8 state = 0;

	nwt_sock_flow(sk, &flow, &state);
	nwt_emit_retrans(sk, PT_REGS_PARM2(ctx), state, 0, 0, (u32)PT_REGS_PARM3(ctx), &flow);
	return 0;
}
#endif
