/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * BPF-only: the one IPv4/IPv6 and TCP/UDP header parser every probe uses.
 * It works on bytes the caller has already copied out of the packet, so
 * that each caller reads in the way its attach point allows (the packet
 * path in one read of header and TCP header together, the fault probes
 * bounded by the skb's end) and the parsing itself exists once.
 * Packet bytes are untrusted: lengths inside the headers are checked here.
 */
#ifndef NWT_IP_PARSE_H
#define NWT_IP_PARSE_H

#include "nwtrace_events.h"

#define NWT_ETH_P_IP	0x0800
#define NWT_ETH_P_IPV6	0x86DD
#define NWT_IPPROTO_TCP	6
#define NWT_IPPROTO_UDP	17
#define NWT_TCP_FLAG_FIN 0x01
#define NWT_TCP_FLAG_SYN 0x02
#define NWT_TCP_FLAG_ACK 0x10
#define NWT_IPV4_HLEN_MIN 20
#define NWT_IPV6_HLEN	40
#define NWT_TCP_HLEN_MIN 20
#define NWT_UDP_HLEN	8

/* What the IP header says beyond the addresses. */
struct nwt_ip_info {
	u32 hlen;		/* bytes of the IP header (IPv6: the fixed header) */
	u32 l4_len;		/* bytes after it, as the header claims (0 when it makes no sense) */
	u8 proto;		/* next header: extension headers are not walked */
	bool l4_follows;	/* false on a non-first IPv4 fragment: no L4 header in it */
};

/*
 * ip: avail bytes copied from the network header (at least 20; an IPv6
 * header needs 40).  Fills flow's family and addresses.  False for anything
 * but IPv4/IPv6 and for an IPv4 header length below 20.
 */
static __always_inline bool nwt_ip_parse(const u8 *ip, u32 avail, struct nwt_flow *flow,
					 struct nwt_ip_info *info)
{
	u32 len;

	if ((ip[0] >> 4) == 4) {
		info->hlen = (ip[0] & 0x0f) * 4;
		if (info->hlen < NWT_IPV4_HLEN_MIN)
			return false;
		len = (u32)ip[2] << 8 | ip[3];
		info->l4_len = len > info->hlen ? len - info->hlen : 0;
		info->proto = ip[9];
		info->l4_follows = !(((u32)ip[6] << 8 | ip[7]) & 0x1fff);
		flow->family = AF_INET;
		__builtin_memcpy(flow->saddr, &ip[12], 4);
		__builtin_memcpy(flow->daddr, &ip[16], 4);
		return true;
	}
	if ((ip[0] >> 4) == 6 && avail >= NWT_IPV6_HLEN) {
		info->hlen = NWT_IPV6_HLEN;
		info->l4_len = (u32)ip[4] << 8 | ip[5];
		info->proto = ip[6];
		info->l4_follows = true;
		flow->family = AF_INET6;
		__builtin_memcpy(flow->saddr, &ip[8], 16);
		__builtin_memcpy(flow->daddr, &ip[24], 16);
		return true;
	}
	return false;
}

/* Source and destination port, the first four bytes of a TCP or UDP header. */
static __always_inline void nwt_l4_ports(const u8 *l4, struct nwt_flow *flow)
{
	flow->sport = (u16)l4[0] << 8 | l4[1];
	flow->dport = (u16)l4[2] << 8 | l4[3];
}

struct nwt_tcp_info {
	u32 seq;
	u32 ack;
	u32 hlen;		/* the data offset: where the payload starts */
	u32 payload_len;	/* l4_len less the header; 0 when the header length makes no sense */
	u8 flags;
	bool hlen_ok;		/* a data offset of at least 20 bytes */
};

/* th: the 20 bytes of a TCP header whose segment is l4_len bytes long. */
static __always_inline void nwt_tcp_parse(const u8 *th, u32 l4_len, struct nwt_tcp_info *tcp)
{
	u32 hlen = (th[12] >> 4) * 4;

	tcp->hlen = hlen;
	tcp->seq = (u32)th[4] << 24 | (u32)th[5] << 16 | (u32)th[6] << 8 | th[7];
	tcp->ack = (u32)th[8] << 24 | (u32)th[9] << 16 | (u32)th[10] << 8 | th[11];
	tcp->flags = th[13];
	tcp->hlen_ok = hlen >= NWT_TCP_HLEN_MIN;
	tcp->payload_len = tcp->hlen_ok && l4_len > hlen ? l4_len - hlen : 0;
}

#endif /* NWT_IP_PARSE_H */
