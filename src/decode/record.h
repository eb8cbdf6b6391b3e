/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A decoded event: plain C, no kernel layout.  Built once by event_decode.c,
 * then handed to a formatter (output_table.c, output_json.c).
 */
#ifndef NWT_RECORD_H
#define NWT_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "probes/nwtrace_events.h"
#include "decode/conn_record.h"

enum nwt_record_kind {
	NWT_REC_CONNECT,	/* active open: CLOSE -> SYN_SENT */
	NWT_REC_ACCEPT,		/* passive open completed: SYN_RECV -> ESTABLISHED */
	NWT_REC_LISTEN,		/* a socket starts listening */
	NWT_REC_STATE,		/* any other TCP state change */
	NWT_REC_CLOSE,		/* -> CLOSE */
	NWT_REC_PACKET,		/* one TCP packet with its layer times (-t) */
	NWT_REC_HOP,		/* one point a packet passed (--hops) */
	NWT_REC_CONN,		/* -x: one connection's metrics (conn_record.h) */
	NWT_REC_RETRANS,	/* -r: one retransmitted segment */
	NWT_REC_TRANSITION,	/* -S: any state change, with time in the old state */
	NWT_REC_DROP,		/* -k: a packet the kernel dropped */
	NWT_REC_BAD_CSUM,	/* -e: TCP checksum wrong */
	NWT_REC_INVALID_SEQ,	/* -e: sequence outside the receive window */
	NWT_REC_RESET_SENT,	/* -e */
	NWT_REC_RESET_RECEIVED,	/* -e */
	NWT_REC_UDP,		/* -u: one UDP datagram with its layer times */
	NWT_REC_KIND_MAX,
};

struct nwt_tcp_state_change {
	uint64_t sock_id;
	int old_state;
	int new_state;
	enum nwt_role role;
	bool has_state_us;
	uint64_t state_us;	/* time spent in old_state */
	bool has_lifetime_us;
	uint64_t lifetime_us;	/* since open; on close: the connection's duration */
};

/* Layers of each direction, between adjacent boundary points. */
enum nwt_pkt_layer {
	NWT_LAYER_TX_TCP,	/* tx: TCP -> IP */
	NWT_LAYER_TX_IP,	/* tx: IP -> device queue */
	NWT_LAYER_TX_QDISC,	/* tx: device queue -> driver transmit */
	NWT_LAYER_RX_MAC,	/* rx: device receive -> IP */
	NWT_LAYER_RX_IP,	/* rx: IP -> TCP */
	NWT_LAYER_RX_TCP,	/* rx: TCP -> read by the application */
	NWT_LAYER_MAX,
};
#define NWT_LAYERS_PER_DIR 3

struct nwt_packet_record {
	uint64_t sock_id;
	bool rx;
	int point;		/* enum nwt_pkt_point: hops only */
	uint32_t seq, ack, payload_len, ifindex;
	bool has_ack;
	uint8_t tcp_flags;
	/* rx outside the established state, reported at IP: the socket's TCP state; else 0 */
	uint8_t tcp_state;
	char ifname[17];
	/*
	 * Time between adjacent observed boundaries.  Span i covers layers
	 * first[i]..last[i] of this direction: one layer when both its
	 * boundaries were observed, several when the chain cannot see the
	 * boundaries between them (named "tcp_ip_us" then).
	 */
	int n_spans;
	int span_first[NWT_LAYERS_PER_DIR], span_last[NWT_LAYERS_PER_DIR];
	uint64_t span_ns[NWT_LAYERS_PER_DIR];
	bool point_seen[NWT_PT_PER_DIR];
	char http[NWT_HTTP_LEN + 1];	/* request/status line, "" if none */
};

/*
 * "tcp_us"... : JSON names of a direction's layers; a UDP datagram's (udp)
 * are "udp_us", "ip_us", "qdisc_us" and "mac_us", "ip_us", "sock_us".
 */
const char *nwt_pkt_layer_name(enum nwt_pkt_layer layer, bool udp);
/* "tx_queue", "rx_tcp"...: names of the points. */
const char *nwt_pkt_point_name(int point);

/* Drops and error packets (record kinds NWT_REC_DROP .. NWT_REC_RESET_RECEIVED). */
struct nwt_packet_fault {
	bool has_location;
	uint64_t location;	/* kernel address */
	char location_sym[128];	/* "function+0xoff" with -T, else "" */
	bool has_reason;
	uint32_t reason;	/* drop reason; for reset_sent the reset reason */
	char reason_name[64];	/* the running kernel's name for it, filled after decoding */
	bool has_sock;
	uint64_t sock_id;
	bool outgoing;		/* drops: a packet being sent (it still had its sender's socket) */
	bool has_state;
	int state;
	bool has_seq, has_ack, has_tcp_flags;
	uint32_t seq, ack;
	uint8_t tcp_flags;
	bool has_l3proto, has_ip_proto;
	uint16_t l3proto;
	uint8_t ip_proto;
	bool has_iface;
	uint32_t ifindex;
	char ifname[17];
};

struct nwt_record {
	enum nwt_record_kind kind;
	uint64_t wall_ns;	/* CLOCK_REALTIME, nanoseconds */
	bool has_pid;
	uint32_t pid;
	char comm[NWT_COMM_LEN + 1];
	int family;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	union {
		struct nwt_tcp_state_change tcp_state;
		struct nwt_packet_record packet;
		struct nwt_conn_metrics conn;
		struct nwt_retrans retrans;
		struct nwt_packet_fault fault;
	};
};

const char *nwt_record_kind_name(enum nwt_record_kind kind);

static inline bool nwt_record_is_fault(const struct nwt_record *rec)
{
	return rec->kind >= NWT_REC_DROP && rec->kind <= NWT_REC_RESET_RECEIVED;
}

#endif
