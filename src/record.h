/*
 * A decoded event: plain C, no kernel layout.  Built once by event_decode.c,
 * then handed to a formatter (output_table.c, output_json.c).
 */
#ifndef NWT_RECORD_H
#define NWT_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "../probes/nwtrace_events.h"
#include "conn_record.h"

enum nwt_record_kind {
	NWT_REC_CONNECT,	/* active open: CLOSE -> SYN_SENT */
	NWT_REC_ACCEPT,		/* passive open completed: SYN_RECV -> ESTABLISHED */
	NWT_REC_LISTEN,		/* a socket starts listening */
	NWT_REC_STATE,		/* any other TCP state change */
	NWT_REC_CLOSE,		/* -> CLOSE */
	NWT_REC_CONN,		/* -x: one connection's metrics (conn_record.h) */
	NWT_REC_RETRANS,	/* -r: one retransmitted segment */
	NWT_REC_TRANSITION,	/* -S: any state change, with time in the old state */
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
		struct nwt_tcp_state_change tcp_state;	/* CONNECT..CLOSE, TRANSITION */
		struct nwt_conn_metrics conn;
		struct nwt_retrans retrans;
	};
};

const char *nwt_record_kind_name(enum nwt_record_kind kind);

#endif
