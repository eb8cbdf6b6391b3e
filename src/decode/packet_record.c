/* SPDX-License-Identifier: Apache-2.0 */
/* Packet and hop records: decoding the kernel's nwt_packet_event, layer and point names. */
#include "decode/packet_record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/record_head.h"

static const char *const layer_names[NWT_LAYER_MAX] = {
	[NWT_LAYER_TX_TCP] = "tcp_us",	 [NWT_LAYER_TX_IP] = "ip_us",
	[NWT_LAYER_TX_QDISC] = "qdisc_us", [NWT_LAYER_RX_MAC] = "mac_us",
	[NWT_LAYER_RX_IP] = "ip_us",	 [NWT_LAYER_RX_TCP] = "tcp_us",
};

/* UDP: rx [1-2] is IP and UDP up to the socket queue, [2-3] the wait in that queue. */
static const char *const udp_layer_names[NWT_LAYER_MAX] = {
	[NWT_LAYER_TX_TCP] = "udp_us",	 [NWT_LAYER_TX_IP] = "ip_us",
	[NWT_LAYER_TX_QDISC] = "qdisc_us", [NWT_LAYER_RX_MAC] = "mac_us",
	[NWT_LAYER_RX_IP] = "ip_us",	 [NWT_LAYER_RX_TCP] = "sock_us",
};

static const char *const point_names[NWT_PT_MAX] = {
	[NWT_PT_TX_TCP] = "tx_tcp",   [NWT_PT_TX_IP] = "tx_ip",	  [NWT_PT_TX_QUEUE] = "tx_queue",
	[NWT_PT_TX_XMIT] = "tx_xmit", [NWT_PT_RX_DEV] = "rx_dev", [NWT_PT_RX_IP] = "rx_ip",
	[NWT_PT_RX_TCP] = "rx_tcp",   [NWT_PT_RX_SOCK] = "rx_sock",
	[NWT_PT_RX_TCP_ENTRY] = "rx_tcp_entry",
};

const char *nwt_pkt_layer_name(enum nwt_pkt_layer layer, bool udp)
{
	if ((unsigned int)layer >= NWT_LAYER_MAX)
		return "?";
	return udp ? udp_layer_names[layer] : layer_names[layer];
}

const char *nwt_pkt_point_name(int point)
{
	return point >= 0 && point < NWT_PT_MAX ? point_names[point] : "?";
}

int nwt_pkt_span_index(bool rx, int first, int last)
{
	/* [0] [1] [2] [0-1] [1-2] [0-2] per direction */
	static const int idx[3][3] = { { 0, 3, 5 }, { -1, 1, 4 }, { -1, -1, 2 } };

	if (first < 0 || last > 2 || first > last)
		return -1;
	return (rx ? 6 : 0) + idx[first][last];
}

const char *nwt_pkt_span_name(bool rx, bool udp, int first, int last, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = first; i <= last && n < len; i++) {
		const char *name = nwt_pkt_layer_name(nwt_pkt_layer_of(rx, i), udp);

		n += snprintf(buf + n, len - n, "%s%.*s", i > first ? "_" : "",
			      (int)strlen(name) - 3, name);
	}
	if (n < len)
		snprintf(buf + n, len - n, "_us");
	return buf;
}

static bool is_method_char(char c)
{
	return c >= 'A' && c <= 'Z';
}

size_t nwt_http_line(const char *data, size_t len, char *line, size_t line_len)
{
	size_t n = 0, i;
	bool cut = false;

	line[0] = '\0';
	for (; n < len && data[n] != '\r' && data[n] != '\n'; n++)
		;
	cut = n == len;	/* no CR/LF among the bytes the probe kept */
	for (i = 0; i < n; i++)
		if ((unsigned char)data[i] < 0x20 || (unsigned char)data[i] > 0x7e)
			return 0;
	if (n >= 12 && !strncmp(data, "HTTP/1.", 7) && data[7] >= '0' && data[7] <= '9' &&
	    data[8] == ' ' && data[9] >= '1' && data[9] <= '5') {
		/* status line */
	} else {
		for (i = 0; i < n && i < 8 && is_method_char(data[i]); i++)
			;
		if (i < 3 || i >= n || data[i] != ' ')
			return 0;
		if (!cut && (n < i + 10 || strncmp(data + n - 9, " HTTP/1.", 8)))
			return 0;
	}
	if (n >= line_len)
		n = line_len - 1;
	memcpy(line, data, n);
	line[n] = '\0';
	return n;
}

int nwt_decode_packet(const void *data, size_t size, struct nwt_record *rec)
{
	struct nwt_packet_event e;
	struct nwt_packet_record *p = &rec->packet;
	size_t base = sizeof(e) - NWT_HTTP_LEN;

	if (size < base)
		return -EINVAL;
	memset(&e, 0, sizeof(e));
	memcpy(&e, data, size < sizeof(e) ? size : sizeof(e));	/* http[] only with -H */
	if (e.direction > NWT_DIR_RX || e.point >= NWT_PT_MAX)
		return -EINVAL;
	if (e.hdr.type == NWT_EVENT_HOP)
		rec->kind = NWT_REC_HOP;
	else
		rec->kind = e.flags & NWT_PKT_F_UDP ? NWT_REC_UDP : NWT_REC_PACKET;
	rec->has_pid = e.flags & NWT_PKT_F_OWNER_KNOWN;
	nwt_decode_header(&e.hdr, 0, rec);	/* the caller adds the clock offset */
	nwt_decode_flow(&e.flow, rec);
	p->sock_id = e.sock_id;
	p->rx = e.direction == NWT_DIR_RX;
	p->point = e.point;
	p->seq = e.seq;
	p->ack = e.ack;
	p->has_ack = e.flags & NWT_PKT_F_HAS_ACK;
	p->payload_len = e.payload_len;
	p->ifindex = e.ifindex;
	p->tcp_flags = e.tcp_flags;
	p->tcp_state = (e.flags & NWT_PKT_F_STATE_MASK) >> NWT_PKT_F_STATE_SHIFT;
	memcpy(p->ifname, e.ifname, sizeof(e.ifname));
	p->ifname[sizeof(e.ifname)] = '\0';
	if (rec->kind == NWT_REC_HOP) {
		rec->wall_ns = e.point_ns[0];
		return 0;
	}
	rec->wall_ns = e.hdr.ts_ns;
	for (int i = 0; i < NWT_PT_PER_DIR; i++)
		p->point_seen[i] = e.point_ns[i] != 0;
	for (int i = 0, prev = -1; i < NWT_PT_PER_DIR; i++) {
		if (!e.point_ns[i])
			continue;
		if (prev >= 0 && e.point_ns[i] >= e.point_ns[prev]) {
			p->span_first[p->n_spans] = prev;
			p->span_last[p->n_spans] = i - 1;
			p->span_ns[p->n_spans] = e.point_ns[i] - e.point_ns[prev];
			p->n_spans++;
		}
		prev = i;
	}
	if (e.http_len && size >= sizeof(e))
		nwt_http_line(e.http, e.http_len > NWT_HTTP_LEN ? NWT_HTTP_LEN : e.http_len, p->http,
			      sizeof(p->http));
	return 0;
}

const char *nwt_tcp_flags_text(uint8_t flags, char *buf, size_t len)
{
	static const char letters[] = "FSRPAUEC";
	size_t n = 0;

	for (int i = 0; i < 8 && n + 1 < len; i++)
		if (flags & (1u << i))
			buf[n++] = letters[i];
	if (!n && len > 1)
		buf[n++] = '.';
	buf[n] = '\0';
	return buf;
}
