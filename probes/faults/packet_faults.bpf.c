/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Packets that went wrong: drops (-k) and TCP error packets (-e).  One file,
 * because libbcc rewrites map accesses only in the translation unit's own
 * text, so the helpers that touch maps cannot live in a shared header.
 *
 * Drops: one record per packet the kernel frees as dropped, with the kernel's
 * drop reason (a number: user space names it from the running kernel's BTF
 * or format file), the freeing location, and what the packet says about its
 * flow.  Every drop that passes the filters is counted per reason in
 * drop_counts, printed or not.
 *   NWT_USE_DROP_RAW_TRACEPOINT  raw skb:kfree_skb (arguments per NWT_KFREE_SKB_HAS_*)
 *   NWT_USE_DROP_TRACEPOINT      skb:kfree_skb, fields at NWT_TP_KFREE_SKB_*_OFF
 *   NWT_USE_DROP_KPROBE_REASON   kprobe kfree_skb_reason(skb, reason)      (5.17-6.11)
 *   NWT_USE_DROP_KPROBE_SK       kprobe sk_skb_reason_drop(sk, skb, reason) (6.12+)
 *   NWT_DROP_REASON_NOT_SPECIFIED=N (this kernel's number for it) and
 *   NWT_DROP_SHOW_NOT_SPECIFIED (-v): without the latter such drops are only counted.
 *   NWT_DROP_UDP_ONLY (-u without -k): UDP datagrams only, counted and reported.
 *
 * Error packets: bad checksums, sequence numbers outside the receive window,
 * resets sent and received; each with the 4-tuple, seq/ack and the socket's
 * state where the kernel knows them.
 *   bad checksum     NWT_USE_CSUM_RAW_TRACEPOINT (raw tcp:tcp_bad_csum),
 *                    NWT_USE_CSUM_TRACEPOINT (tcp:tcp_bad_csum, skbaddr at offset 8)
 *   invalid sequence NWT_USE_SEQ_RAW_TRACEPOINT / NWT_USE_SEQ_TRACEPOINT: drops
 *                    whose reason is one of NWT_SEQ_REASON_0..3, the numbers this
 *                    kernel gives its sequence-check drop reasons
 *   reset sent       NWT_USE_RST_TX_RAW_TRACEPOINT (raw tcp:tcp_send_reset:
 *                    (sk, skb[, reason]) per NWT_SEND_RESET_HAS_REASON),
 *                    NWT_USE_RST_TX_KPROBE (tcp_v4_send_reset(sk, skb))
 *   reset received   NWT_USE_RST_RX_RAW_TRACEPOINT (raw tcp:tcp_receive_reset: (sk)),
 *                    NWT_USE_RST_RX_KPROBE (tcp_reset(sk, skb))
 */
#include "lib/common.bpf.h"
#include "lib/skb_parse.h"

#if defined(NWT_USE_DROP_KPROBE_REASON) || defined(NWT_USE_DROP_KPROBE_SK) || \
	defined(NWT_USE_RST_TX_KPROBE) || defined(NWT_USE_RST_RX_KPROBE)
/* struct pt_regs for PT_REGS_PARM*(): a user ABI, the same in any kernel's headers. */
#include <uapi/linux/ptrace.h>
#endif

/* Reserves, fills the parts every fault record shares and returns it (or NULL). */
static __always_inline struct nwt_fault_event *
nwt_fault_begin(u32 kind, const struct nwt_flow *flow, u32 flags, u32 pid, const char *comm)
{
	struct nwt_fault_event *e = nwt_event_reserve(sizeof(*e));

	if (!e)
		return NULL;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.type = NWT_EVENT_PACKET_FAULT;
	e->hdr.pid = pid;
	if (pid) {
		__builtin_memcpy(e->hdr.comm, comm, NWT_COMM_LEN);
		flags |= NWT_FAULT_F_OWNER;
	}
	e->kind = kind;
	e->flags = flags;
	e->flow = *flow;
	return e;
}

/* Records per fault kind that passed the filters, printed or not (exit summary). */
BPF_PERCPU_ARRAY(fault_counts, u64, NWT_FAULT_KIND_MAX);

static __always_inline void nwt_fault_count(u32 kind)
{
	u64 *value = fault_counts.lookup(&kind);

	if (value)
		(*value)++;
}

/* Who owns sk, when the lifecycle probe is compiled in and saw the socket open. */
static __always_inline u32 nwt_sock_owner_of(u64 sk, char comm[NWT_COMM_LEN])
{
#if defined(NWT_USE_TCP_STATE_TRACEPOINT) || defined(NWT_USE_TCP_STATE_KPROBE)
	struct nwt_sock_owner *owner;

	if (!sk)
		return 0;
	owner = sock_owners.lookup(&sk);
	if (!owner || !owner->pid)
		return 0;
	__builtin_memcpy(comm, owner->comm, NWT_COMM_LEN);
	return owner->pid;
#else
	return 0;
#endif
}

/* ---- drops (-k) ---- */


BPF_PERCPU_HASH(drop_counts, u32, u64, 1024);

static __always_inline void nwt_drop_count(u32 reason)
{
	u64 zero = 0, *value = drop_counts.lookup_or_try_init(&reason, &zero);

	if (value)
		(*value)++;
}

static __always_inline int nwt_drop(const struct nwt_kfree_skb_args *a)
{
	struct nwt_skb_info info = {};
	struct nwt_fault_event *e;
	char comm[NWT_COMM_LEN] = {};
	u64 sk;
	u32 pid, flags;
	u8 state = 0;

	nwt_skb_parse(a->skb, &info);
#ifdef NWT_DROP_UDP_ONLY
	if (info.ip_proto != NWT_IPPROTO_UDP)
		return 0;
#endif
	sk = a->rx_sk ? a->rx_sk : info.sk;
	pid = nwt_sock_owner_of(sk, comm);
	if (!nwt_filter(&info.flow, pid))
		return 0;
	nwt_drop_count(a->has_reason ? a->reason : NWT_DROP_REASON_NONE);
	nwt_fault_count(NWT_FAULT_DROP);
#if defined(NWT_DROP_REASON_NOT_SPECIFIED) && !defined(NWT_DROP_SHOW_NOT_SPECIFIED)
	if (a->has_reason && a->reason == NWT_DROP_REASON_NOT_SPECIFIED)
		return 0;
#endif
	flags = info.flags | NWT_FAULT_F_LOCATION;
	if (a->has_reason)
		flags |= NWT_FAULT_F_REASON;
	if (!a->rx_sk && info.sk)
		flags |= NWT_FAULT_F_OUTGOING;
	if (sk) {
		flags |= NWT_FAULT_F_SOCK;
		if (!NWT_READ_FIELD(state, sk, NWT_OFF_SOCK_STATE))
			flags |= NWT_FAULT_F_STATE;
	}
	e = nwt_fault_begin(NWT_FAULT_DROP, &info.flow, flags, pid, comm);
	if (!e)
		return 0;
	e->location = a->location;
	e->sock_id = sk;
	e->reason = a->reason;
	e->seq = info.seq;
	e->ack = info.ack;
	e->ifindex = info.ifindex;
	e->l3proto = info.l3proto;
	e->ip_proto = info.ip_proto;
	e->tcp_flags = info.tcp_flags;
	e->sk_state = state;
	__builtin_memcpy(e->ifname, info.ifname, sizeof(e->ifname));
	nwt_event_submit(e);
	return 0;
}

#ifdef NWT_USE_DROP_RAW_TRACEPOINT
int nwt_drop_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct nwt_kfree_skb_args a = {};

	nwt_kfree_skb_raw_args(ctx, &a);
	return nwt_drop(&a);
}
#endif

#ifdef NWT_USE_DROP_TRACEPOINT
int nwt_drop_tp(void *ctx)
{
	struct nwt_kfree_skb_args a = {};

	nwt_kfree_skb_tp_args(ctx, &a);
	return nwt_drop(&a);
}
#endif

#if defined(NWT_USE_DROP_KPROBE_REASON) || defined(NWT_USE_DROP_KPROBE_SK)
/* At a kprobe the caller's address is the return address on top of the stack (x86-64). */
static __always_inline u64 nwt_kprobe_caller(struct pt_regs *ctx)
{
	u64 ret = 0;

	bpf_probe_read_kernel(&ret, sizeof(ret), (void *)PT_REGS_SP(ctx));
	return ret;
}
#endif

#ifdef NWT_USE_DROP_KPROBE_REASON
int nwt_drop_kp_reason(struct pt_regs *ctx)
{
	struct nwt_kfree_skb_args a = {};

	a.skb = PT_REGS_PARM1(ctx);
	a.reason = (u32)PT_REGS_PARM2(ctx);
	a.has_reason = true;
	a.location = nwt_kprobe_caller(ctx);
	return nwt_drop(&a);
}
#endif

#ifdef NWT_USE_DROP_KPROBE_SK
int nwt_drop_kp_sk(struct pt_regs *ctx)
{
	struct nwt_kfree_skb_args a = {};

	a.rx_sk = PT_REGS_PARM1(ctx);
	a.skb = PT_REGS_PARM2(ctx);
	a.reason = (u32)PT_REGS_PARM3(ctx);
	a.has_reason = true;
	a.location = nwt_kprobe_caller(ctx);
	return nwt_drop(&a);
}
#endif

/* ---- error packets (-e) ---- */


/* Emits a record for sk (if any) and skb (if any). */
static __always_inline int nwt_tcp_error(u32 kind, u64 sk, u64 skb, u64 location, u32 reason,
					 bool has_reason, bool reverse_skb_flow)
{
	struct nwt_skb_info info = {};
	struct nwt_flow flow = {};
	struct nwt_fault_event *e;
	char comm[NWT_COMM_LEN] = {};
	u32 flags = 0, pid, seq, ack;
	u8 state = 0;

	nwt_skb_parse(skb, &info);
	if (!sk)
		sk = info.sk;
	/* The flow as the packet travelled (for resets sent: the RST's). */
	if (nwt_sock_flow(sk, &flow, &state))
		flags |= NWT_FAULT_F_FLOW | NWT_FAULT_F_PORTS | NWT_FAULT_F_STATE | NWT_FAULT_F_SOCK;
	if (info.flags & NWT_FAULT_F_FLOW) {
		flow = info.flow;
		if (reverse_skb_flow) {
			/* The RST answers the packet: it goes from its destination to its source. */
			__builtin_memcpy(flow.saddr, info.flow.daddr, 16);
			__builtin_memcpy(flow.daddr, info.flow.saddr, 16);
			flow.sport = info.flow.dport;
			flow.dport = info.flow.sport;
		}
		flags &= ~(NWT_FAULT_F_FLOW | NWT_FAULT_F_PORTS);
		flags |= info.flags & (NWT_FAULT_F_FLOW | NWT_FAULT_F_PORTS);
	} else if (kind == NWT_FAULT_RESET_RECEIVED) {
		/* Only the socket is known: the RST came from its peer. */
		struct nwt_flow local = flow;

		__builtin_memcpy(flow.saddr, local.daddr, 16);
		__builtin_memcpy(flow.daddr, local.saddr, 16);
		flow.sport = local.dport;
		flow.dport = local.sport;
	}
	pid = nwt_sock_owner_of(sk, comm);
	if (!nwt_filter(&flow, pid))
		return 0;
	nwt_fault_count(kind);
	seq = info.seq;
	ack = info.ack;
	flags |= info.flags & (NWT_FAULT_F_IFACE | NWT_FAULT_F_L3PROTO | NWT_FAULT_F_IP_PROTO);
	if (kind == NWT_FAULT_RESET_SENT) {
		/* The RST's own numbers, as tcp_v4_send_reset() derives them from the packet. */
		if (info.flags & NWT_FAULT_F_TCP_FLAGS) {
			if (info.tcp_flags & NWT_TCP_FLAG_ACK) {
				seq = info.ack;
				flags |= NWT_FAULT_F_SEQ;
			} else {
				seq = 0;
				ack = info.seq + info.payload_len +
				      !!(info.tcp_flags & NWT_TCP_FLAG_SYN) +
				      !!(info.tcp_flags & NWT_TCP_FLAG_FIN);
				flags |= NWT_FAULT_F_SEQ | NWT_FAULT_F_ACK;
			}
		}
	} else {
		flags |= info.flags & (NWT_FAULT_F_SEQ | NWT_FAULT_F_ACK | NWT_FAULT_F_TCP_FLAGS);
	}
	if (has_reason)
		flags |= NWT_FAULT_F_REASON;
	if (location)
		flags |= NWT_FAULT_F_LOCATION;
	e = nwt_fault_begin(kind, &flow, flags, pid, comm);
	if (!e)
		return 0;
	e->location = location;
	e->sock_id = sk;
	e->reason = reason;
	e->seq = seq;
	e->ack = ack;
	e->ifindex = info.ifindex;
	e->l3proto = info.l3proto;
	e->ip_proto = info.ip_proto;
	e->tcp_flags = kind == NWT_FAULT_RESET_SENT ? 0 : info.tcp_flags;
	e->sk_state = state;
	__builtin_memcpy(e->ifname, info.ifname, sizeof(e->ifname));
	nwt_event_submit(e);
	return 0;
}

#ifdef NWT_USE_CSUM_RAW_TRACEPOINT
int nwt_csum_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return nwt_tcp_error(NWT_FAULT_BAD_CSUM, 0, ctx->args[0], 0, 0, false, false);
}
#endif

#ifdef NWT_USE_CSUM_TRACEPOINT
int nwt_csum_tp(void *ctx)
{
	u64 skb = 0;

	/* skbaddr is the first field after the 8 bytes of common fields. */
	bpf_probe_read_kernel(&skb, sizeof(skb), (char *)ctx + 8);
	return nwt_tcp_error(NWT_FAULT_BAD_CSUM, 0, skb, 0, 0, false, false);
}
#endif

#if defined(NWT_USE_SEQ_RAW_TRACEPOINT) || defined(NWT_USE_SEQ_TRACEPOINT)
static __always_inline bool nwt_is_seq_reason(u32 reason)
{
#ifdef NWT_SEQ_REASON_0
	if (reason == NWT_SEQ_REASON_0)
		return true;
#endif
#ifdef NWT_SEQ_REASON_1
	if (reason == NWT_SEQ_REASON_1)
		return true;
#endif
#ifdef NWT_SEQ_REASON_2
	if (reason == NWT_SEQ_REASON_2)
		return true;
#endif
#ifdef NWT_SEQ_REASON_3
	if (reason == NWT_SEQ_REASON_3)
		return true;
#endif
	return false;
}

static __always_inline int nwt_seq(const struct nwt_kfree_skb_args *a)
{
	if (!a->has_reason || !nwt_is_seq_reason(a->reason))
		return 0;
	return nwt_tcp_error(NWT_FAULT_INVALID_SEQ, a->rx_sk, a->skb, a->location, a->reason,
			     true, false);
}
#endif

#ifdef NWT_USE_SEQ_RAW_TRACEPOINT
int nwt_seq_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct nwt_kfree_skb_args a = {};

	nwt_kfree_skb_raw_args(ctx, &a);
	return nwt_seq(&a);
}
#endif

#ifdef NWT_USE_SEQ_TRACEPOINT
int nwt_seq_tp(void *ctx)
{
	struct nwt_kfree_skb_args a = {};

	nwt_kfree_skb_tp_args(ctx, &a);
	return nwt_seq(&a);
}
#endif

#ifdef NWT_USE_RST_TX_RAW_TRACEPOINT
int nwt_rst_tx_raw(struct bpf_raw_tracepoint_args *ctx)
{
	u32 reason = 0;
	bool has_reason = false;

#ifdef NWT_SEND_RESET_HAS_REASON
	reason = (u32)ctx->args[2];
	has_reason = true;
#endif
	return nwt_tcp_error(NWT_FAULT_RESET_SENT, ctx->args[0], ctx->args[1], 0, reason,
			     has_reason, true);
}
#endif

#ifdef NWT_USE_RST_TX_KPROBE
int nwt_rst_tx_kp(struct pt_regs *ctx)
{
	return nwt_tcp_error(NWT_FAULT_RESET_SENT, PT_REGS_PARM1(ctx), PT_REGS_PARM2(ctx), 0, 0,
			     false, true);
}
#endif

#ifdef NWT_USE_RST_RX_RAW_TRACEPOINT
int nwt_rst_rx_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return nwt_tcp_error(NWT_FAULT_RESET_RECEIVED, ctx->args[0], 0, 0, 0, false, false);
}
#endif

#ifdef NWT_USE_RST_RX_KPROBE
int nwt_rst_rx_kp(struct pt_regs *ctx)
{
	return nwt_tcp_error(NWT_FAULT_RESET_RECEIVED, PT_REGS_PARM1(ctx), 0, 0, 0, false,
			     false);
}
#endif
