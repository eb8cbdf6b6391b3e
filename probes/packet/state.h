/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * BPF-only: what the packet path keeps about one packet between its points,
 * filled in by the header parser (lib/ip_parse.h, through packet/headers.h) and
 * the points.
 */
#ifndef NWT_PKT_STATE_H
#define NWT_PKT_STATE_H

#include "nwtrace_events.h"

struct nwt_pkt_state {
	u64 ts[NWT_PT_PER_DIR];
	u64 sk;
	u64 dev;		/* rx: the receiving device, TCP clears skb->dev */
	struct nwt_flow flow;
	u32 seq;
	u32 ack;
	u32 payload_len;
	u32 ifindex;
	u32 owner_pid;		/* tx, per-CPU slot only: owner when the queue point ran */
	u8 tcp_flags;
	u8 http_len;
	u8 has_owner;
	u8 pad;
	char ifname[16];
	char owner_comm[NWT_COMM_LEN];
#ifdef NWT_PKT_HTTP
	char http[NWT_HTTP_LEN];
#endif
};

#endif /* NWT_PKT_STATE_H */
