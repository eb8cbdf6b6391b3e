/* SPDX-License-Identifier: Apache-2.0 */
/*
 * -u -s: traffic per UDP flow (datagrams and bytes each way, drops, rates),
 * the top flows by bytes as table rows or one "udp_flows" JSON object, the
 * rest summed in one line.  Plain rows in, text out: the feature (features/
 * udp.c) reads the kernel's counts and hands them over.
 */
#ifndef NWT_UDP_FLOWS_H
#define NWT_UDP_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a flow did in a window.  The local end is this host's. */
struct nwt_udp_flow_row {
	int family;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	uint64_t tx_datagrams, tx_bytes, rx_datagrams, rx_bytes, drops;
};

/* The flows beyond the top N, and datagrams the kernel could not give a flow slot. */
struct nwt_udp_flows_rest {
	uint64_t flows;
	uint64_t tx_datagrams, tx_bytes, rx_datagrams, rx_bytes, drops;
	uint64_t unkept_datagrams;	/* counted, but the kernel's flow table was full */
};

struct nwt_udp_flows_report {
	struct nwt_udp_flow_row *rows;	/* the top flows, ordered by bytes (both ways), most first */
	size_t n_rows;
	struct nwt_udp_flows_rest rest;
	double window_s;	/* the rates' denominator */
	bool final;		/* since the start rather than the last interval */
	uint64_t wall_ns;
};

/*
 * Orders rows[0..n) by bytes, most first (ties: more datagrams, then the
 * endpoints), keeps the first top, and adds the others to rest.  Returns the
 * rows kept.
 */
size_t nwt_udp_flows_rank(struct nwt_udp_flow_row *rows, size_t n, size_t top,
			  struct nwt_udp_flows_rest *rest);

void nwt_udp_flows_print(FILE *out, const struct nwt_udp_flows_report *r, bool json);

#endif
