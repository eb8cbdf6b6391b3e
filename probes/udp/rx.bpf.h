/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Part of udp_path.bpf.c: the receive points (device, IP, socket queue,
 * read) and datagrams dropped as they are read.  Composed into it in place
 * (after the parts before it), not compiled alone.
 */

/*
 * Device receive ([0], skb->data at the network header) and the hand-off to
 * IP ([1]).  Every UDP datagram is stamped, wanted or not: the filters need
 * the receiving socket's owner, known when it is queued.
 */
static __always_inline void nwt_udp_rx_stamp(u64 skb, int point, bool l3_at_data)
{
	struct nwt_skb_info info = {};
	struct nwt_udp_pkt p = {};
	u64 now = bpf_ktime_get_ns();

	/*
	 * IP takes over the device's stamp of this skb.  A stamp left by an
	 * earlier skb at the same address (dropped before its queue) is older
	 * or past IP already; the device point always starts afresh.
	 */
	if (point) {
		struct nwt_udp_pkt *seen = udp_pkts.lookup(&skb);

		if (seen && seen->dir == NWT_DIR_RX && !seen->ts[1] &&
		    now - seen->ts[0] < NWT_UDP_DEV_TO_IP_MAX_NS) {
			seen->ts[1] = now;
			return;
		}
	}
	nwt_skb_parse_from(skb, l3_at_data, &info);
	if (info.ip_proto != NWT_IPPROTO_UDP || !(info.flags & NWT_FAULT_F_PORTS))
		return;
	p.ts[point & 1] = now;
	nwt_udp_pkt_describe(&p, &info, NWT_DIR_RX);
	udp_pkts.update(&skb, &p);
}

/*
 * With --pid, a datagram queued on a socket whose owner is not known yet (a
 * receiver blocked in its first read): NWT_PKT_F_OWNER_PENDING if it passes
 * every other filter, so that its read can tell user space whose it is.
 */
static __always_inline u32 nwt_udp_owner_pending(const struct nwt_udp_pkt *p,
						 const struct nwt_flow *local)
{
#ifdef NWT_FILTER_PID
	if (!p->has_owner && nwt_flow_wanted(local, NWT_FILTER_PID))
		return NWT_PKT_F_OWNER_PENDING;
#endif
	return 0;
}

/*
 * The datagram skb was queued on UDP socket sk (skb: the receive queue's
 * tail when sk_data_ready, or sock_def_readable with kprobes, runs).  Its
 * record leaves now, waiting for its read.
 */
static __always_inline void nwt_udp_rx_queued(u64 sk, u64 skb)
{
	struct nwt_udp_pkt *p, own = {};
	struct nwt_udp_sock *s;
	struct nwt_flow local;
	u32 place, pending, skb_len = 0;
	bool stamped = true;

	if (!skb)
		return;
	p = udp_pkts.lookup(&skb);
	/*
	 * The stamps are this datagram's if their length is its own (skb->len
	 * is the payload here: UDP has pulled its header).  A GSO datagram is
	 * queued as the segments UDP cut it into, new skbs without stamps, and
	 * a stamp at the same address can be an earlier skb's.  Such a datagram
	 * is reported from its own headers, from the queue on.
	 */
	NWT_READ_FIELD(skb_len, skb, NWT_OFF_SKB_LEN);
	if (!p || p->dir != NWT_DIR_RX || skb_len != p->len) {
		struct nwt_skb_info info = {};

		nwt_skb_parse(skb, &info);
		p = NULL;
		if (info.ip_proto == NWT_IPPROTO_UDP && (info.flags & NWT_FAULT_F_PORTS)) {
			nwt_udp_pkt_describe(&own, &info, NWT_DIR_RX);
			p = &own;
		}
		stamped = false;
	}
	s = nwt_udp_sock_get(sk);
	if (!s)
		return;
	nwt_udp_sock_check_port(s, sk);
	place = ++s->queued;
	if (!p)
		return;		/* unreadable headers: its place still counts */
	p->ts[2] = bpf_ktime_get_ns();
	p->sk = sk;
	if (s->has_owner) {
		p->pid = s->pid;
		__builtin_memcpy(p->comm, s->comm, sizeof(p->comm));
		p->has_owner = 1;
	}
	/* The filters see ports from the local side: --sport is the local port. */
	nwt_udp_local_flow(&p->flow, true, &local);
	pending = nwt_udp_owner_pending(p, &local);
	if (pending || nwt_filter(&local, p->has_owner ? p->pid : 0)) {
		nwt_udp_emit(p, place, NWT_PKT_F_AWAITS_READ | pending);
		s->reported = place;
	}
	if (stamped)
		udp_pkts.delete(&skb);
}

/* -s: the datagram skb queued on sk counted in its flow; its headers are still set. */
static __always_inline void nwt_udp_rx_count(u64 sk, u64 skb)
{
	struct nwt_skb_info info = {};
	struct nwt_flow local;
	u32 pid = 0;

	nwt_skb_parse_flow(skb, &info);
	if (info.ip_proto != NWT_IPPROTO_UDP || !(info.flags & NWT_FAULT_F_PORTS))
		return;
#ifdef NWT_FILTER_PID
	{
		struct nwt_udp_sock *s = udp_socks.lookup(&sk);

		if (s)
			nwt_udp_sock_check_port(s, sk);
		pid = s && s->has_owner ? s->pid : 0;
	}
#endif
	nwt_udp_local_flow(&info.flow, true, &local);
	if (nwt_filter(&local, pid))
		nwt_udp_flow_count(&local, info.payload_len, true);
}

static __always_inline void nwt_udp_rx_data_ready(u64 sk)
{
	u64 tail = 0;

	if (!nwt_udp_sock_is_udp(sk))
		return;
	NWT_READ_FIELD(tail, sk, NWT_OFF_SOCK_RECEIVE_QUEUE + NWT_OFF_SKB_HEAD_PREV);
#ifdef NWT_UDP_COUNT_ONLY
	nwt_udp_rx_count(sk, tail);
#else
	nwt_udp_rx_queued(sk, tail);
#endif
}

/* The application read one datagram of sk: it takes the socket's next place. */
static __always_inline void nwt_udp_rx_read(u64 sk)
{
	struct nwt_pkt_stage *stage;
	struct nwt_packet_event *e;
	struct nwt_udp_sock *s;
	u32 place;

#ifdef NWT_UDP_COUNT_ONLY
	/* only the owner matters: the filters of the datagrams counted next */
	s = nwt_udp_sock_get(sk);
	if (s)
		nwt_udp_sock_learn_owner(s);
	return;
#endif
	s = udp_socks.lookup(&sk);
	if (!s)
		return;		/* queued before tracing began */
	place = ++s->read;
	nwt_udp_sock_learn_owner(s);
	/* Reads are first in, first out: no record waits for one past the last reported place. */
	if ((s32)(place - s->reported) > 0)
		return;
	e = nwt_pkt_record_open(&stage, false);
	if (!e)
		return;		/* the datagram then shows no read time */
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.type = NWT_EVENT_PKT_READ;
	e->hdr.pid = s->pid;
	__builtin_memcpy(e->hdr.comm, s->comm, sizeof(e->hdr.comm));
	e->flags = NWT_PKT_F_OWNER_KNOWN | NWT_PKT_F_UDP;
	e->sock_id = sk;
	e->seq = place;
	e->payload_len = 1;	/* one place of the queue */
	e->direction = NWT_DIR_RX;
	e->point = NWT_PT_RX_SOCK;
	nwt_pkt_record_close(e, stage, false);
}

/*
 * skb:kfree_skb: a datagram dropped for its checksum.  Still stamped: dropped
 * on arrival, before any queue.  Queued: dropped as it was read, its place
 * in the queue is gone.
 */
static __always_inline void nwt_udp_rx_freed(u64 skb, u32 reason, u64 rx_sk)
{
#ifdef NWT_DROP_REASON_UDP_CSUM
	struct nwt_udp_sock *s;
	u32 tid, zero = 0, one = 1, *skips;

	if (reason != NWT_DROP_REASON_UDP_CSUM)
		return;
	if (udp_pkts.lookup(&skb)) {
		udp_pkts.delete(&skb);
		return;
	}
	/* dropped by the reading thread, from the queue of rx_sk where the kernel names it */
	if (rx_sk) {
		s = udp_socks.lookup(&rx_sk);
		if (s)
			s->read++;
		return;
	}
	tid = (u32)bpf_get_current_pid_tgid();
	skips = udp_read_skips.lookup(&tid);
	if (skips)
		__sync_fetch_and_add(skips, 1);
	else
		udp_read_skips.update(&tid, &one);
	skips = udp_read_skips_pending.lookup(&zero);
	if (skips)
		__sync_fetch_and_add(skips, 1);
#endif
}

/* The current thread's read of sk returns: places its checksum drops took are gone. */
static __always_inline void nwt_udp_rx_take_skips(u64 sk)
{
#ifdef NWT_DROP_REASON_UDP_CSUM
	u32 tid, zero = 0, *pending = udp_read_skips_pending.lookup(&zero), *skips;
	struct nwt_udp_sock *s;

	if (!pending || !*pending)
		return;
	tid = (u32)bpf_get_current_pid_tgid();
	skips = udp_read_skips.lookup(&tid);
	if (!skips)
		return;
	__sync_fetch_and_add(pending, -*skips);	/* xadd: BPF has no atomic sub */
	s = udp_socks.lookup(&sk);
	if (s)
		s->read += *skips;
	udp_read_skips.delete(&tid);
#endif
}

/* sock:sock_recv_length(sk, ret, flags): fires as recvmsg returns, also on errors and peeks. */
static __always_inline void nwt_udp_rx_recv_done(u64 sk, s64 ret, u64 flags)
{
	if (!nwt_udp_sock_is_udp(sk))
		return;
	nwt_udp_rx_take_skips(sk);	/* a read that found only bad datagrams fails */
	if (ret <= 0 || (flags & (NWT_UDP_MSG_PEEK | NWT_UDP_MSG_ERRQUEUE)))
		return;
	nwt_udp_rx_read(sk);
}
