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

/*
 * Each bpf_probe_read_kernel() costs about as much as the rest of a small
 * probe, so fields that lie close together in the running kernel's layout
 * (the preprocessor compares their BTF offsets) are read in one go:
 * sk_buff's dev and sk, its protocol .. data block, a device's ifindex and
 * name, and the IP header with the L4 header behind it.  Parsing a datagram
 * so takes 4 reads instead of 10.
 */
#ifndef NWT_OFFSETS_FROM_HEADERS
#if NWT_OFF_SKB_SK == NWT_OFF_SKB_DEV + 8
#define NWT_PARSE_DEV_SK_PAIR
#endif
#define NWT_PARSE_SKB_START                                                          \
	NWT_MIN(NWT_MIN(NWT_OFF_SKB_PROTOCOL, NWT_OFF_SKB_NETWORK_HEADER),            \
		NWT_MIN(NWT_OFF_SKB_END, NWT_MIN(NWT_OFF_SKB_HEAD, NWT_OFF_SKB_DATA)))
#define NWT_PARSE_SKB_END                                                            \
	NWT_MAX(NWT_MAX(NWT_OFF_SKB_PROTOCOL + 2, NWT_OFF_SKB_NETWORK_HEADER + 2),    \
		NWT_MAX(NWT_OFF_SKB_END + 4, NWT_MAX(NWT_OFF_SKB_HEAD + 8, NWT_OFF_SKB_DATA + 8)))
#if NWT_PARSE_SKB_END - NWT_PARSE_SKB_START <= 48
#define NWT_PARSE_SKB_SPAN (NWT_PARSE_SKB_END - NWT_PARSE_SKB_START)
#endif
#define NWT_PARSE_DEV_START NWT_MIN(NWT_OFF_NETDEV_IFINDEX, NWT_OFF_NETDEV_NAME)
#define NWT_PARSE_DEV_END NWT_MAX(NWT_OFF_NETDEV_IFINDEX + 4, NWT_OFF_NETDEV_NAME + 16)
#if NWT_PARSE_DEV_END - NWT_PARSE_DEV_START <= 80
#define NWT_PARSE_DEV_SPAN (NWT_PARSE_DEV_END - NWT_PARSE_DEV_START)
#endif
#endif
/* IPv6 and TCP's fixed headers, or IPv4's with up to 20 bytes of options and a UDP header. */
#define NWT_PARSE_HDRS (NWT_IPV6_HLEN + NWT_TCP_HLEN_MIN)

/* The sk_buff fields a parse needs. */
struct nwt_skb_parse_fields {
	u64 head;
	u64 data;
	u64 dev;
	u32 end;
	u16 nh;
	u16 proto_be;
};

static __always_inline void nwt_skb_parse_fields_read(u64 skb, struct nwt_skb_parse_fields *f,
						      u64 *sk)
{
#ifdef NWT_PARSE_DEV_SK_PAIR
	u64 pair[2] = {};

	bpf_probe_read_kernel(pair, sizeof(pair), (const char *)skb + NWT_OFF_SKB_DEV);
	f->dev = pair[0];
	*sk = pair[1];
#else
	NWT_READ_FIELD(f->dev, skb, NWT_OFF_SKB_DEV);
	NWT_READ_FIELD(*sk, skb, NWT_OFF_SKB_SK);
#endif
#ifdef NWT_PARSE_SKB_SPAN
	u8 w[NWT_PARSE_SKB_SPAN];

	if (bpf_probe_read_kernel(w, sizeof(w), (const char *)skb + NWT_PARSE_SKB_START))
		return;
#define NWT_PARSE_GET(dst, off) __builtin_memcpy(&(dst), w + (off) - NWT_PARSE_SKB_START, sizeof(dst))
	NWT_PARSE_GET(f->head, NWT_OFF_SKB_HEAD);
	NWT_PARSE_GET(f->data, NWT_OFF_SKB_DATA);
	NWT_PARSE_GET(f->end, NWT_OFF_SKB_END);
	NWT_PARSE_GET(f->nh, NWT_OFF_SKB_NETWORK_HEADER);
	NWT_PARSE_GET(f->proto_be, NWT_OFF_SKB_PROTOCOL);
#undef NWT_PARSE_GET
#else
	NWT_READ_FIELD(f->head, skb, NWT_OFF_SKB_HEAD);
	NWT_READ_FIELD(f->data, skb, NWT_OFF_SKB_DATA);
	NWT_READ_FIELD(f->end, skb, NWT_OFF_SKB_END);
	NWT_READ_FIELD(f->nh, skb, NWT_OFF_SKB_NETWORK_HEADER);
	NWT_READ_FIELD(f->proto_be, skb, NWT_OFF_SKB_PROTOCOL);
#endif
}

static __always_inline void nwt_skb_parse_dev(u64 dev, struct nwt_skb_info *info)
{
#ifdef NWT_PARSE_DEV_SPAN
	u8 w[NWT_PARSE_DEV_SPAN];

	if (bpf_probe_read_kernel(w, sizeof(w), (const char *)dev + NWT_PARSE_DEV_START))
		return;
	__builtin_memcpy(&info->ifindex, w + NWT_OFF_NETDEV_IFINDEX - NWT_PARSE_DEV_START,
			 sizeof(info->ifindex));
	__builtin_memcpy(info->ifname, w + NWT_OFF_NETDEV_NAME - NWT_PARSE_DEV_START,
			 sizeof(info->ifname));
#else
	NWT_READ_FIELD(info->ifindex, dev, NWT_OFF_NETDEV_IFINDEX);
	bpf_probe_read_kernel(info->ifname, sizeof(info->ifname),
			      (const char *)dev + NWT_OFF_NETDEV_NAME);
#endif
	info->flags |= NWT_FAULT_F_IFACE;
}

/*
 * Ports, and for TCP seq/ack/flags/payload, of the L4 header th (hlen bytes
 * of it: a TCP header's fixed part, or a UDP header).
 */
static __always_inline void nwt_skb_parse_l4(const u8 *th, u32 l4_len, struct nwt_skb_info *info)
{
	struct nwt_tcp_info tcp;

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
static __always_inline void nwt_skb_parse_at(u64 skb, bool l3_at_data, bool want_dev,
					     struct nwt_skb_info *info)
{
	struct nwt_skb_parse_fields f = { .nh = NWT_HDR_UNSET };
	struct nwt_ip_info iph;
	u8 hdrs[NWT_PARSE_HDRS];
	u32 nh, got, l4, hlen;

	if (!skb)
		return;
	nwt_skb_parse_fields_read(skb, &f, &info->sk);
	if (l3_at_data)
		f.nh = f.data >= f.head && f.data - f.head < NWT_HDR_UNSET ? (u16)(f.data - f.head)
									 : NWT_HDR_UNSET;
	if (f.dev && want_dev)
		nwt_skb_parse_dev(f.dev, info);
	info->l3proto = bpf_ntohs(f.proto_be);
	if (info->l3proto)
		info->flags |= NWT_FAULT_F_L3PROTO;
	if (info->l3proto && info->l3proto != NWT_ETH_P_IP && info->l3proto != NWT_ETH_P_IPV6)
		return;
	nh = f.nh;
	if (!f.head || nh == NWT_HDR_UNSET || f.end > (1u << 20) || nh + NWT_IPV4_HLEN_MIN > f.end)
		return;
	/* One read for both headers when the buffer holds them, else the IP header's minimum. */
	got = nh + NWT_PARSE_HDRS <= f.end ? NWT_PARSE_HDRS
	      : nh + NWT_IPV6_HLEN <= f.end ? NWT_IPV6_HLEN : NWT_IPV4_HLEN_MIN;
	if (bpf_probe_read_kernel(hdrs, got, (const void *)(f.head + nh)) ||
	    !nwt_ip_parse(hdrs, got, &info->flow, &iph))
		return;
	info->ip_proto = iph.proto;
	info->flags |= NWT_FAULT_F_FLOW | NWT_FAULT_F_IP_PROTO;
	/* Extension headers are not walked: ports only right after the fixed header. */
	if (!iph.l4_follows || (iph.proto != NWT_IPPROTO_TCP && iph.proto != NWT_IPPROTO_UDP))
		return;
	hlen = iph.proto == NWT_IPPROTO_TCP ? NWT_TCP_HLEN_MIN : NWT_UDP_HLEN;
	l4 = iph.hlen;
	if (nh + l4 + hlen > f.end)
		return;
	if (l4 + hlen <= got && l4 <= NWT_PARSE_HDRS - NWT_UDP_HLEN) {
		if (hlen == NWT_TCP_HLEN_MIN && l4 > NWT_PARSE_HDRS - NWT_TCP_HLEN_MIN)
			return;		/* not reached: bounds the verifier can see */
		nwt_skb_parse_l4(hdrs + l4, iph.l4_len, info);
		return;
	}
	{
		u8 th[NWT_TCP_HLEN_MIN];

		if (bpf_probe_read_kernel(th, hlen, (const void *)(f.head + nh + l4)))
			return;
		nwt_skb_parse_l4(th, iph.l4_len, info);
	}
}

static __always_inline void nwt_skb_parse_from(u64 skb, bool l3_at_data, struct nwt_skb_info *info)
{
	nwt_skb_parse_at(skb, l3_at_data, true, info);
}

/* The flow alone: no device (one read fewer, for counting). */
static __always_inline void nwt_skb_parse_flow(u64 skb, struct nwt_skb_info *info)
{
	nwt_skb_parse_at(skb, false, false, info);
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
