/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * BPF-only helpers (never included by src/): what a packet and a socket say
 * about a flow, read at the running kernel's BTF offsets (NWT_OFF_SKB_*,
 * NWT_OFF_NETDEV_*, NWT_OFF_SOCK_*).  Packet bytes are untrusted: every
 * header is checked against the skb's linear buffer (head .. head + end)
 * before it is read, and lengths inside headers are sanity-checked.
 * No map access here: libbcc rewrites map calls only in the main file.
 */
#ifndef NWT_SKB_PARSE_H
#define NWT_SKB_PARSE_H

#include "nwtrace_events.h"
#include "lib/ip_parse.h"
#include "lib/kread.h"

#define NWT_HDR_UNSET	0xffff	/* skb->network_header/transport_header not set */

struct nwt_skb_info {
	struct nwt_flow flow;
	u64 sk;			/* skb->sk, 0 if none */
	u32 flags;		/* NWT_FAULT_F_* learnt from the packet */
	u32 seq;
	u32 ack;
	u32 payload_len;	/* TCP payload bytes; UDP: from the UDP header's length */
	u32 ifindex;
	u16 l3proto;
	u8 ip_proto;
	u8 tcp_flags;
	char ifname[16];
};

/* Ports, and for TCP seq/ack/flags/payload, of the L4 header at head + off. */
static __always_inline void nwt_skb_parse_l4(u64 head, u32 off, u32 end, u32 l4_len,
					     struct nwt_skb_info *info)
{
	u32 hlen = info->ip_proto == NWT_IPPROTO_TCP ? NWT_TCP_HLEN_MIN : NWT_UDP_HLEN;
	struct nwt_tcp_info tcp;
	u8 th[NWT_TCP_HLEN_MIN];

	if (info->ip_proto != NWT_IPPROTO_TCP && info->ip_proto != NWT_IPPROTO_UDP)
		return;
	if (off + hlen > end || bpf_probe_read_kernel(th, hlen, (const void *)(head + off)))
		return;
	nwt_l4_ports(th, &info->flow);
	info->flags |= NWT_FAULT_F_PORTS;
	if (info->ip_proto == NWT_IPPROTO_UDP) {
		/* The UDP header's own length: a fragment's IP length is the fragment's. */
		u16 ulen = (u16)th[4] << 8 | th[5];

		info->payload_len = ulen >= NWT_UDP_HLEN ? ulen - NWT_UDP_HLEN : 0;
		return;
	}
	nwt_tcp_parse(th, l4_len, &tcp);
	info->seq = tcp.seq;
	info->ack = tcp.ack;
	info->tcp_flags = tcp.flags;
	info->payload_len = tcp.payload_len;
	info->flags |= NWT_FAULT_F_SEQ | NWT_FAULT_F_TCP_FLAGS;
	if (tcp.flags & NWT_TCP_FLAG_ACK)
		info->flags |= NWT_FAULT_F_ACK;
}

/*
 * Everything the skb tells about its flow; fields it cannot tell stay
 * unflagged.  The IP header is at skb->network_header, or with l3_at_data at
 * skb->data (device receive: the network header is not set yet).
 */
static __always_inline void nwt_skb_parse_from(u64 skb, bool l3_at_data, struct nwt_skb_info *info)
{
	u64 head = 0, dev = 0;
	u16 nh = NWT_HDR_UNSET, proto_be = 0;
	u32 end = 0, avail;
	struct nwt_ip_info iph;
	u8 ip[NWT_IPV6_HLEN];

	if (!skb)
		return;
	NWT_READ_FIELD(head, skb, NWT_OFF_SKB_HEAD);
	if (l3_at_data) {
		u64 data = 0;

		NWT_READ_FIELD(data, skb, NWT_OFF_SKB_DATA);
		if (data >= head && data - head < NWT_HDR_UNSET)
			nh = (u16)(data - head);
	} else {
		NWT_READ_FIELD(nh, skb, NWT_OFF_SKB_NETWORK_HEADER);
	}
	NWT_READ_FIELD(proto_be, skb, NWT_OFF_SKB_PROTOCOL);
	NWT_READ_FIELD(end, skb, NWT_OFF_SKB_END);
	NWT_READ_FIELD(info->sk, skb, NWT_OFF_SKB_SK);
	NWT_READ_FIELD(dev, skb, NWT_OFF_SKB_DEV);
	if (dev) {
		NWT_READ_FIELD(info->ifindex, dev, NWT_OFF_NETDEV_IFINDEX);
		bpf_probe_read_kernel(info->ifname, sizeof(info->ifname),
				      (const char *)dev + NWT_OFF_NETDEV_NAME);
		info->flags |= NWT_FAULT_F_IFACE;
	}
	info->l3proto = bpf_ntohs(proto_be);
	if (info->l3proto)
		info->flags |= NWT_FAULT_F_L3PROTO;
	if (info->l3proto && info->l3proto != NWT_ETH_P_IP && info->l3proto != NWT_ETH_P_IPV6)
		return;
	if (!head || nh == NWT_HDR_UNSET || end > (1u << 20) || (u32)nh + 20 > end)
		return;
	/* An IPv6 header is 40 bytes: read them when the buffer holds them. */
	avail = (u32)nh + NWT_IPV6_HLEN <= end ? NWT_IPV6_HLEN : NWT_IPV4_HLEN_MIN;
	if (bpf_probe_read_kernel(ip, avail, (const void *)(head + nh)) ||
	    !nwt_ip_parse(ip, avail, &info->flow, &iph))
		return;
	info->ip_proto = iph.proto;
	info->flags |= NWT_FAULT_F_FLOW | NWT_FAULT_F_IP_PROTO;
	/* Extension headers are not walked: ports only right after the fixed header. */
	if (iph.l4_follows)
		nwt_skb_parse_l4(head, nh + iph.hlen, end, iph.l4_len, info);
}

static __always_inline void nwt_skb_parse(u64 skb, struct nwt_skb_info *info)
{
	nwt_skb_parse_from(skb, false, info);
}

/*
 * skb:kfree_skb's raw arguments: (skb, location) before 5.17, then
 * (skb, location, reason), and since 6.12 (skb, location, reason, rx_sk).
 * The probe plan learns which from the tracepoint's format file.
 */
struct nwt_kfree_skb_args {
	u64 skb;
	u64 location;
	u64 rx_sk;
	u32 reason;
	bool has_reason;
};

static __always_inline void nwt_kfree_skb_raw_args(struct bpf_raw_tracepoint_args *ctx,
						   struct nwt_kfree_skb_args *a)
{
	a->skb = ctx->args[0];
	a->location = ctx->args[1];
#ifdef NWT_KFREE_SKB_HAS_REASON
	a->reason = (u32)ctx->args[2];
	a->has_reason = true;
#endif
#ifdef NWT_KFREE_SKB_HAS_RX_SK
	a->rx_sk = ctx->args[3];
#endif
}

#ifdef NWT_TP_KFREE_SKB_SKBADDR_OFF
/* The same from the tracepoint's record, at the offsets its format file gives. */
static __always_inline void nwt_kfree_skb_tp_args(void *ctx, struct nwt_kfree_skb_args *a)
{
	bpf_probe_read_kernel(&a->skb, 8, (char *)ctx + NWT_TP_KFREE_SKB_SKBADDR_OFF);
	bpf_probe_read_kernel(&a->location, 8, (char *)ctx + NWT_TP_KFREE_SKB_LOCATION_OFF);
#ifdef NWT_TP_KFREE_SKB_REASON_OFF
	bpf_probe_read_kernel(&a->reason, 4, (char *)ctx + NWT_TP_KFREE_SKB_REASON_OFF);
	a->has_reason = true;
#endif
#ifdef NWT_TP_KFREE_SKB_RX_SK_OFF
	bpf_probe_read_kernel(&a->rx_sk, 8, (char *)ctx + NWT_TP_KFREE_SKB_RX_SK_OFF);
#endif
}
#endif

#endif /* NWT_SKB_PARSE_H */
