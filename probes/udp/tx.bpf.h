/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Part of udp_path.bpf.c: the transmit points (send call, UDP to IP,
 * device queue, driver).  Composed into it in place (after the parts
 * before it), not compiled alone.
 */

/* The application's send call begins (system call entry, or udp_sendmsg with kprobes). */
static __always_inline void nwt_udp_tx_send(void)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	u64 now = bpf_ktime_get_ns();

	udp_send_start.update(&tid, &now);
}

/* sock:sock_send_length: the send call returns; its start is no longer current. */
static __always_inline void nwt_udp_tx_send_done(u64 sk)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct nwt_udp_sock *s;

	udp_send_start.delete(&tid);
	if (!nwt_udp_sock_is_udp(sk))
		return;
	s = nwt_udp_sock_get(sk);
	if (s)
		nwt_udp_sock_learn_owner(s);
}

/* The send call's start for a datagram the current thread is handing down now, or 0. */
static __always_inline u64 nwt_udp_send_start_of_current(u64 now)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	u64 *start = udp_send_start.lookup(&tid);

	return start && now - *start < NWT_UDP_SEND_MAX_NS ? *start : 0;
}

/* udp_send_skb / udp_v6_send_skb (kprobes): UDP hands the datagram to IP. */
static __always_inline void nwt_udp_tx_ip(u64 skb)
{
	struct nwt_udp_pkt p = {};

	p.ts[1] = bpf_ktime_get_ns();
	p.ts[0] = nwt_udp_send_start_of_current(p.ts[1]);
	p.dir = NWT_DIR_TX;
	udp_pkts.update(&skb, &p);
}

/* The process a datagram that socket sk sends now is reported with (0: none). */
static __always_inline u32 nwt_udp_tx_owner(u64 sk, char *comm)
{
	struct nwt_udp_sock *s = udp_socks.lookup(&sk);
	u32 pid;

	if (s)
		nwt_udp_sock_check_port(s, sk);
	if (s && s->has_owner) {
		__builtin_memcpy(comm, s->comm, NWT_COMM_LEN);
		return s->pid;
	}
	/* Before the socket's first send returned: the sender is the caller. */
	pid = nwt_current_tgid();
	if (pid)
		bpf_get_current_comm(comm, NWT_COMM_LEN);
	return pid;
}

#ifdef NWT_UDP_COUNT_ONLY
/* -s: a datagram the local socket sk sends, counted in its flow. */
static __always_inline void nwt_udp_tx_count(const struct nwt_skb_info *info)
{
	u32 pid = 0;
#ifdef NWT_FILTER_PID
	char comm[NWT_COMM_LEN];

	pid = nwt_udp_tx_owner(info->sk, comm);
#endif
	if (nwt_filter(&info->flow, pid))
		nwt_udp_flow_count(&info->flow, info->payload_len, false);
}
#endif

/* net:net_dev_queue / __dev_queue_xmit: the device queue; the headers are complete. */
static __always_inline void nwt_udp_tx_queue(u64 skb)
{
	struct nwt_skb_info info = {};
	struct nwt_udp_pkt p = {}, *seen = NULL;
	u64 now;

#ifdef NWT_UDP_COUNT_ONLY
	nwt_skb_parse_flow(skb, &info);
	if (info.ip_proto == NWT_IPPROTO_UDP && (info.flags & NWT_FAULT_F_PORTS) && info.sk)
		nwt_udp_tx_count(&info);
	return;
#endif
	now = bpf_ktime_get_ns();
	nwt_skb_parse(skb, &info);
	if (info.ip_proto != NWT_IPPROTO_UDP || !(info.flags & NWT_FAULT_F_PORTS) || !info.sk)
		return;		/* not a UDP datagram a local socket sends */
#ifdef NWT_USE_UDP_TX_IP_KPROBE
	/* UDP's hand-off to IP stamped it (a stamp of an skb dropped before its queue is older) */
	seen = udp_pkts.lookup(&skb);
	if (seen && (seen->dir != NWT_DIR_TX || now - seen->ts[1] >= NWT_UDP_SEND_MAX_NS))
		seen = NULL;
#endif
	if (seen) {
		p.ts[0] = seen->ts[0];
		p.ts[1] = seen->ts[1];
	} else {
		p.ts[0] = nwt_udp_send_start_of_current(now);
	}
	p.pid = nwt_udp_tx_owner(info.sk, p.comm);
	p.has_owner = p.pid != 0;
	if (!nwt_filter(&info.flow, p.pid)) {
		if (seen)
			udp_pkts.delete(&skb);
		return;
	}
	p.ts[2] = now;
	p.sk = info.sk;
	nwt_udp_pkt_describe(&p, &info, NWT_DIR_TX);
	udp_pkts.update(&skb, &p);
}

/* net:net_dev_start_xmit / dev_hard_start_xmit: the driver takes it; the record leaves. */
static __always_inline void nwt_udp_tx_xmit(u64 skb)
{
	struct nwt_udp_pkt *p = udp_pkts.lookup(&skb);

	if (!p || p->dir != NWT_DIR_TX || !p->ts[2])
		return;
	p->ts[3] = bpf_ktime_get_ns();
	nwt_udp_emit(p, 0, 0);
	udp_pkts.delete(&skb);
}
