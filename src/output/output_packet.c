/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Packet and hop records as JSON Lines and table rows.  This is the hot path
 * of -t: the JSON is written straight into a stack buffer (no allocation per
 * record); field names and order follow output_json.c's conventions.
 */
#include "output/output_packet.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util/addr.h"
#include "output/json_writer.h"
#include "output/output.h"
#include "output/table.h"
#include "decode/packet_record.h"
#include "util/tcp_state.h"

/*
 * "2026-01-02T03:04:05.123456Z": records share their seconds part with the
 * previous one most of the time, so only the microseconds are formatted.
 */
static void put_iso8601(struct nwt_json *b, uint64_t wall_ns)
{
	static __thread time_t cached_sec = -1;
	static __thread char cached[32];
	static __thread size_t cached_len;
	time_t sec = (time_t)(wall_ns / 1000000000ULL);
	unsigned long usec = (unsigned long)(wall_ns % 1000000000ULL / 1000);
	char frac[9] = { '.', 0, 0, 0, 0, 0, 0, 'Z', '"' };

	if (sec != cached_sec) {
		struct tm tm;

		gmtime_r(&sec, &tm);
		cached_len = strftime(cached, sizeof(cached), "\"%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = sec;
	}
	for (int i = 6; i >= 1; i--, usec /= 10)
		frac[i] = (char)('0' + usec % 10);
	nwt_json_raw(b, cached, cached_len);
	nwt_json_raw(b, frac, sizeof(frac));
	b->after_key = false;
}

/* Addresses as JSON strings; IPv4, the common case, without inet_ntop. */
static void put_addr(struct nwt_json *b, int family, const uint8_t *addr)
{
	char tmp[64];
	int n = 1;

	if (family != AF_INET) {
		nwt_json_string_bytes(b, nwt_format_addr(family, addr, tmp, sizeof(tmp)));
		return;
	}
	tmp[0] = '"';
	for (int i = 0; i < 4; i++) {
		unsigned int v = addr[i];

		if (i)
			tmp[n++] = '.';
		if (v >= 100)
			tmp[n++] = (char)('0' + v / 100);
		if (v >= 10)
			tmp[n++] = (char)('0' + v / 10 % 10);
		tmp[n++] = (char)('0' + v % 10);
	}
	tmp[n++] = '"';
	nwt_json_raw(b, tmp, (size_t)n);
	b->after_key = false;
}

/* "tcp_ip_us" and friends: a handful of names, built once. */
static const char *span_name(bool rx, bool udp, int first, int last)
{
	static __thread char names[2][2][NWT_LAYERS_PER_DIR][NWT_LAYERS_PER_DIR][32];
	char *name;

	if (first < 0 || last >= NWT_LAYERS_PER_DIR || first > last)
		return "?";
	name = names[udp][rx][first][last];
	if (!name[0])
		nwt_pkt_span_name(rx, udp, first, last, name, sizeof(names[0][0][0][0]));
	return name;
}

/*
 * Fields that repeat from record to record (the owner, the endpoints, the
 * interface) are formatted once and copied afterwards: a stream of packets
 * belongs to a few flows, and their two directions alternate.
 */
#define FRAG_KEY_MAX 48
#define FRAG_TEXT_MAX 192
#define FRAG_WAYS 4

struct frag_entry {
	uint8_t key[FRAG_KEY_MAX];
	size_t len;		/* of text; 0: unused */
	char text[FRAG_TEXT_MAX];
};

struct frag_cache {
	struct frag_entry way[FRAG_WAYS];
	unsigned int next;	/* round-robin replacement */
};

/* The cached text for key, or NULL; then the caller formats it and calls frag_store(). */
static const struct frag_entry *frag_find(const struct frag_cache *c, const uint8_t *key)
{
	for (int i = 0; i < FRAG_WAYS; i++)
		if (c->way[i].len && !memcmp(c->way[i].key, key, FRAG_KEY_MAX))
			return &c->way[i];
	return NULL;
}

static void frag_store(struct frag_cache *c, const uint8_t *key, const char *text, size_t len)
{
	struct frag_entry *e = &c->way[c->next++ % FRAG_WAYS];

	if (len >= FRAG_TEXT_MAX)
		return;		/* cannot happen for these fields; then simply not cached */
	memcpy(e->key, key, FRAG_KEY_MAX);
	memcpy(e->text, text, len);
	e->len = len;
}

/* Copies the fragment for key into b, formatting it with fmt on a miss. */
static void put_cached(struct nwt_json *b, struct frag_cache *c, const uint8_t *key,
		       void (*fmt)(struct nwt_json *b, const struct nwt_record *rec),
		       const struct nwt_record *rec)
{
	const struct frag_entry *e = frag_find(c, key);
	char *start = b->p;

	if (e) {
		nwt_json_raw(b, e->text, e->len);
		return;
	}
	fmt(b, rec);
	if (b->end - b->p > 1)	/* the writer did not have to cut it */
		frag_store(c, key, start, (size_t)(b->p - start));
}

static void fmt_owner(struct nwt_json *b, const struct nwt_record *rec)
{
	NWT_JSON_KEY_NEXT(b, "pid");
	nwt_json_uint(b, rec->pid);
	NWT_JSON_KEY_NEXT(b, "comm");
	nwt_json_string_bytes(b, rec->comm);
}

static void fmt_endpoints(struct nwt_json *b, const struct nwt_record *rec)
{
	NWT_JSON_KEY_NEXT(b, "family");
	nwt_json_string_bytes(b, rec->family == AF_INET6 ? "ipv6" : "ipv4");
	NWT_JSON_KEY_NEXT(b, "saddr");
	put_addr(b, rec->family, rec->saddr);
	NWT_JSON_KEY_NEXT(b, "sport");
	nwt_json_uint(b, rec->sport);
	NWT_JSON_KEY_NEXT(b, "daddr");
	put_addr(b, rec->family, rec->daddr);
	NWT_JSON_KEY_NEXT(b, "dport");
	nwt_json_uint(b, rec->dport);
}

static void fmt_iface(struct nwt_json *b, const struct nwt_record *rec)
{
	NWT_JSON_KEY_NEXT(b, "ifindex");
	nwt_json_uint(b, rec->packet.ifindex);
	NWT_JSON_KEY_NEXT(b, "ifname");
	nwt_json_string_bytes(b, rec->packet.ifname);
}

size_t nwt_packet_json_format(const struct nwt_record *rec, char *out, size_t len)
{
	static __thread struct frag_cache owners, endpoints, ifaces;
	const struct nwt_packet_record *p = &rec->packet;
	bool udp = rec->kind == NWT_REC_UDP;
	struct nwt_json j, *b = &j;
	uint8_t key[FRAG_KEY_MAX];
	uint32_t v;
	char tmp[64];

	nwt_json_buf(b, out, len);
	nwt_json_object_begin(b);
	nwt_json_key(b, "type");
	nwt_json_string_bytes(b, nwt_record_kind_name(rec->kind));
	NWT_JSON_KEY_NEXT(b, "ts");
	put_iso8601(b, rec->wall_ns);
	if (rec->has_pid) {
		memset(key, 0, sizeof(key));
		memcpy(key, &rec->pid, sizeof(rec->pid));
		memcpy(key + 4, rec->comm, NWT_COMM_LEN);	/* with its NUL: keys stay distinct */
		put_cached(b, &owners, key, fmt_owner, rec);
	}
	memset(key, 0, sizeof(key));
	memcpy(key, &rec->family, sizeof(rec->family));
	v = (uint32_t)rec->sport << 16 | rec->dport;
	memcpy(key + 4, &v, 4);
	memcpy(key + 8, rec->saddr, 16);
	memcpy(key + 24, rec->daddr, 16);
	put_cached(b, &endpoints, key, fmt_endpoints, rec);
	NWT_JSON_KEY_NEXT(b, "dir");
	nwt_json_string_bytes(b, p->rx ? "rx" : "tx");
	if (rec->kind == NWT_REC_HOP) {
		NWT_JSON_KEY_NEXT(b, "point");
		nwt_json_string_bytes(b, nwt_pkt_point_name(p->point));
	}
	if (!udp) {
		NWT_JSON_KEY_NEXT(b, "seq");
		nwt_json_uint(b, p->seq);
	}
	if (p->has_ack) {
		NWT_JSON_KEY_NEXT(b, "ack");
		nwt_json_uint(b, p->ack);
	}
	NWT_JSON_KEY_NEXT(b, "len");
	nwt_json_uint(b, p->payload_len);
	if (!udp) {
		NWT_JSON_KEY_NEXT(b, "flags");
		nwt_json_string_bytes(b, nwt_tcp_flags_text(p->tcp_flags, tmp, sizeof(tmp)));
	}
	if (p->tcp_state) {
		NWT_JSON_KEY_NEXT(b, "tcp_state");
		nwt_json_string_bytes(b, nwt_tcp_state_name(p->tcp_state));
	}
	if (p->ifindex) {
		memset(key, 0, sizeof(key));
		memcpy(key, &p->ifindex, sizeof(p->ifindex));
		memcpy(key + 4, p->ifname, sizeof(p->ifname));
		put_cached(b, &ifaces, key, fmt_iface, rec);
	}
	if (rec->kind != NWT_REC_HOP)
		for (int i = 0; i < p->n_spans; i++) {
			/* Span names are plain identifiers: no escaping needed. */
			nwt_json_key(b, span_name(p->rx, udp, p->span_first[i], p->span_last[i]));
			nwt_json_us3(b, p->span_ns[i]);
		}
	if (p->http[0]) {
		NWT_JSON_KEY_NEXT(b, "http");
		nwt_json_string_bytes(b, p->http);
	}
	if (p->sock_id) {
		NWT_JSON_KEY_NEXT(b, "sock");
		nwt_json_hex_string(b, p->sock_id);
	}
	nwt_json_object_end(b);
	nwt_json_raw(b, "\n", 1);
	return nwt_json_len(b);
}

int nwt_packet_json_print(FILE *out, const struct nwt_record *rec)
{
	char buf[1024];
	size_t n = nwt_packet_json_format(rec, buf, sizeof(buf));

	return fwrite(buf, 1, n, out) == n ? 0 : -1;
}

#define PKT_ROW(row) ((const struct nwt_record *)(row))

static void cell_time(const void *row, char *cell, size_t len)
{
	uint64_t wall_ns = PKT_ROW(row)->wall_ns;
	time_t secs = (time_t)(wall_ns / 1000000000ULL);
	struct tm tm;
	size_t n;

	localtime_r(&secs, &tm);
	n = strftime(cell, len, "%H:%M:%S", &tm);
	snprintf(cell + n, len - n, ".%06llu", (unsigned long long)(wall_ns % 1000000000ULL / 1000));
}

static void cell_dir(const void *row, char *cell, size_t len)
{
	snprintf(cell, len, "%s", PKT_ROW(row)->packet.rx ? "rx" : "tx");
}

static void cell_pid(const void *row, char *cell, size_t len)
{
	snprintf(cell, len, PKT_ROW(row)->has_pid ? "%u" : "-", PKT_ROW(row)->pid);
}

static void cell_comm(const void *row, char *cell, size_t len)
{
	snprintf(cell, len, "%s", PKT_ROW(row)->has_pid ? PKT_ROW(row)->comm : "-");
}

static void cell_source(const void *row, char *cell, size_t len)
{
	const struct nwt_record *rec = row;

	nwt_format_endpoint(rec->family, rec->saddr, rec->sport, cell, len);
}

static void cell_dest(const void *row, char *cell, size_t len)
{
	const struct nwt_record *rec = row;

	nwt_format_endpoint(rec->family, rec->daddr, rec->dport, cell, len);
}

/* A UDP datagram in the TCP packet table (-t with -u) has no seq, ack or flags. */
static bool row_is_udp(const void *row)
{
	return PKT_ROW(row)->kind == NWT_REC_UDP;
}

static void cell_seq(const void *row, char *cell, size_t len)
{
	snprintf(cell, len, row_is_udp(row) ? "-" : "%u", PKT_ROW(row)->packet.seq);
}

static void cell_ack(const void *row, char *cell, size_t len)
{
	const struct nwt_packet_record *p = &PKT_ROW(row)->packet;

	snprintf(cell, len, p->has_ack ? "%u" : "-", p->ack);
}

static void cell_len(const void *row, char *cell, size_t len)
{
	snprintf(cell, len, "%u", PKT_ROW(row)->packet.payload_len);
}

static void cell_flags(const void *row, char *cell, size_t len)
{
	if (row_is_udp(row))
		snprintf(cell, len, "-");
	else
		nwt_tcp_flags_text(PKT_ROW(row)->packet.tcp_flags, cell, len);
}

static void cell_iface(const void *row, char *cell, size_t len)
{
	const char *ifname = PKT_ROW(row)->packet.ifname;

	snprintf(cell, len, "%s", ifname[0] ? ifname : "-");
}

/* Hops: the point.  Packets: every layer's time, "-" if unobserved, "^" if merged into the left. */
static void cell_layers(const void *row, char *last, size_t size)
{
	const struct nwt_packet_record *p = &PKT_ROW(row)->packet;
	int span = 0;
	size_t n = 0;

	if (PKT_ROW(row)->kind == NWT_REC_HOP) {
		snprintf(last, size, "%s", nwt_pkt_point_name(p->point));
		return;
	}
	for (int i = 0; i < NWT_LAYERS_PER_DIR && n < size; i++) {
		const char *name = nwt_pkt_layer_name(nwt_pkt_layer_of(p->rx, i), row_is_udp(row));
		int len = (int)(strlen(name) - 3);	/* without "_us" */

		while (span < p->n_spans && p->span_last[span] < i)
			span++;
		if (span < p->n_spans && p->span_first[span] == i)
			n += snprintf(last + n, size - n, "%s%.*s=%.1f", i ? " " : "", len, name,
				      p->span_ns[span] / 1000.0);
		else if (span < p->n_spans && p->span_first[span] < i)
			n += snprintf(last + n, size - n, "%s%.*s=^", i ? " " : "", len, name);
		else
			n += snprintf(last + n, size - n, "%s%.*s=-", i ? " " : "", len, name);
	}
	if (p->tcp_state && n < size)
		n += snprintf(last + n, size - n, " %s", nwt_tcp_state_name(p->tcp_state));
	if (p->http[0] && n < size)
		snprintf(last + n, size - n, " \"%s\"", p->http);
}

/* COMM and IF are cut to their widths; the other cells are as long as they come. */
static const struct nwt_table_column packet_columns[] = {
	{ "TIME", 15, false, 24, cell_time },
	{ "DR", 2, false, 0, cell_dir },
	{ "PID", 6, true, 12, cell_pid },
	{ "COMM", 7, false, 7 + 1, cell_comm },
	{ "SOURCE", 23, false, NWT_ENDPOINT_STRLEN, cell_source },
	{ "DEST", 23, false, NWT_ENDPOINT_STRLEN, cell_dest },
	{ "SEQ", 10, true, 0, cell_seq },
	{ "ACK", 10, true, 12, cell_ack },
	{ "LEN", 5, true, 0, cell_len },
	{ "FLAGS", 5, false, 12, cell_flags },
	{ "IF", 8, false, 8 + 1, cell_iface },
	{ "LAYERS (us) / POINT", 0, false, 160, cell_layers },
};

/* -u alone: what a datagram has. */
static const struct nwt_table_column udp_columns[] = {
	{ "TIME", 15, false, 24, cell_time },
	{ "DR", 2, false, 0, cell_dir },
	{ "PID", 6, true, 12, cell_pid },
	{ "COMM", 7, false, 7 + 1, cell_comm },
	{ "SOURCE", 23, false, NWT_ENDPOINT_STRLEN, cell_source },
	{ "DEST", 23, false, NWT_ENDPOINT_STRLEN, cell_dest },
	{ "LEN", 5, true, 0, cell_len },
	{ "IF", 8, false, 8 + 1, cell_iface },
	{ "LAYERS (us)", 0, false, 160, cell_layers },
};

static const struct nwt_table packet_table = {
	packet_columns, sizeof(packet_columns) / sizeof(packet_columns[0]), false
};
static const struct nwt_table udp_table = {
	udp_columns, sizeof(udp_columns) / sizeof(udp_columns[0]), false
};

/* The layout whose header was printed: every row follows it. */
static const struct nwt_table *packet_layout = &packet_table;

void nwt_packet_table_print_header(FILE *out)
{
	packet_layout = &packet_table;
	nwt_table_header(out, packet_layout);
}

void nwt_udp_table_print_header(FILE *out)
{
	packet_layout = &udp_table;
	nwt_table_header(out, packet_layout);
}

void nwt_packet_table_print(FILE *out, const struct nwt_record *rec)
{
	nwt_table_row(out, rec->kind == NWT_REC_UDP ? packet_layout : &packet_table, rec);
}
