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

/* What a datagram's headers and device say, parsed into info, as its record will carry it. */
static __always_inline void nwt_udp_pkt_describe(struct nwt_udp_pkt *p,
						  const struct nwt_skb_info *info, u8 dir)
{
	p->flow = info->flow;
	p->len = info->payload_len;
	p->ifindex = info->ifindex;
	__builtin_memcpy(p->ifname, info->ifname, sizeof(p->ifname));
	p->dir = dir;
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

#include "udp/tx.bpf.h"
#include "udp/rx.bpf.h"
#include "udp/attach.bpf.h"
