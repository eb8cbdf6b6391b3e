/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Records that cross the ring buffer, plus the constants both sides agree on.
 * Compiled by the BPF probes (at run time, through libbcc) and by src/.
 * Fields are laid out largest first so that both compilers agree on padding.
 */
#ifndef NWTRACE_EVENTS_H
#define NWTRACE_EVENTS_H

#include <linux/types.h>

#define NWT_COMM_LEN 16

/* What a record in the ring buffer is; the first __u32 after ts_ns. */
enum nwt_event_type {
	NWT_EVENT_TCP_STATE = 1,
	NWT_EVENT_PACKET = 2,	/* struct nwt_packet_event: one per packet (-t) */
	NWT_EVENT_HOP = 3,	/* struct nwt_packet_event: one per point passed (--hops) */
	NWT_EVENT_BATCH = 4,	/* struct nwt_batch_header, then the records it carries */
	NWT_EVENT_PKT_READ = 5,	/* struct nwt_packet_event: an application read received data (-t) */
	NWT_EVENT_CONN = 16,		/* struct nwt_conn_sample: a connection's final values */
	NWT_EVENT_TCP_RETRANS = 17,	/* struct nwt_retrans_event */
	/* Numbered by issue so parallel branches do not collide. */
	NWT_EVENT_PACKET_FAULT = 50,	/* struct nwt_fault_event: drops, -e errors */
};

/* Kernel-side accounting, one slot each in the per-CPU "counters" array. */
enum nwt_counter {
	NWT_COUNTER_GENERATED,	/* matched the filters, wanted to leave the kernel */
	NWT_COUNTER_DELIVERED,	/* committed to the ring buffer */
	NWT_COUNTER_SUPPRESSED,	/* dropped by the --rate limit */
	NWT_COUNTER_LOST,	/* ring buffer full */
	NWT_COUNTER_FILTERED,	/* rejected by an address/port/pid/family filter */
	NWT_COUNTER_READS_LOST,	/* -t socket-read records the full ring dropped (not events) */
	NWT_COUNTER_MAX,
};

/* Who opened a connection, as far as the probes could tell. */
enum nwt_role {
	NWT_ROLE_UNKNOWN = 0,	/* connection predates tracing */
	NWT_ROLE_CLIENT = 1,	/* active open (connect) */
	NWT_ROLE_SERVER = 2,	/* passive open (accepted from a listener) */
	NWT_ROLE_LISTENER = 3,
};

/* nwt_tcp_state_event.flags */
#define NWT_STATE_F_OWNER_KNOWN    (1u << 0)	/* pid/comm are the socket owner's */
#define NWT_STATE_F_STATE_TIME     (1u << 1)	/* state_ns is valid */
#define NWT_STATE_F_LIFETIME       (1u << 2)	/* lifetime_ns is valid */

/* One TCP endpoint pair. IPv4 addresses use the first 4 bytes. Ports host order. */
struct nwt_flow {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 pad;
};

struct nwt_event_header {
	__u64 ts_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 type;		/* enum nwt_event_type */
	__u32 pid;		/* owning process (tgid); 0 when not known */
	char comm[NWT_COMM_LEN];
};

/*
 * NWT_EVENT_BATCH: `count` records of `record_size` bytes each follow,
 * committed to the ring buffer at once (see probes/packet/packet_path.bpf.c).
 */
#define NWT_BATCH_RECORDS 32
struct nwt_batch_header {
	struct nwt_event_header hdr;	/* only hdr.type is set */
	__u32 count;
	__u32 record_size;
};

struct nwt_tcp_state_event {
	struct nwt_event_header hdr;
	__u64 sock_id;		/* kernel address of the socket: correlates records */
	__u64 state_ns;		/* time spent in old_state */
	__u64 lifetime_ns;	/* time since the connection was opened */
	struct nwt_flow flow;
	__u32 flags;		/* NWT_STATE_F_* */
	__u8 old_state;		/* TCP_* as the kernel numbers them */
	__u8 new_state;
	__u8 role;		/* enum nwt_role */
	__u8 pad;
};

/* nwt_fault_event.kind: what went wrong with a packet. */
enum nwt_fault_kind {
	NWT_FAULT_DROP = 1,		/* the kernel freed it as dropped (-k) */
	NWT_FAULT_BAD_CSUM,		/* TCP checksum wrong (-e) */
	NWT_FAULT_INVALID_SEQ,		/* sequence outside the receive window (-e) */
	NWT_FAULT_RESET_SENT,		/* this host answered with a RST (-e) */
	NWT_FAULT_RESET_RECEIVED,	/* a RST was accepted by a socket (-e) */
	NWT_FAULT_KIND_MAX,
};

/* nwt_fault_event.flags: which fields the kernel could provide. */
#define NWT_FAULT_F_REASON	(1u << 0)	/* reason is valid */
#define NWT_FAULT_F_LOCATION	(1u << 1)	/* location is valid */
#define NWT_FAULT_F_FLOW	(1u << 2)	/* flow addresses and family are valid */
#define NWT_FAULT_F_PORTS	(1u << 3)	/* flow ports are valid */
#define NWT_FAULT_F_TCP_FLAGS	(1u << 4)	/* tcp_flags is valid */
#define NWT_FAULT_F_SEQ		(1u << 5)
#define NWT_FAULT_F_ACK		(1u << 6)
#define NWT_FAULT_F_STATE	(1u << 7)	/* sk_state is valid */
#define NWT_FAULT_F_OWNER	(1u << 8)	/* pid/comm are the socket owner's */
#define NWT_FAULT_F_IFACE	(1u << 9)	/* ifindex and ifname are valid */
#define NWT_FAULT_F_SOCK	(1u << 10)	/* sock_id is valid */
#define NWT_FAULT_F_L3PROTO	(1u << 11)	/* l3proto (ethertype) is valid */
#define NWT_FAULT_F_IP_PROTO	(1u << 12)	/* ip_proto is valid */
/*
 * Drops: the packet still belonged to a socket (skb->sk) and the kernel named
 * no receiving socket: a packet being sent.  Received UDP datagrams have no
 * skb->sk until a socket takes them.
 */
#define NWT_FAULT_F_OUTGOING	(1u << 13)

/* Drop-reason slot for kernels whose drop tracepoint has no reason. */
#define NWT_DROP_REASON_NONE 0xffffffffu

struct nwt_fault_event {
	struct nwt_event_header hdr;
	__u64 location;		/* kernel address that freed or rejected the packet */
	__u64 sock_id;		/* kernel address of the socket */
	struct nwt_flow flow;	/* as the packet travelled: saddr is its source */
	__u32 kind;		/* enum nwt_fault_kind */
	__u32 flags;		/* NWT_FAULT_F_* */
	__u32 reason;		/* skb_drop_reason (drops, invalid_seq), sk_rst_reason (reset_sent) */
	__u32 seq;		/* reset_sent: of the RST; otherwise of the packet */
	__u32 ack;
	__u32 ifindex;
	__u16 l3proto;		/* ethertype, host order */
	__u8 ip_proto;
	__u8 tcp_flags;		/* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ... */
	__u8 sk_state;
	__u8 pad[3];
	char ifname[16];
};

/*
 * Listening sockets by (network namespace inode, family, port): who owns the
 * connections they accept.  Filled by the probes at listen() and seeded by
 * user space from /proc for listeners that predate tracing.
 */
struct nwt_listener_key {
	__u32 netns;		/* inode of the socket's network namespace */
	__u16 family;
	__u16 port;		/* host order */
};

struct nwt_listener_owner {
	__u32 pid;
	char comm[NWT_COMM_LEN];
};

/*
 * Points on the packet path, in the order a packet passes them.  Each
 * direction has four boundaries; a layer is the time between two adjacent
 * boundaries both observed.  NWT_PT_*_EXTRA are hop-only points.
 */
enum nwt_pkt_point {
	NWT_PT_TX_TCP = 0,	/* data entered TCP: tcp_sendmsg */
	NWT_PT_TX_IP = 1,	/* ip_queue_xmit / inet6_csk_xmit */
	NWT_PT_TX_QUEUE = 2,	/* device queue: __dev_queue_xmit, net:net_dev_queue */
	NWT_PT_TX_XMIT = 3,	/* driver transmit: dev_hard_start_xmit, net:net_dev_start_xmit */
	NWT_PT_RX_DEV = 4,	/* device receive: eth_type_trans, net:netif_rx */
	NWT_PT_RX_IP = 5,	/* IP receive: ip_rcv_core; net:netif_receive_skb (hand-off to IP) */
	NWT_PT_RX_TCP = 6,	/* TCP receive: tcp_v4_do_rcv, tcp:tcp_probe */
	NWT_PT_RX_SOCK = 7,	/* read by the application: skb_copy_datagram_iter */
	NWT_PT_RX_TCP_ENTRY = 8,	/* tcp_v4_rcv / tcp_v6_rcv (hops only) */
	NWT_PT_MAX = 9,
};
#define NWT_PT_PER_DIR 4

/* nwt_packet_event.direction */
#define NWT_DIR_TX 0
#define NWT_DIR_RX 1

/* nwt_packet_event.flags */
#define NWT_PKT_F_OWNER_KNOWN (1u << 0)
#define NWT_PKT_F_HAS_ACK     (1u << 1)	/* ACK flag set: ack is meaningful */
#define NWT_PKT_F_AWAITS_READ (1u << 2)	/* rx data: its read follows as an NWT_EVENT_PKT_READ */
/*
 * A UDP datagram (-u, probes/udp/udp_path.bpf.c).  Its boundaries:
 * tx [0] the application's send call, [1] UDP to IP, [2] device queue,
 * [3] driver transmit; rx [0] device receive, [1] hand-off to IP, [2] queued
 * on the socket, [3] read.  seq is its place in the socket's receive queue
 * (rx; the read that takes that place completes it), 0 on tx; ack and
 * tcp_flags are 0; payload_len is the UDP payload.
 */
#define NWT_PKT_F_UDP         (1u << 3)
/*
 * rx, with --pid: passed every other filter, but its socket's owner was not
 * known yet when it was queued (no send or read of the socket seen).  Its
 * read tells whose it is: user space keeps it only if the reader is the
 * --pid process, and counts it filtered out otherwise.
 */
#define NWT_PKT_F_OWNER_PENDING (1u << 4)
/*
 * rx reported at IP because TCP's point (tcp:tcp_probe) does not see the
 * receiving socket's state: that TCP state (TCP_LISTEN, TCP_SYN_SENT, ...)
 * in these bits; 0 for everything else.
 */
#define NWT_PKT_F_STATE_SHIFT 24
#define NWT_PKT_F_STATE_MASK  (0xfu << NWT_PKT_F_STATE_SHIFT)

#define NWT_HTTP_LEN 96		/* bytes of payload kept for -H */

/*
 * A packet (NWT_EVENT_PACKET) or one point it passed (NWT_EVENT_HOP).
 * Addresses and ports as on the wire: saddr is the sender.  point_ns holds
 * the direction's boundaries (tx: NWT_PT_TX_*, rx: NWT_PT_RX_* - 4); 0 when
 * not observed.  For a hop, point_ns[0] is the time at `point`.
 * http[] is only sent with -H: records are shorter by NWT_HTTP_LEN otherwise.
 *
 * Received data leaves the kernel at TCP receive (NWT_PKT_F_AWAITS_READ);
 * each time the application copies data out of the socket, an
 * NWT_EVENT_PKT_READ follows in the same layout: hdr (time of the read, the
 * reader's pid and comm), sock_id, seq (first byte read) and payload_len
 * (bytes read) are set, the other fields are not.  nwtrace joins the two
 * (src/rx_read_join.c): that costs the receive path one record instead of a
 * hand-off between CPUs, and data that is never copied out (splice, a
 * socket closed unread) is still reported.
 */
struct nwt_packet_event {
	struct nwt_event_header hdr;
	__u64 sock_id;
	__u64 point_ns[NWT_PT_PER_DIR];
	struct nwt_flow flow;
	__u32 seq;
	__u32 ack;
	__u32 payload_len;
	__u32 ifindex;
	__u32 flags;		/* NWT_PKT_F_* */
	__u8 direction;		/* NWT_DIR_* */
	__u8 tcp_flags;		/* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 */
	__u8 point;		/* enum nwt_pkt_point, hops only */
	__u8 http_len;		/* bytes in http[] */
	char ifname[16];
	char http[NWT_HTTP_LEN];
};

/* nwt_conn_sample.flags */
#define NWT_CONN_F_OWNER_KNOWN     (1u << 0)	/* pid/comm are the socket owner's */
#define NWT_CONN_F_OPENED          (1u << 1)	/* opened_ns is valid */
#define NWT_CONN_F_CLOSED          (1u << 2)	/* final values, taken as it closed */
#define NWT_CONN_F_RETRANS_COUNTS  (1u << 3)	/* fast_retrans/timeout_retrans valid */

/*
 * One TCP connection's metrics as the kernel holds them.  Written by the
 * iter/tcp program (one per socket, through the iterator's seq file) and,
 * with NWT_CONN_F_CLOSED, into the ring buffer when a connection closes.
 */
struct nwt_conn_sample {
	struct nwt_event_header hdr;
	__u64 sock_id;
	__u64 opened_ns;	/* bpf_ktime_get_ns() at connect/accept/listen */
	__u64 bytes_acked;
	__u64 bytes_received;
	struct nwt_flow flow;
	__u32 flags;		/* NWT_CONN_F_* */
	__u32 snd_cwnd;
	__u32 snd_ssthresh;
	__u32 srtt_us8;		/* tcp_sock.srtt_us: smoothed RTT << 3, as the kernel keeps it */
	__u32 rcv_wnd;
	__u32 total_retrans;
	__u32 fast_retrans;	/* entries into TCP_CA_Recovery */
	__u32 timeout_retrans;	/* entries into TCP_CA_Loss (RTO) */
	__u32 ack_backlog;
	__u32 max_ack_backlog;
	__s32 sndbuf;
	__s32 wmem_queued;
	__u8 state;
	__u8 role;		/* enum nwt_role */
	__u8 pad[6];
};

/* One retransmitted segment (tcp:tcp_retransmit_skb). */
struct nwt_retrans_event {
	struct nwt_event_header hdr;
	__u64 sock_id;
	struct nwt_flow flow;
	__u32 seq;		/* TCP_SKB_CB(skb)->seq */
	__u32 fast_retrans;	/* the connection's counts so far */
	__u32 timeout_retrans;
	__s32 err;		/* 0: sent; else why the retransmit failed */
	__u32 flags;		/* NWT_RETRANS_F_* */
	__u16 segs;		/* segments this skb carries (tcp_skb_pcount); NWT_RETRANS_F_SEGS */
	__u8 state;
	__u8 role;
};

/* nwt_retrans_event.flags */
#define NWT_RETRANS_F_OWNER_KNOWN  (1u << 0)
#define NWT_RETRANS_F_SEQ          (1u << 1)
#define NWT_RETRANS_F_ERR          (1u << 2)	/* err is valid (tracepoint only) */
#define NWT_RETRANS_F_SEGS         (1u << 3)	/* segs is valid */

/*
 * -u -s: datagrams and bytes per UDP flow, counted in the kernel (per CPU).
 * A flow is seen from this host: l* is the local end, r* the remote one.
 * Datagrams of flows beyond NWT_UDP_FLOWS_MAX are counted in one slot of
 * NWT_MAP_UDP_FLOWS_UNKEPT instead.
 */
#define NWT_UDP_FLOWS_MAX 8192
struct nwt_udp_flow_key {
	__u8 laddr[16];
	__u8 raddr[16];
	__u16 lport;
	__u16 rport;
	__u16 family;
	__u16 pad;
};

struct nwt_udp_flow_counts {
	__u64 tx_datagrams;
	__u64 tx_bytes;		/* UDP payload */
	__u64 rx_datagrams;
	__u64 rx_bytes;
};

/*
 * Maps and programs user space reaches by name, outside the probe plan's
 * rows (which name their own programs).  The BPF side declares them under
 * these names; tests/unit/test_names.c checks that it does.
 */
#define NWT_MAP_EVENTS "events"		/* the ring buffer */
#define NWT_MAP_COUNTERS "counters"	/* generated/delivered/suppressed/lost/... */
#define NWT_MAP_LISTENERS "listeners"	/* owners of listeners open before tracing */
#define NWT_MAP_DROP_COUNTS "drop_counts"
#define NWT_MAP_FAULT_COUNTS "fault_counts"
#define NWT_MAP_PKT_STAGE_ON "pkt_stage_on"	/* per-CPU batching of packet records */
#define NWT_MAP_DM_SEARCH "dm_search"	/* the direct-map calibration's question and answer */
#define NWT_MAP_UDP_FLOWS "udp_flows"	/* struct nwt_udp_flow_key -> counts, per CPU */
#define NWT_MAP_UDP_FLOWS_UNKEPT "udp_flows_unkept"	/* one slot: counts of flows not kept */
#define NWT_PROG_PKT_FLUSH "nwt_pkt_flush"
#define NWT_PROG_DM_CALIBRATE "nwt_dm_calibrate"
#define NWT_ITER_TCP "tcp"		/* the BPF iterator -x passes over */

#endif /* NWTRACE_EVENTS_H */
