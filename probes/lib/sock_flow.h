/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * BPF-only helpers (never included by src/): a TCP socket's endpoints as a
 * struct nwt_flow, read from the socket at BTF offsets or from a tracepoint
 * that carries them (sock:inet_sock_set_state, tcp:tcp_retransmit_skb, ...).
 */
#ifndef NWT_SOCK_FLOW_H
#define NWT_SOCK_FLOW_H

#include "nwtrace_events.h"
#include "lib/kread.h"

#if defined(NWT_OFF_SOCK_STATE) && defined(NWT_OFF_SOCK_FAMILY) && defined(NWT_OFF_SOCK_NUM) && \
	defined(NWT_OFF_SOCK_DPORT) && defined(NWT_OFF_SOCK_RCV_SADDR) &&                        \
	defined(NWT_OFF_SOCK_DADDR) && defined(NWT_OFF_SOCK_V6_RCV_SADDR) &&                     \
	defined(NWT_OFF_SOCK_V6_DADDR)
/* The socket's own 4-tuple (local = saddr) and state; false if it is not INET. */
static __always_inline bool nwt_sock_flow(u64 sk, struct nwt_flow *flow, u8 *state)
{
	u16 dport_be = 0;

	if (!sk)
		return false;
	NWT_READ_FIELD(*state, sk, NWT_OFF_SOCK_STATE);
	NWT_READ_FIELD(flow->family, sk, NWT_OFF_SOCK_FAMILY);
	NWT_READ_FIELD(flow->sport, sk, NWT_OFF_SOCK_NUM);
	NWT_READ_FIELD(dport_be, sk, NWT_OFF_SOCK_DPORT);
	flow->dport = bpf_ntohs(dport_be);
	if (flow->family == AF_INET) {
		bpf_probe_read_kernel(flow->saddr, 4, (const char *)sk + NWT_OFF_SOCK_RCV_SADDR);
		bpf_probe_read_kernel(flow->daddr, 4, (const char *)sk + NWT_OFF_SOCK_DADDR);
		return true;
	}
	if (flow->family == AF_INET6) {
		bpf_probe_read_kernel(flow->saddr, 16, (const char *)sk + NWT_OFF_SOCK_V6_RCV_SADDR);
		bpf_probe_read_kernel(flow->daddr, 16, (const char *)sk + NWT_OFF_SOCK_V6_DADDR);
		return true;
	}
	return false;
}
#endif

/* ::ffff:a.b.c.d, an IPv4 address in an IPv6 socket */
static __always_inline bool nwt_v4_mapped(const u8 *a)
{
	u32 w0, w1, w2;

	__builtin_memcpy(&w0, a, 4);
	__builtin_memcpy(&w1, a + 4, 4);
	__builtin_memcpy(&w2, a + 8, 4);
	return !w0 && !w1 && w2 == bpf_htonl(0xffff);
}

/*
 * From a tracepoint with family, sport, dport, saddr[4], daddr[4], saddr_v6[16]
 * and daddr_v6[16].  Addresses are copied with probe reads: plain copies let
 * the compiler keep pointers into the context, which the verifier refuses to
 * dereference later.
 */
#define NWT_FLOW_FROM_TRACEPOINT(flow, args)                                          \
	do {                                                                          \
		(flow)->family = (args)->family;                                      \
		(flow)->sport = (args)->sport;                                        \
		(flow)->dport = (args)->dport;                                        \
		if ((args)->family == AF_INET) {                                      \
			bpf_probe_read_kernel((flow)->saddr, 4, (args)->saddr);       \
			bpf_probe_read_kernel((flow)->daddr, 4, (args)->daddr);       \
		} else {                                                              \
			bpf_probe_read_kernel((flow)->saddr, 16, (args)->saddr_v6);   \
			bpf_probe_read_kernel((flow)->daddr, 16, (args)->daddr_v6);   \
		}                                                                     \
	} while (0)

#endif /* NWT_SOCK_FLOW_H */
