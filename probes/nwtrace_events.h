/* SPDX-License-Identifier: GPL-2.0 */
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

#endif /* NWTRACE_EVENTS_H */
