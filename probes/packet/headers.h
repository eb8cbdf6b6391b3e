/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * BPF-only, for packet/packet_path.bpf.c (no map access: libbcc rewrites map calls
 * only in the main file): where a packet's headers are, reading them for
 * the shared parser (lib/ip_parse.h), and whether its transmit queue sends
 * it at once.  Reads are at BTF offsets, of fixed size.
 */
#ifndef NWT_PKT_HEADERS_H
#define NWT_PKT_HEADERS_H

#include "nwtrace_events.h"
#include "lib/ip_parse.h"
#include "lib/kread.h"
#include "packet/state.h"

/*
 * The sk_buff fields the packet points use.  Each bpf_probe_read_kernel()
 * costs about as much as the rest of a small probe, so when the fields lie
 * close together (within 192 bytes) they arrive in one
 * read of the span that holds them all.  With -H the record being built,
 * and with --hops the hop's own copy of the fields, leave no room on the
 * 512-byte BPF stack for the span: neighbours are then read in pairs.
 */
struct nwt_skb_fields {
	u64 dev;
	u64 sk;
	u64 sk_arg;		/* sk as loaded: with btf, typed (what socket-local storage needs) */
	u64 head;
	u16 network_header;
	u16 queue_mapping;	/* 0 where the kernel's BTF does not name it */
};

#ifdef NWT_OFF_SKB_QUEUE_MAPPING
#define NWT_SKB_QM NWT_OFF_SKB_QUEUE_MAPPING
#else
#define NWT_SKB_QM NWT_OFF_SKB_DEV	/* inside the span already; not used */
#endif
#define NWT_SKB_SPAN_START                                                           \
	NWT_MIN(NWT_MIN(NWT_OFF_SKB_DEV, NWT_OFF_SKB_SK),                              \
		NWT_MIN(NWT_MIN(NWT_OFF_SKB_HEAD, NWT_OFF_SKB_NETWORK_HEADER), NWT_SKB_QM))
#define NWT_SKB_SPAN_END                                                                 \
	NWT_MAX(NWT_MAX(NWT_OFF_SKB_DEV + 8, NWT_OFF_SKB_SK + 8),                          \
		NWT_MAX(NWT_MAX(NWT_OFF_SKB_HEAD + 8, NWT_OFF_SKB_NETWORK_HEADER + 2), \
			NWT_SKB_QM + 2))
#ifndef NWT_OFFSETS_FROM_HEADERS
#if !defined(NWT_PKT_HTTP) && !defined(NWT_PKT_HOPS) && NWT_SKB_SPAN_END - NWT_SKB_SPAN_START <= 192
#define NWT_SKB_SPAN (NWT_SKB_SPAN_END - NWT_SKB_SPAN_START)
#endif
#if NWT_OFF_SKB_SK == NWT_OFF_SKB_DEV + 8
#define NWT_SKB_DEV_SK_PAIR
#endif
#if NWT_OFF_SKB_HEAD > NWT_OFF_SKB_NETWORK_HEADER && \
	NWT_OFF_SKB_HEAD + 8 - NWT_OFF_SKB_NETWORK_HEADER <= 32
#define NWT_SKB_NH_HEAD_PAIR (NWT_OFF_SKB_HEAD + 8 - NWT_OFF_SKB_NETWORK_HEADER)
#endif
#endif

/* With btf, skb is a typed pointer: each field is loaded, and dev and sk come back as numbers. */
static __always_inline bool nwt_skb_fields_read(u64 skb, struct nwt_skb_fields *f, bool btf)
{
	if (btf) {
		u64 dev, sk;

		NWT_LOAD(btf, dev, skb, NWT_OFF_SKB_DEV);
		NWT_LOAD(btf, sk, skb, NWT_OFF_SKB_SK);
		NWT_LOAD_ADDR(btf, f->head, skb, NWT_OFF_SKB_HEAD);
		NWT_LOAD(btf, f->network_header, skb, NWT_OFF_SKB_NETWORK_HEADER);
		f->queue_mapping = 0;
#ifdef NWT_OFF_SKB_QUEUE_MAPPING
		NWT_LOAD(btf, f->queue_mapping, skb, NWT_OFF_SKB_QUEUE_MAPPING);
#endif
		f->dev = nwt_scalar(dev);
		f->sk = nwt_scalar(sk);
		f->sk_arg = sk;
		return true;
	}
#ifdef NWT_SKB_SPAN
	u8 w[NWT_SKB_SPAN];

	if (bpf_probe_read_kernel(w, sizeof(w), (const char *)skb + NWT_SKB_SPAN_START))
		return false;
#define NWT_SPAN_GET(dst, off) __builtin_memcpy(&(dst), w + (off) - NWT_SKB_SPAN_START, sizeof(dst))
	NWT_SPAN_GET(f->dev, NWT_OFF_SKB_DEV);
	NWT_SPAN_GET(f->sk, NWT_OFF_SKB_SK);
	NWT_SPAN_GET(f->head, NWT_OFF_SKB_HEAD);
	NWT_SPAN_GET(f->network_header, NWT_OFF_SKB_NETWORK_HEADER);
	f->queue_mapping = 0;
#ifdef NWT_OFF_SKB_QUEUE_MAPPING
	NWT_SPAN_GET(f->queue_mapping, NWT_OFF_SKB_QUEUE_MAPPING);
#endif
#undef NWT_SPAN_GET
	f->sk_arg = f->sk;
#else
	__builtin_memset(f, 0, sizeof(*f));
#ifdef NWT_SKB_NH_HEAD_PAIR
	u8 nh[NWT_SKB_NH_HEAD_PAIR];

	if (bpf_probe_read_kernel(nh, sizeof(nh), (const char *)skb + NWT_OFF_SKB_NETWORK_HEADER))
		return false;
	__builtin_memcpy(&f->network_header, nh, sizeof(f->network_header));
	__builtin_memcpy(&f->head, nh + NWT_OFF_SKB_HEAD - NWT_OFF_SKB_NETWORK_HEADER,
			 sizeof(f->head));
#else
	if (NWT_READ_FIELD(f->head, skb, NWT_OFF_SKB_HEAD))
		return false;
	NWT_READ_FIELD(f->network_header, skb, NWT_OFF_SKB_NETWORK_HEADER);
#endif
#ifdef NWT_SKB_DEV_SK_PAIR
	bpf_probe_read_kernel(&f->dev, 2 * sizeof(u64), (const char *)skb + NWT_OFF_SKB_DEV);
#else
	NWT_READ_FIELD(f->dev, skb, NWT_OFF_SKB_DEV);
	NWT_READ_FIELD(f->sk, skb, NWT_OFF_SKB_SK);
#endif
#ifdef NWT_OFF_SKB_QUEUE_MAPPING
	NWT_READ_FIELD(f->queue_mapping, skb, NWT_OFF_SKB_QUEUE_MAPPING);
#endif
	f->sk_arg = f->sk;
#endif
	return true;
}

/* Where the network header starts, once the IP layer has set it; 0 if not set. */
static __always_inline u64 nwt_skb_l3(const struct nwt_skb_fields *f)
{
	return f->head && f->network_header != 0xffff ? f->head + f->network_header : 0;
}

/* Where the network header starts before the IP layer has set it: skb->data. */
static __always_inline u64 nwt_skb_data(u64 skb, bool btf)
{
	u64 data = 0;

	NWT_LOAD_ADDR(btf, data, skb, NWT_OFF_SKB_DATA);
	return data;
}

#ifdef NWT_PKT_HTTP
#include "packet/payload.h"

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

/* The first payload bytes, linear or paged (packet/payload.h), if they start an HTTP/1.x line. */
static __always_inline void nwt_pkt_http(u64 skb, u64 payload, struct nwt_pkt_state *st)
{
	u32 avail = nwt_payload_peek(skb, payload, st->payload_len, st->http);

	st->http_len = 0;
	if (avail >= 4 && nwt_http_start(st->http))
		st->http_len = avail > NWT_HTTP_LEN ? NWT_HTTP_LEN : avail;
}
#endif

/* dev->ifindex and dev->name: one read when they are close (224 and 280 on 6.18). */
#if !defined(NWT_OFFSETS_FROM_HEADERS) && NWT_OFF_NETDEV_NAME > NWT_OFF_NETDEV_IFINDEX && \
	NWT_OFF_NETDEV_NAME + 16 - NWT_OFF_NETDEV_IFINDEX <= 96
#define NWT_IFACE_WINDOW (NWT_OFF_NETDEV_NAME + 16 - NWT_OFF_NETDEV_IFINDEX)
#endif

static __always_inline void nwt_dev_iface_read(u64 dev, u32 *ifindex, char *name)
{
#ifdef NWT_IFACE_WINDOW
	u8 w[NWT_IFACE_WINDOW];

	if (bpf_probe_read_kernel(w, sizeof(w), (const char *)dev + NWT_OFF_NETDEV_IFINDEX))
		return;
	__builtin_memcpy(ifindex, w, sizeof(*ifindex));
	__builtin_memcpy(name, w + NWT_OFF_NETDEV_NAME - NWT_OFF_NETDEV_IFINDEX, 16);
#else
	bpf_probe_read_kernel(ifindex, sizeof(*ifindex), (const char *)dev + NWT_OFF_NETDEV_IFINDEX);
	bpf_probe_read_kernel(name, 16, (const char *)dev + NWT_OFF_NETDEV_NAME);
#endif
}

/*
 * Reads the IPv4/IPv6 and TCP headers at l3 into st; *payload: where the
 * TCP payload starts.  False for anything but TCP or for headers whose
 * lengths make no sense.
 */
static __always_inline bool nwt_pkt_parse_headers(u64 l3, struct nwt_pkt_state *st, u64 *payload)
{
	u8 ip[60];	/* IP header and, when it is 20 or 40 bytes, the TCP header */
	u8 th[20];
	struct nwt_ip_info iph;
	struct nwt_tcp_info tcp;
	u32 avail = 60;

	if (!l3)
		return false;
	/* Near the end of a mapping the longer read can fail where 40 bytes would not. */
	if (bpf_probe_read_kernel(ip, 60, (void *)l3)) {
		avail = 40;
		if (bpf_probe_read_kernel(ip, 40, (void *)l3))
			return false;
	}
	if (!nwt_ip_parse(ip, avail, &st->flow, &iph) || iph.proto != NWT_IPPROTO_TCP ||
	    !iph.l4_follows)
		return false;
	if (avail == 60 && iph.hlen == NWT_IPV4_HLEN_MIN)
		__builtin_memcpy(th, &ip[NWT_IPV4_HLEN_MIN], sizeof(th));
	else if (avail == 60 && iph.hlen == NWT_IPV6_HLEN)
		__builtin_memcpy(th, &ip[NWT_IPV6_HLEN], sizeof(th));
	else if (bpf_probe_read_kernel(th, sizeof(th), (void *)(l3 + iph.hlen)))
		return false;
	nwt_tcp_parse(th, iph.l4_len, &tcp);
	if (!tcp.hlen_ok)
		return false;
	nwt_l4_ports(th, &st->flow);
	st->seq = tcp.seq;
	st->ack = tcp.ack;
	st->tcp_flags = tcp.flags;
	st->payload_len = tcp.payload_len;
	*payload = l3 + iph.hlen + tcp.hlen;
	return true;
}

/* The headers, and with -H the payload's first bytes. */
static __always_inline bool nwt_pkt_parse(u64 skb, u64 l3, struct nwt_pkt_state *st)
{
	u64 payload;

	if (!nwt_pkt_parse_headers(l3, st, &payload))
		return false;
#ifdef NWT_PKT_HTTP
	nwt_pkt_http(skb, payload, st);
#endif
	return true;
}

#if defined(NWT_OFF_SKB_QUEUE_MAPPING) && defined(NWT_OFF_NETDEV_TX) &&           \
	defined(NWT_SIZEOF_NETDEV_QUEUE) && defined(NWT_OFF_NETDEV_QUEUE_QDISC) && \
	defined(NWT_OFF_QDISC_ENQUEUE) && !defined(NWT_OFFSETS_FROM_HEADERS)
/* Will __dev_queue_xmit() transmit on dev's queue qm at once?  Its qdisc has no enqueue. */
static __always_inline bool nwt_dev_tx_direct(u64 dev, u16 qm)
{
	u64 txqs = 0, q = 0, enqueue = 1;

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
static __always_inline bool nwt_dev_tx_direct(u64 dev, u16 qm)
{
	return false;
}
#endif

#endif /* NWT_PKT_HEADERS_H */
