/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * UDP (-u): one record per datagram sent or received, with the time it spent
 * in each layer.  Records have the packet path's layout (struct
 * nwt_packet_event, flagged NWT_PKT_F_UDP) and leave through the same per-CPU
 * staging; the four boundaries of a direction are
 *   tx: [0] the application's send call, [1] UDP hands it to IP (kprobe only),
 *       [2] device queue, [3] driver transmit;
 *   rx: [0] device receive, [1] hand-off to IP, [2] queued on the socket,
 *       [3] read by the application.
 *
 * tx: the send call is stamped per thread (udp_send_start) and taken by the
 * datagram that thread queues on a device; the datagram waits in udp_pkts
 * (keyed by its skb) from the device queue to the driver.
 * rx: every UDP skb is stamped at device receive / IP hand-off; when a UDP
 * socket is woken for a new datagram (sock:sk_data_ready), the datagram just
 * queued is the receive queue's tail.  Its record leaves then, flagged
 * NWT_PKT_F_AWAITS_READ, with seq = its place in the socket's queue (1, 2,
 * ...).  Reads carry no skb: each read (ret > 0, not MSG_PEEK) takes the next
 * place and leaves as an NWT_EVENT_PKT_READ that nwtrace joins to the
 * datagram (src/decode/rx_read_join.c), first in first out per socket.  A
 * queued skb without its own stamp (a GSO datagram's segments, cut after
 * IP) is reported from its headers, from the queue on.  Sockets are keyed
 * by address; nothing traces their close, so an entry whose socket's
 * port changes belongs to a new socket and starts afresh (udp_socks).
 *
 * A datagram whose checksum is only verified as it is read (longer than the
 * kernel checks on arrival) and is wrong is dropped inside recvmsg: the read
 * that follows takes the next place, so the dropped one's place is skipped
 * (nwt_udp_rx_freed, on skb:kfree_skb with reason UDP_CSUM: for the socket
 * the tracepoint names, else for the reading thread's next read).
 *
 * With -s (NWT_UDP_COUNT_ONLY) no record leaves: each datagram is counted
 * in its flow's slot of udp_flows at the device queue (tx) or as it is
 * queued on its socket (rx, headers read from the skb there), and only the
 * rows those two points need are planned (with -P the send and read
 * returns too, for the owner).
 *
 * Defines: NWT_MAX_PACKETS, NWT_MAX_CONNS, NWT_OFF_*, NWT_UDP_COUNT_ONLY,
 * one NWT_USE_UDP_* per chosen attach alternative.
 */
#include "lib/common.bpf.h"
#include "lib/skb_parse.h"
#include "lib/record_stage.bpf.h"

#ifndef NWT_MAX_PACKETS
#define NWT_MAX_PACKETS 16384
#endif
#define NWT_UDP_MSG_PEEK 0x2		/* MSG_PEEK */
#define NWT_UDP_MSG_ERRQUEUE 0x2000	/* MSG_ERRQUEUE: not from the receive queue */
/* A send call older than this is not the start of the datagram being queued. */
#define NWT_UDP_SEND_MAX_NS 1000000000ULL
/* A device stamp IP takes over is this recent (backlog and RPS waits are far shorter). */
#define NWT_UDP_DEV_TO_IP_MAX_NS 100000000ULL

/* A datagram between two boundaries. */
struct nwt_udp_pkt {
	u64 ts[NWT_PT_PER_DIR];
	u64 sk;
	struct nwt_flow flow;
	u32 len;		/* UDP payload bytes */
	u32 ifindex;
	u32 pid;		/* tx: the sender */
	u8 dir;
	u8 has_owner;
	u8 pad[2];
	char comm[NWT_COMM_LEN];
	char ifname[16];
};

/* A UDP socket: its receive queue's places and who uses it. */
struct nwt_udp_sock {
	u32 queued;		/* datagrams queued so far */
	u32 read;		/* datagrams read so far */
	u32 reported;		/* the last place whose datagram left as a record */
	u32 pid;
	u8 has_owner;
	u8 pad;
	u16 lport;		/* its port (skc_num) when last looked at, host order */
	char comm[NWT_COMM_LEN];
};

BPF_TABLE("lru_hash", u64, struct nwt_udp_pkt, udp_pkts, NWT_MAX_PACKETS);
BPF_TABLE("lru_hash", u64, struct nwt_udp_sock, udp_socks, NWT_MAX_CONNS);
BPF_TABLE("lru_hash", u32, u64, udp_send_start, 4096);
/*
 * Threads whose read dropped queued datagrams for their checksum (thread ->
 * how many), on kernels whose skb:kfree_skb does not name the socket: the
 * thread's next recvmsg return names it.  A drop is rare; a map of every
 * queued skb, updated per datagram, cost more than the rest of the queue point.
 */
BPF_TABLE("lru_hash", u32, u32, udp_read_skips, 1024);
/* Skips recorded and not yet taken, all threads: most reads need not look. */
BPF_ARRAY(udp_read_skips_pending, u32, 1);
BPF_PERCPU_HASH(udp_flows, struct nwt_udp_flow_key, struct nwt_udp_flow_counts, NWT_UDP_FLOWS_MAX);
BPF_PERCPU_ARRAY(udp_flows_unkept, struct nwt_udp_flow_counts, 1);

/* Counts one datagram in its flow (local end first); a full table counts it apart. */
static __always_inline void nwt_udp_flow_count(const struct nwt_flow *local, u32 len, bool rx)
{
	struct nwt_udp_flow_counts zero = {}, *c;
	struct nwt_udp_flow_key key = {};
	u32 slot = 0;

	__builtin_memcpy(key.laddr, local->saddr, sizeof(key.laddr));
	__builtin_memcpy(key.raddr, local->daddr, sizeof(key.raddr));
	key.lport = local->sport;
	key.rport = local->dport;
	key.family = local->family;
	c = udp_flows.lookup_or_try_init(&key, &zero);
	if (!c)
		c = udp_flows_unkept.lookup(&slot);
	if (!c)
		return;
	/* per CPU, but a program can interrupt another on the same CPU */
	if (rx) {
		__sync_fetch_and_add(&c->rx_datagrams, 1);
		__sync_fetch_and_add(&c->rx_bytes, len);
	} else {
		__sync_fetch_and_add(&c->tx_datagrams, 1);
		__sync_fetch_and_add(&c->tx_bytes, len);
	}
}

/* The flow as seen from this host: the receiver's end first for rx. */
static __always_inline void nwt_udp_local_flow(const struct nwt_flow *wire, bool rx,
					       struct nwt_flow *local)
{
	*local = *wire;
	if (!rx)
		return;
	local->sport = wire->dport;
	local->dport = wire->sport;
	__builtin_memcpy(local->saddr, wire->daddr, sizeof(local->saddr));
	__builtin_memcpy(local->daddr, wire->saddr, sizeof(local->daddr));
}

static __always_inline bool nwt_udp_sock_is_udp(u64 sk)
{
	u16 proto = 0;

	return sk && !NWT_READ_FIELD(proto, sk, NWT_OFF_SOCK_PROTOCOL) && proto == NWT_IPPROTO_UDP;
}

/* The socket's state, created on first sight. */
static __always_inline struct nwt_udp_sock *nwt_udp_sock_get(u64 sk)
{
	struct nwt_udp_sock zero = {};

	return udp_socks.lookup_or_try_init(&sk, &zero);
}

/*
 * Nothing traces a UDP socket's close: a new socket at a freed one's address
 * finds its entry.  The socket's own port (skc_num: a transparent proxy's
 * socket receives datagrams for other ports) tells them apart when the new
 * one is bound elsewhere: then the entry starts afresh, without an owner and
 * with an empty queue.
 */
static __always_inline void nwt_udp_sock_check_port(struct nwt_udp_sock *s, u64 sk)
{
	u16 lport = 0;

	NWT_READ_FIELD(lport, sk, NWT_OFF_SOCK_NUM);
	if (!lport || s->lport == lport)
		return;
	if (s->lport) {
		s->queued = 0;
		s->read = 0;
		s->reported = 0;
		s->pid = 0;
		s->has_owner = 0;
	}
	s->lport = lport;
}

/* The calling process uses the socket: it is the owner its datagrams are reported with. */
static __always_inline void nwt_udp_sock_learn_owner(struct nwt_udp_sock *s)
{
	u32 pid = nwt_current_tgid();

	if (!pid || (s->has_owner && s->pid == pid))
		return;
	s->pid = pid;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
	s->has_owner = 1;
}

static __always_inline void nwt_udp_emit(const struct nwt_udp_pkt *p, u32 seq, u32 flags)
{
	struct nwt_pkt_stage *stage;
	struct nwt_packet_event *e = nwt_pkt_record_open(&stage, true);

	if (!e)
		return;
	e->hdr.ts_ns = 0;
	e->hdr.type = NWT_EVENT_PACKET;
	e->hdr.pid = p->has_owner ? p->pid : 0;
	__builtin_memcpy(e->hdr.comm, p->comm, sizeof(e->hdr.comm));
	e->flags = flags | NWT_PKT_F_UDP | (p->has_owner ? NWT_PKT_F_OWNER_KNOWN : 0);
	e->sock_id = p->sk;
	__builtin_memcpy(e->point_ns, p->ts, sizeof(e->point_ns));
	for (int i = 0; i < NWT_PT_PER_DIR; i++)
		if (p->ts[i] > e->hdr.ts_ns)
			e->hdr.ts_ns = p->ts[i];
	e->flow = p->flow;
	e->seq = seq;
	e->ack = 0;
	e->payload_len = p->len;
	e->ifindex = p->ifindex;
	e->direction = p->dir;
	e->tcp_flags = 0;
	e->point = 0;
	e->http_len = 0;
	__builtin_memcpy(e->ifname, p->ifname, sizeof(e->ifname));
	nwt_pkt_record_close(e, stage, true);
}

/* ---- tx ---- */

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
	p.flow = info.flow;
	p.len = info.payload_len;
	p.ifindex = info.ifindex;
	__builtin_memcpy(p.ifname, info.ifname, sizeof(p.ifname));
	p.dir = NWT_DIR_TX;
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

/* ---- rx ---- */

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
	p.flow = info.flow;
	p.len = info.payload_len;
	p.ifindex = info.ifindex;
	__builtin_memcpy(p.ifname, info.ifname, sizeof(p.ifname));
	p.dir = NWT_DIR_RX;
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
		if (info.ip_proto != NWT_IPPROTO_UDP || !(info.flags & NWT_FAULT_F_PORTS)) {
			s = nwt_udp_sock_get(sk);
			if (s)
				s->queued++;	/* unreadable headers: its place still counts */
			return;
		}
		own.flow = info.flow;
		own.len = info.payload_len;
		own.ifindex = info.ifindex;
		__builtin_memcpy(own.ifname, info.ifname, sizeof(own.ifname));
		own.dir = NWT_DIR_RX;
		p = &own;
		stamped = false;
	}
	s = nwt_udp_sock_get(sk);
	if (!s)
		return;
	nwt_udp_sock_check_port(s, sk);
	place = ++s->queued;
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

/* ---- attach alternatives: thin wrappers that find the arguments ---- */

#ifdef NWT_USE_UDP_TX_SEND_TRACEPOINT
/* syscalls:sys_enter_sendto / sendmsg / sendmmsg: only the calling thread matters. */
int nwt_udp_tx_send_tp(void *ctx)
{
	nwt_udp_tx_send();
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_SEND_KPROBE
/* udp_sendmsg(sk, msg, len) / udpv6_sendmsg(sk, msg, len) */
int nwt_udp_tx_send_kp(struct pt_regs *ctx)
{
	nwt_udp_tx_send();
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_DONE_RTP
/* sock:sock_send_length(sk, ret, flags) */
int nwt_udp_tx_done_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_tx_send_done(ctx->args[0]);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_IP_KPROBE
/* udp_send_skb(skb, fl4, cork) / udp_v6_send_skb(skb, fl6, cork) */
int nwt_udp_tx_ip_kp(struct pt_regs *ctx)
{
	nwt_udp_tx_ip(PT_REGS_PARM1(ctx));
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_QUEUE_RTP
int nwt_udp_tx_queue_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_tx_queue(ctx->args[0]);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_QUEUE_KPROBE
/* __dev_queue_xmit(skb, sb_dev) */
int nwt_udp_tx_queue_kp(struct pt_regs *ctx)
{
	nwt_udp_tx_queue(PT_REGS_PARM1(ctx));
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_XMIT_RTP
int nwt_udp_tx_xmit_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_tx_xmit(ctx->args[0]);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_XMIT_KPROBE
/* dev_hard_start_xmit(first, dev, txq, ret) */
int nwt_udp_tx_xmit_kp(struct pt_regs *ctx)
{
	nwt_udp_tx_xmit(PT_REGS_PARM1(ctx));
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_DEV_RTP
/* net:netif_rx, net:napi_gro_receive_entry, net:netif_receive_skb_entry, ..._list_entry */
int nwt_udp_rx_dev_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_rx_stamp(ctx->args[0], 0, true);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_IP_RTP
/* net:netif_receive_skb: before the network header is set; skb->data is at it. */
int nwt_udp_rx_ip_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_rx_stamp(ctx->args[0], 1, true);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_IP_KPROBE
/* ip_rcv_core(skb, net) / ipv6_rcv(skb, dev, pt, orig_dev): skb->data at the IP header. */
int nwt_udp_rx_ip_kp(struct pt_regs *ctx)
{
	nwt_udp_rx_stamp(PT_REGS_PARM1(ctx), 1, true);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_QUEUE_RTP
/* sock:sk_data_ready(sk) */
int nwt_udp_rx_queue_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_rx_data_ready(ctx->args[0]);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_QUEUE_KPROBE
/* sock_def_readable(sk): what sock:sk_data_ready traces */
int nwt_udp_rx_queue_kp(struct pt_regs *ctx)
{
	nwt_udp_rx_data_ready(PT_REGS_PARM1(ctx));
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_READ_RTP
/* sock:sock_recv_length(sk, ret, flags) */
int nwt_udp_rx_read_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	/* int arguments: the upper half of the register is not theirs */
	nwt_udp_rx_recv_done(ctx->args[0], (int)ctx->args[1], (u32)ctx->args[2]);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_FREED_RTP
/* skb:kfree_skb(skb, location[, reason[, rx_sk]]) */
int nwt_udp_rx_freed_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	struct nwt_kfree_skb_args a = {};

	nwt_kfree_skb_raw_args(ctx, &a);
	if (a.has_reason)
		nwt_udp_rx_freed(a.skb, a.reason, a.rx_sk);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_READ_KPROBE
/* skb_consume_udp(sk, skb, len): len <= 0 on a peek. */
int nwt_udp_rx_read_kp(struct pt_regs *ctx)
{
	nwt_udp_rx_take_skips(PT_REGS_PARM1(ctx));
	if ((int)PT_REGS_PARM3(ctx) > 0)
		nwt_udp_rx_read(PT_REGS_PARM1(ctx));
	return 0;
}
#endif
