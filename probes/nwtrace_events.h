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
