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
#include "output/output.h"
#include "decode/packet_record.h"
#include "util/tcp_state.h"

struct jbuf {
	char *p;
	char *end;
};

static void put_raw(struct jbuf *b, const char *s, size_t n)
{
	if ((size_t)(b->end - b->p) <= n) {
		n = (size_t)(b->end - b->p);
		if (n)
			n--;
	}
	memcpy(b->p, s, n);
	b->p += n;
}

static void put_str(struct jbuf *b, const char *s)
{
	put_raw(b, s, strlen(s));
}

/* A JSON string with escapes; control characters as \u00XX.  Plain runs are copied whole. */
static void put_json_string(struct jbuf *b, const char *s)
{
	put_raw(b, "\"", 1);
	for (;;) {
		size_t run = 0;
		unsigned char c;
		char esc[8];

		while ((c = (unsigned char)s[run]) >= 0x20 && c != '"' && c != '\\')
			run++;
		put_raw(b, s, run);
		s += run;
		if (!c)
			break;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put_raw(b, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put_raw(b, esc, 6);
		}
		s++;
	}
	put_raw(b, "\"", 1);
}

static void put_u64(struct jbuf *b, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_raw(b, tmp + sizeof(tmp) - n, (size_t)n);
}

static void put_key(struct jbuf *b, const char *key)
{
	put_raw(b, ",\"", 2);
	put_str(b, key);
	put_raw(b, "\":", 2);
}

/* ,"key": for a literal key, its length known at compile time */
#define PUT_KEY(b, key) put_raw(b, ",\"" key "\":", sizeof(",\"" key "\":") - 1)

/* Nanoseconds as microseconds with three decimals: 12345 -> 12.345 */
static void put_us(struct jbuf *b, uint64_t ns)
{
	char frac[4] = { (char)('0' + ns / 100 % 10), (char)('0' + ns / 10 % 10),
			 (char)('0' + ns % 10), 0 };

	put_u64(b, ns / 1000);
	put_raw(b, ".", 1);
	put_raw(b, frac, 3);
}

static void put_hex(struct jbuf *b, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[18];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	tmp[sizeof(tmp) - 1 - n++] = 'x';
	tmp[sizeof(tmp) - 1 - n++] = '0';
	put_raw(b, tmp + sizeof(tmp) - n, (size_t)n);
}

/*
 * "2026-01-02T03:04:05.123456Z": records share their seconds part with the
 * previous one most of the time, so only the microseconds are formatted.
 */
static void put_iso8601(struct jbuf *b, uint64_t wall_ns)
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
	put_raw(b, cached, cached_len);
	put_raw(b, frac, sizeof(frac));
}

/* Addresses as JSON strings; IPv4, the common case, without inet_ntop. */
static void put_addr(struct jbuf *b, int family, const uint8_t *addr)
{
	char tmp[64];

	if (family != AF_INET) {
		put_json_string(b, nwt_format_addr(family, addr, tmp, sizeof(tmp)));
		return;
	}
	put_raw(b, "\"", 1);
	for (int i = 0; i < 4; i++) {
		if (i)
			put_raw(b, ".", 1);
		put_u64(b, addr[i]);
	}
	put_raw(b, "\"", 1);
}

/* "tcp_ip_us" and friends: a handful of names, built once. */
static const char *span_name(bool rx, int first, int last)
{
	static __thread char names[2][NWT_LAYERS_PER_DIR][NWT_LAYERS_PER_DIR][32];

	if (first < 0 || last >= NWT_LAYERS_PER_DIR || first > last)
		return "?";
	if (!names[rx][first][last][0])
		nwt_pkt_span_name(rx, first, last, names[rx][first][last],
				  sizeof(names[rx][first][last]));
	return names[rx][first][last];
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
static void put_cached(struct jbuf *b, struct frag_cache *c, const uint8_t *key,
		       void (*fmt)(struct jbuf *b, const struct nwt_record *rec),
		       const struct nwt_record *rec)
{
	const struct frag_entry *e = frag_find(c, key);
	char *start = b->p;

	if (e) {
		put_raw(b, e->text, e->len);
		return;
	}
	fmt(b, rec);
	if (b->end - b->p > 1)	/* put_raw() did not have to cut it */
		frag_store(c, key, start, (size_t)(b->p - start));
}

static void fmt_owner(struct jbuf *b, const struct nwt_record *rec)
{
	PUT_KEY(b, "pid");
	put_u64(b, rec->pid);
	PUT_KEY(b, "comm");
	put_json_string(b, rec->comm);
}

static void fmt_endpoints(struct jbuf *b, const struct nwt_record *rec)
{
	PUT_KEY(b, "family");
	put_json_string(b, rec->family == AF_INET6 ? "ipv6" : "ipv4");
	PUT_KEY(b, "saddr");
	put_addr(b, rec->family, rec->saddr);
	PUT_KEY(b, "sport");
	put_u64(b, rec->sport);
	PUT_KEY(b, "daddr");
	put_addr(b, rec->family, rec->daddr);
	PUT_KEY(b, "dport");
	put_u64(b, rec->dport);
}

static void fmt_iface(struct jbuf *b, const struct nwt_record *rec)
{
	PUT_KEY(b, "ifindex");
	put_u64(b, rec->packet.ifindex);
	PUT_KEY(b, "ifname");
	put_json_string(b, rec->packet.ifname);
}

size_t nwt_packet_json_format(const struct nwt_record *rec, char *out, size_t len)
{
	static __thread struct frag_cache owners, endpoints, ifaces;
	const struct nwt_packet_record *p = &rec->packet;
	struct jbuf b = { out, out + len };
	uint8_t key[FRAG_KEY_MAX];
	uint32_t v;
	char tmp[64];

	put_str(&b, "{\"type\":");
	put_json_string(&b, nwt_record_kind_name(rec->kind));
	PUT_KEY(&b, "ts");
	put_iso8601(&b, rec->wall_ns);
	if (rec->has_pid) {
		memset(key, 0, sizeof(key));
		memcpy(key, &rec->pid, sizeof(rec->pid));
		memcpy(key + 4, rec->comm, NWT_COMM_LEN);	/* with its NUL: keys stay distinct */
		put_cached(&b, &owners, key, fmt_owner, rec);
	}
	memset(key, 0, sizeof(key));
	memcpy(key, &rec->family, sizeof(rec->family));
	v = (uint32_t)rec->sport << 16 | rec->dport;
	memcpy(key + 4, &v, 4);
	memcpy(key + 8, rec->saddr, 16);
	memcpy(key + 24, rec->daddr, 16);
	put_cached(&b, &endpoints, key, fmt_endpoints, rec);
	PUT_KEY(&b, "dir");
	put_json_string(&b, p->rx ? "rx" : "tx");
	if (rec->kind == NWT_REC_HOP) {
		PUT_KEY(&b, "point");
		put_json_string(&b, nwt_pkt_point_name(p->point));
	}
	PUT_KEY(&b, "seq");
	put_u64(&b, p->seq);
	if (p->has_ack) {
		PUT_KEY(&b, "ack");
		put_u64(&b, p->ack);
	}
	PUT_KEY(&b, "len");
	put_u64(&b, p->payload_len);
	PUT_KEY(&b, "flags");
	put_json_string(&b, nwt_tcp_flags_text(p->tcp_flags, tmp, sizeof(tmp)));
	if (p->tcp_state) {
		PUT_KEY(&b, "tcp_state");
		put_json_string(&b, nwt_tcp_state_name(p->tcp_state));
	}
	if (p->ifindex) {
		memset(key, 0, sizeof(key));
		memcpy(key, &p->ifindex, sizeof(p->ifindex));
		memcpy(key + 4, p->ifname, sizeof(p->ifname));
		put_cached(&b, &ifaces, key, fmt_iface, rec);
	}
	if (rec->kind == NWT_REC_PACKET)
		for (int i = 0; i < p->n_spans; i++) {
			put_key(&b, span_name(p->rx, p->span_first[i], p->span_last[i]));
			put_us(&b, p->span_ns[i]);
		}
	if (p->http[0]) {
		PUT_KEY(&b, "http");
		put_json_string(&b, p->http);
	}
	if (p->sock_id) {
		PUT_KEY(&b, "sock");
		put_raw(&b, "\"", 1);
		put_hex(&b, p->sock_id);
		put_raw(&b, "\"", 1);
	}
	put_raw(&b, "}\n", 2);
	return (size_t)(b.p - out);
}

int nwt_packet_json_print(FILE *out, const struct nwt_record *rec)
{
	char buf[1024];
	size_t n = nwt_packet_json_format(rec, buf, sizeof(buf));

	return fwrite(buf, 1, n, out) == n ? 0 : -1;
}

void nwt_packet_table_print_header(FILE *out)
{
	fprintf(out, "%-15s %-2s %6s %-7s %-23s %-23s %10s %10s %5s %-5s %-8s %s\n", "TIME", "DR",
		"PID", "COMM", "SOURCE", "DEST", "SEQ", "ACK", "LEN", "FLAGS", "IF",
		"LAYERS (us) / POINT");
}

void nwt_packet_table_print(FILE *out, const struct nwt_record *rec)
{
	const struct nwt_packet_record *p = &rec->packet;
	char when[24], src[NWT_ENDPOINT_STRLEN], dst[NWT_ENDPOINT_STRLEN], pid[12], ack[12];
	char flags[12], last[160];
	time_t secs = (time_t)(rec->wall_ns / 1000000000ULL);
	struct tm tm;
	size_t n = 0;

	localtime_r(&secs, &tm);
	n = strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(when + n, sizeof(when) - n, ".%06llu",
		 (unsigned long long)(rec->wall_ns % 1000000000ULL / 1000));
	snprintf(pid, sizeof(pid), rec->has_pid ? "%u" : "-", rec->pid);
	snprintf(ack, sizeof(ack), p->has_ack ? "%u" : "-", p->ack);
	nwt_format_endpoint(rec->family, rec->saddr, rec->sport, src, sizeof(src));
	nwt_format_endpoint(rec->family, rec->daddr, rec->dport, dst, sizeof(dst));
	if (rec->kind == NWT_REC_HOP) {
		snprintf(last, sizeof(last), "%s", nwt_pkt_point_name(p->point));
	} else {
		int span = 0;

		n = 0;
		/* Every layer gets a cell: its time, "-" if unobserved, "^" if merged into the left. */
		for (int i = 0; i < NWT_LAYERS_PER_DIR && n < sizeof(last); i++) {
			const char *name = nwt_pkt_layer_name(nwt_pkt_layer_of(p->rx, i));
			int len = (int)(strlen(name) - 3);	/* without "_us" */

			while (span < p->n_spans && p->span_last[span] < i)
				span++;
			if (span < p->n_spans && p->span_first[span] == i)
				n += snprintf(last + n, sizeof(last) - n, "%s%.*s=%.1f", i ? " " : "",
					      len, name, p->span_ns[span] / 1000.0);
			else if (span < p->n_spans && p->span_first[span] < i)
				n += snprintf(last + n, sizeof(last) - n, "%s%.*s=^", i ? " " : "",
					      len, name);
			else
				n += snprintf(last + n, sizeof(last) - n, "%s%.*s=-", i ? " " : "",
					      len, name);
		}
		if (p->tcp_state && n < sizeof(last))
			n += snprintf(last + n, sizeof(last) - n, " %s", nwt_tcp_state_name(p->tcp_state));
		if (p->http[0] && n < sizeof(last))
			snprintf(last + n, sizeof(last) - n, " \"%s\"", p->http);
	}
	fprintf(out, "%-15s %-2s %6s %-7.7s %-23s %-23s %10u %10s %5u %-5s %-8.8s %s\n", when,
		p->rx ? "rx" : "tx", pid, rec->has_pid ? rec->comm : "-", src, dst, p->seq, ack,
		p->payload_len, nwt_tcp_flags_text(p->tcp_flags, flags, sizeof(flags)),
		p->ifname[0] ? p->ifname : "-", last);
}
