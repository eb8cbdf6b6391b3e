/* SPDX-License-Identifier: Apache-2.0 */
/* Packet and hop records (-t, --hops, -H): decoding and names shared by the writers. */
#ifndef NWT_PACKET_RECORD_H
#define NWT_PACKET_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "decode/record.h"

/* Decodes an nwt_packet_event (wall clock offset applied by the caller). */
int nwt_decode_packet(const void *data, size_t size, struct nwt_record *rec);

/*
 * The HTTP/1.x request or status line at the start of data (len bytes), cut at
 * CR/LF, into line; returns its length, 0 (and "") if data is not HTTP/1.x.
 */
size_t nwt_http_line(const char *data, size_t len, char *line, size_t line_len);

/* TCP flags as tcpdump-like letters: "SA", "PA", "." for none. */
const char *nwt_tcp_flags_text(uint8_t flags, char *buf, size_t len);

/* Layer index 0..2 of a direction -> enum nwt_pkt_layer. */
static inline enum nwt_pkt_layer nwt_pkt_layer_of(bool rx, int i)
{
	return (enum nwt_pkt_layer)((rx ? NWT_LAYER_RX_MAC : NWT_LAYER_TX_TCP) + i);
}

/*
 * Spans of layers first..last: an index 0..NWT_PKT_SPANS-1 over both
 * directions, name "tcp_ip_us" (a UDP datagram's: "udp_ip_us").
 */
#define NWT_PKT_SPANS 12
int nwt_pkt_span_index(bool rx, int first, int last);
const char *nwt_pkt_span_name(bool rx, bool udp, int first, int last, char *buf, size_t len);

#endif
