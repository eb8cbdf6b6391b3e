/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF-only, for packet_path.bpf.c (no map access: libbcc rewrites map calls
 * only in the main file): where a packet's headers are, what they say, and
 * whether its transmit queue sends it at once.  Reads are at BTF offsets,
 * of fixed size; lengths inside headers are range-checked.
 */
#ifndef NWT_PKT_HEADERS_H
#define NWT_PKT_HEADERS_H

/* Where the network header starts: skb->data before the IP layer has set it. */
static __always_inline u64 nwt_pkt_l3(u64 skb, bool from_data)
{
	u64 head = 0, data = 0;
	u16 nh = 0;

	if (from_data) {
		NWT_READ_FIELD(data, skb, NWT_OFF_SKB_DATA);
		return data;
	}
#ifndef NWT_OFFSETS_FROM_HEADERS
#if NWT_OFF_SKB_HEAD > NWT_OFF_SKB_NETWORK_HEADER && \
	NWT_OFF_SKB_HEAD + 8 - NWT_OFF_SKB_NETWORK_HEADER <= 32
	/* Neighbours in sk_buff (180 and 192 on 6.18): one read instead of two. */
	u8 w[NWT_OFF_SKB_HEAD + 8 - NWT_OFF_SKB_NETWORK_HEADER];

	if (bpf_probe_read_kernel(w, sizeof(w), (const char *)skb + NWT_OFF_SKB_NETWORK_HEADER))
		return 0;
	__builtin_memcpy(&nh, w, sizeof(nh));
	__builtin_memcpy(&head, w + NWT_OFF_SKB_HEAD - NWT_OFF_SKB_NETWORK_HEADER, sizeof(head));
	return head && nh != 0xffff ? head + nh : 0;
#endif
#endif
	NWT_READ_FIELD(head, skb, NWT_OFF_SKB_HEAD);
	NWT_READ_FIELD(nh, skb, NWT_OFF_SKB_NETWORK_HEADER);
	return head && nh != 0xffff ? head + nh : 0;
}

#ifdef NWT_PKT_HTTP
#include "pkt_payload.h"

/* First bytes of an HTTP/1.x request or status line? (checked fully in user space) */
static __always_inline bool nwt_http_start(const char *p)
{
	u32 w;

	__builtin_memcpy(&w, p, 4);
	switch (w) {
	case 0x50545448:	/* "HTTP" */
	case 0x20544547:	/* "GET " */
	case 0x54534f50:	/* "POST" */
	case 0x20545550:	/* "PUT " */
	case 0x44414548:	/* "HEAD" */
	case 0x454c4544:	/* "DELE" */
	case 0x4954504f:	/* "OPTI" */
	case 0x43544150:	/* "PATC" */
	case 0x4e4e4f43:	/* "CONN" */
	case 0x43415254:	/* "TRAC" */
		return true;
	}
	return false;
}

/* The first payload bytes, linear or paged (pkt_payload.h), if they start an HTTP/1.x line. */
static __always_inline void nwt_pkt_http(u64 skb, u64 payload, struct nwt_pkt_state *st)
{
	u32 avail = nwt_payload_peek(skb, payload, st->payload_len, st->http);

	st->http_len = 0;
	if (avail >= 4 && nwt_http_start(st->http))
		st->http_len = avail > NWT_HTTP_LEN ? NWT_HTTP_LEN : avail;
}
#endif

/* skb->dev and, when sk is not NULL, skb->sk: neighbours in sk_buff (16 and 24), one read. */
static __always_inline u64 nwt_pkt_dev_sk(u64 skb, u64 *sk)
{
	u64 dev = 0;

#if !defined(NWT_OFFSETS_FROM_HEADERS) && NWT_OFF_SKB_SK == NWT_OFF_SKB_DEV + 8
	if (sk) {
		u64 w[2] = {};

		bpf_probe_read_kernel(w, sizeof(w), (const char *)skb + NWT_OFF_SKB_DEV);
		*sk = w[1];
		return w[0];
	}
#else
	if (sk)
		NWT_READ_FIELD(*sk, skb, NWT_OFF_SKB_SK);
#endif
	NWT_READ_FIELD(dev, skb, NWT_OFF_SKB_DEV);
	return dev;
}

/*
 * dev->ifindex and dev->name: one read when they are close (224 and 280 on
 * 6.18), into the caller's header buffer, which is sized for it: with --hops
 * and -H a second buffer would not fit the 512-byte BPF stack.
 */
#if !defined(NWT_OFFSETS_FROM_HEADERS) && NWT_OFF_NETDEV_NAME > NWT_OFF_NETDEV_IFINDEX && \
	NWT_OFF_NETDEV_NAME + 16 - NWT_OFF_NETDEV_IFINDEX <= 96
#define NWT_IFACE_WINDOW (NWT_OFF_NETDEV_NAME + 16 - NWT_OFF_NETDEV_IFINDEX)
#else
#define NWT_IFACE_WINDOW 0
#endif
#define NWT_HDR_BUF (NWT_IFACE_WINDOW > 60 ? NWT_IFACE_WINDOW : 60)

static __always_inline void nwt_pkt_iface(u64 dev, struct nwt_pkt_state *st, u8 *w)
{
#if NWT_IFACE_WINDOW
	if (bpf_probe_read_kernel(w, NWT_IFACE_WINDOW, (const char *)dev + NWT_OFF_NETDEV_IFINDEX))
		return;
	__builtin_memcpy(&st->ifindex, w, sizeof(st->ifindex));
	__builtin_memcpy(st->ifname, w + NWT_OFF_NETDEV_NAME - NWT_OFF_NETDEV_IFINDEX,
			 sizeof(st->ifname));
#else
	NWT_READ_FIELD(st->ifindex, dev, NWT_OFF_NETDEV_IFINDEX);
	bpf_probe_read_kernel(st->ifname, sizeof(st->ifname), (const char *)dev + NWT_OFF_NETDEV_NAME);
#endif
}

/*
 * Reads the IPv4/IPv6 and TCP headers at l3 into st, and skb->sk into *sk
 * when sk is not NULL.  False for anything but TCP or for headers whose
 * lengths make no sense.
 */
static __always_inline bool nwt_pkt_parse(u64 skb, u64 l3, struct nwt_pkt_state *st, u64 *sk)
{
	u8 ip[NWT_HDR_BUF];	/* IP header and, when it is 20 or 40 bytes, the TCP header */
	u8 th[20];
	u64 l4, dev;
	u32 l3_payload, hlen;
	bool with_th = true;

	if (!l3)
		return false;
	/* Near the end of a mapping the longer read can fail where 40 bytes would not. */
	if (bpf_probe_read_kernel(ip, 60, (void *)l3)) {
		with_th = false;
		if (bpf_probe_read_kernel(ip, 40, (void *)l3))
			return false;
	}
	if ((ip[0] >> 4) == 4) {
		hlen = (ip[0] & 0xf) * 4;
		if (ip[9] != IPPROTO_TCP || hlen < 20)
			return false;
		l3_payload = (((u32)ip[2] << 8) | ip[3]);
		l3_payload = l3_payload > hlen ? l3_payload - hlen : 0;
		st->flow.family = AF_INET;
		__builtin_memcpy(st->flow.saddr, &ip[12], 4);
		__builtin_memcpy(st->flow.daddr, &ip[16], 4);
	} else if ((ip[0] >> 4) == 6) {
		hlen = 40;
		if (ip[6] != IPPROTO_TCP)	/* extension headers: not followed */
			return false;
		l3_payload = ((u32)ip[4] << 8) | ip[5];
		st->flow.family = AF_INET6;
		__builtin_memcpy(st->flow.saddr, &ip[8], 16);
		__builtin_memcpy(st->flow.daddr, &ip[24], 16);
	} else {
		return false;
	}
	l4 = l3 + hlen;
	if (with_th && hlen == 20)
		__builtin_memcpy(th, &ip[20], sizeof(th));
	else if (with_th && hlen == 40)
		__builtin_memcpy(th, &ip[40], sizeof(th));
	else if (bpf_probe_read_kernel(th, sizeof(th), (void *)l4))
		return false;
	hlen = (th[12] >> 4) * 4;
	if (hlen < 20)
		return false;
	st->flow.sport = ((u16)th[0] << 8) | th[1];
	st->flow.dport = ((u16)th[2] << 8) | th[3];
	st->seq = ((u32)th[4] << 24) | ((u32)th[5] << 16) | ((u32)th[6] << 8) | th[7];
	st->ack = ((u32)th[8] << 24) | ((u32)th[9] << 16) | ((u32)th[10] << 8) | th[11];
	st->tcp_flags = th[13];
	st->payload_len = l3_payload > hlen ? l3_payload - hlen : 0;
	dev = nwt_pkt_dev_sk(skb, sk);
	if (!dev)
		dev = st->dev;
	st->dev = dev;
	if (dev)
		nwt_pkt_iface(dev, st, ip);	/* the headers are parsed: reuse */
#ifdef NWT_PKT_HTTP
	nwt_pkt_http(skb, l4 + hlen, st);
#endif
	return true;
}

#if defined(NWT_OFF_SKB_QUEUE_MAPPING) && defined(NWT_OFF_NETDEV_TX) &&           \
	defined(NWT_SIZEOF_NETDEV_QUEUE) && defined(NWT_OFF_NETDEV_QUEUE_QDISC) && \
	defined(NWT_OFF_QDISC_ENQUEUE) && !defined(NWT_OFFSETS_FROM_HEADERS)
/* Will __dev_queue_xmit() transmit this skb (on dev) at once?  Its queue's qdisc has no enqueue. */
static __always_inline bool nwt_pkt_tx_direct(u64 skb, u64 dev)
{
	u64 txqs = 0, q = 0, enqueue = 1;
	u16 qm = 0;

	NWT_READ_FIELD(qm, skb, NWT_OFF_SKB_QUEUE_MAPPING);
	if (!dev)
		return false;
	NWT_READ_FIELD(txqs, dev, NWT_OFF_NETDEV_TX);
	if (!txqs)
		return false;
	NWT_READ_FIELD(q, txqs + (u64)qm * NWT_SIZEOF_NETDEV_QUEUE, NWT_OFF_NETDEV_QUEUE_QDISC);
	if (!q)
		return false;
	NWT_READ_FIELD(enqueue, q, NWT_OFF_QDISC_ENQUEUE);
	return !enqueue;
}
#else
static __always_inline bool nwt_pkt_tx_direct(u64 skb, u64 dev)
{
	return false;
}
#endif

#endif /* NWT_PKT_HEADERS_H */
