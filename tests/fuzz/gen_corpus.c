/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes the binary seeds of tests/fuzz/corpus: ring-buffer sessions for
 * fuzz_records, built from the structs of probes/nwtrace_events.h as the
 * probes fill them, and small BTF blobs for fuzz_btf, built with libbpf's
 * btf__add_*() in the shapes nwtrace looks up in vmlinux BTF (sock with
 * __sk_common, sk_buff with members in anonymous unions, the reason enums,
 * 6.1's bio_vec and 6.18's skb_frag).  The text seeds of the other harnesses
 * are plain files in the tree.  Output is the same on every run, so that
 * regenerating after a record layout change shows only what changed:
 *
 *   build-fuzz/tests/fuzz/fuzz_gen_corpus tests/fuzz/corpus
 */
#include <arpa/inet.h>
#include <bpf/btf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "probes/nwtrace_events.h"
#include "fuzz_records.h"

#define SOCK_A 0xffff888104470a00ULL
#define SOCK_B 0xffff888104471b00ULL
#define T0 5000000000000ULL		/* a monotonic time: 5000 s after boot */
#define WALL 1767225600000000000LL	/* 2026-01-01T00:00:00Z - T0 is close enough */
#define PKT_SHORT (sizeof(struct nwt_packet_event) - NWT_HTTP_LEN)

/* TCP states as the kernel numbers them */
enum { ESTABLISHED = 1, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE,
       CLOSE_WAIT, LAST_ACK, LISTEN };

struct seed {
	uint8_t bytes[65536];
	size_t len;
};

static const char *out_dir;

static void put(struct seed *s, const void *data, size_t len)
{
	if (s->len + len > sizeof(s->bytes)) {
		fprintf(stderr, "gen_corpus: seed too large\n");
		exit(1);
	}
	memcpy(s->bytes + s->len, data, len);
	s->len += len;
}

static void put_u64(struct seed *s, uint64_t v)
{
	put(s, &v, sizeof(v));
}

static void start(struct seed *s, uint8_t switches)
{
	s->len = 0;
	put(s, &switches, 1);
	put_u64(s, (uint64_t)WALL);
}

static void entry(struct seed *s, unsigned int kind, const void *data, size_t len)
{
	uint16_t head = (uint16_t)(len | kind);

	put(s, &head, sizeof(head));
	put(s, data, len);
}

static void poll_end(struct seed *s, const void *data, size_t len, uint64_t now)
{
	entry(s, ENTRY_POLL_END, data, len);
	put_u64(s, now);
}

static void write_file(const char *harness, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, harness);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", out_dir, harness, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void write_seed(const char *name, const struct seed *s)
{
	write_file("fuzz_records", name, s->bytes, s->len);
}

static void flow4(struct nwt_flow *f, const char *src, uint16_t sport, const char *dst,
		  uint16_t dport)
{
	memset(f, 0, sizeof(*f));
	inet_pton(AF_INET, src, f->saddr);
	inet_pton(AF_INET, dst, f->daddr);
	f->sport = sport;
	f->dport = dport;
	f->family = AF_INET;
}

static void flow6(struct nwt_flow *f, const char *src, uint16_t sport, const char *dst,
		  uint16_t dport)
{
	memset(f, 0, sizeof(*f));
	inet_pton(AF_INET6, src, f->saddr);
	inet_pton(AF_INET6, dst, f->daddr);
	f->sport = sport;
	f->dport = dport;
	f->family = AF_INET6;
}

static void header(struct nwt_event_header *h, uint32_t type, uint64_t ts, uint32_t pid,
		   const char *comm)
{
	h->ts_ns = ts;
	h->type = type;
	h->pid = pid;
	strncpy(h->comm, comm, sizeof(h->comm));
}

static struct nwt_tcp_state_event state_event(uint64_t ts, int old_state, int new_state,
					      uint8_t role)
{
	struct nwt_tcp_state_event e;

	memset(&e, 0, sizeof(e));
	header(&e.hdr, NWT_EVENT_TCP_STATE, ts, 4242, "curl");
	e.sock_id = SOCK_A;
	flow4(&e.flow, "10.0.0.1", 40000, "10.0.0.2", 80);
	e.old_state = (uint8_t)old_state;
	e.new_state = (uint8_t)new_state;
	e.role = role;
	e.flags = NWT_STATE_F_OWNER_KNOWN | NWT_STATE_F_STATE_TIME;
	e.state_ns = 1234567;
	if (new_state == CLOSE) {
		e.flags |= NWT_STATE_F_LIFETIME;
		e.lifetime_ns = 2500000000ULL;
	}
	return e;
}

static void lifecycle(uint8_t switches, const char *name)
{
	struct nwt_tcp_state_event e[] = {
		state_event(T0, CLOSE, SYN_SENT, NWT_ROLE_CLIENT),
		state_event(T0 + 1000, SYN_SENT, ESTABLISHED, NWT_ROLE_CLIENT),
		state_event(T0 + 2000, SYN_RECV, ESTABLISHED, NWT_ROLE_SERVER),
		state_event(T0 + 3000, CLOSE, LISTEN, NWT_ROLE_LISTENER),
		state_event(T0 + 4000, ESTABLISHED, FIN_WAIT1, NWT_ROLE_CLIENT),
		state_event(T0 + 5000, FIN_WAIT2, CLOSE, NWT_ROLE_CLIENT),
	};
	struct seed s;

	e[2].flow.family = AF_INET6;
	flow6(&e[2].flow, "2001:db8::1", 443, "2001:db8::2", 51000);
	e[3].flags = 0;	/* the owner of a listener that predates tracing */
	start(&s, switches);
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]) - 1; i++)
		entry(&s, 0, &e[i], sizeof(e[i]));
	poll_end(&s, &e[5], sizeof(e[5]), T0 + 10000);
	write_seed(name, &s);
}

static struct nwt_packet_event packet(uint32_t type, uint64_t ts, bool rx)
{
	struct nwt_packet_event e;

	memset(&e, 0, sizeof(e));
	header(&e.hdr, type, ts, 4242, "curl");
	e.sock_id = SOCK_A;
	e.direction = rx ? NWT_DIR_RX : NWT_DIR_TX;
	if (rx)
		flow4(&e.flow, "10.0.0.2", 80, "10.0.0.1", 40000);
	else
		flow4(&e.flow, "10.0.0.1", 40000, "10.0.0.2", 80);
	e.seq = 1000;
	e.ack = 2000;
	e.payload_len = 517;
	e.ifindex = 2;
	strncpy(e.ifname, "eth0", sizeof(e.ifname));
	e.flags = NWT_PKT_F_OWNER_KNOWN | NWT_PKT_F_HAS_ACK;
	e.tcp_flags = 0x18;	/* PA */
	for (int i = 0; i < NWT_PT_PER_DIR; i++)
		e.point_ns[i] = ts - 4000 + 1000 * (uint64_t)i;
	return e;
}

static void packets(void)
{
	struct nwt_packet_event tx = packet(NWT_EVENT_PACKET, T0 + 10000, false);
	struct nwt_packet_event rx = packet(NWT_EVENT_PACKET, T0 + 20000, true);
	struct nwt_packet_event read = packet(NWT_EVENT_PKT_READ, T0 + 30000, true);
	struct nwt_packet_event syn = packet(NWT_EVENT_PACKET, T0 + 40000, true);
	struct nwt_packet_event v6 = packet(NWT_EVENT_PACKET, T0 + 50000, false);
	struct seed s;

	rx.flags |= NWT_PKT_F_AWAITS_READ;
	rx.point_ns[NWT_PT_RX_SOCK - NWT_PT_RX_DEV] = 0;
	rx.hdr.pid = 0;
	memset(rx.hdr.comm, 0, sizeof(rx.hdr.comm));
	strncpy(read.hdr.comm, "nginx", sizeof(read.hdr.comm));
	read.hdr.pid = 777;
	/* a SYN reported at IP: the listener's state rides in the flags */
	syn.flags = (uint32_t)LISTEN << NWT_PKT_F_STATE_SHIFT;
	syn.tcp_flags = 0x02;
	syn.payload_len = 0;
	syn.point_ns[2] = syn.point_ns[3] = 0;
	flow6(&v6.flow, "2001:db8::1", 40000, "fe80::1", 80);
	v6.point_ns[1] = 0;	/* an unobserved boundary: tcp and ip merge */

	start(&s, SW_JSON);
	entry(&s, 0, &tx, PKT_SHORT);
	entry(&s, 0, &rx, PKT_SHORT);
	entry(&s, 0, &read, PKT_SHORT);
	entry(&s, 0, &syn, PKT_SHORT);
	poll_end(&s, &v6, PKT_SHORT, T0 + 60000);
	write_seed("packets_json", &s);
	s.bytes[0] = 0;
	write_seed("packets_table", &s);
	s.bytes[0] = SW_STATS;
	write_seed("packets_stats", &s);
	s.bytes[0] = SW_STATS | SW_JSON;
	write_seed("packets_stats_json", &s);
}

static void hops(void)
{
	static const uint8_t points[] = { NWT_PT_TX_TCP, NWT_PT_TX_IP, NWT_PT_TX_QUEUE,
					  NWT_PT_TX_XMIT, NWT_PT_RX_DEV, NWT_PT_RX_IP,
					  NWT_PT_RX_TCP_ENTRY, NWT_PT_RX_TCP };
	struct seed s;

	start(&s, SW_JSON);
	for (size_t i = 0; i < sizeof(points); i++) {
		struct nwt_packet_event e = packet(NWT_EVENT_HOP, T0 + 1000 * i, points[i] >= 4);

		e.point = points[i];
		memset(e.point_ns, 0, sizeof(e.point_ns));
		e.point_ns[0] = T0 + 1000 * i;
		entry(&s, 0, &e, PKT_SHORT);
	}
	write_seed("hops_json", &s);
	s.bytes[0] = SW_STATS;
	write_seed("hops_stats", &s);
}

/* A per-CPU batch: a header, then count records of record_size bytes. */
static void batch(void)
{
	uint8_t buf[sizeof(struct nwt_batch_header) + 3 * PKT_SHORT];
	struct nwt_batch_header h;
	struct seed s;

	memset(&h, 0, sizeof(h));
	h.hdr.type = NWT_EVENT_BATCH;
	h.count = 3;
	h.record_size = PKT_SHORT;
	memcpy(buf, &h, sizeof(h));
	for (int i = 0; i < 3; i++) {
		/* a CPU's batch holds its records in its own order: the later first */
		struct nwt_packet_event e = packet(NWT_EVENT_PACKET, T0 + 3000 - 1000 * i, i & 1);

		e.seq += (uint32_t)i * 517;
		memcpy(buf + sizeof(h) + i * PKT_SHORT, &e, PKT_SHORT);
	}
	start(&s, SW_JSON);
	poll_end(&s, buf, sizeof(buf), T0 + 10000);
	write_seed("batch_json", &s);
	s.bytes[0] = 0;
	write_seed("batch_table", &s);

	/* a header that promises more than the entry holds */
	h.count = 4;
	memcpy(buf, &h, sizeof(h));
	start(&s, 0);
	entry(&s, 0, buf, sizeof(buf));
	write_seed("batch_short", &s);
}

static void http(void)
{
	static const char request[] = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n";
	static const char status[] = "HTTP/1.1 404 Not Found\r\nServer: nginx\r\n";
	struct nwt_packet_event req = packet(NWT_EVENT_PACKET, T0 + 1000, false);
	struct nwt_packet_event resp = packet(NWT_EVENT_PACKET, T0 + 2000, true);
	struct nwt_packet_event cut = packet(NWT_EVENT_PACKET, T0 + 3000, false);
	struct seed s;

	memcpy(req.http, request, sizeof(request) - 1);
	req.http_len = sizeof(request) - 1;
	memcpy(resp.http, status, sizeof(status) - 1);
	resp.http_len = sizeof(status) - 1;
	/* a request line longer than the bytes the probe keeps */
	memcpy(cut.http, "POST /", 6);
	memset(cut.http + 6, 'a', NWT_HTTP_LEN - 6);
	cut.http_len = NWT_HTTP_LEN;
	start(&s, SW_JSON);
	entry(&s, 0, &req, sizeof(req));
	entry(&s, 0, &resp, sizeof(resp));
	entry(&s, 0, &cut, sizeof(cut));
	write_seed("http_json", &s);
	s.bytes[0] = 0;
	write_seed("http_table", &s);
}

/* Records one byte short of their layout, and longer than it. */
static void truncated_and_oversized(void)
{
	struct nwt_tcp_state_event st = state_event(T0, CLOSE, SYN_SENT, NWT_ROLE_CLIENT);
	struct nwt_packet_event p = packet(NWT_EVENT_PACKET, T0 + 1000, false);
	struct nwt_fault_event f;
	uint8_t big[sizeof(p) + 64];
	struct seed s;

	memset(&f, 0, sizeof(f));
	header(&f.hdr, NWT_EVENT_PACKET_FAULT, T0, 0, "");
	f.kind = NWT_FAULT_DROP;
	memset(big, 0x5a, sizeof(big));
	memcpy(big, &p, sizeof(p));
	start(&s, SW_JSON);
	entry(&s, 0, &st, sizeof(st) - 1);
	entry(&s, 0, &p, PKT_SHORT - 1);
	entry(&s, 0, &p, PKT_SHORT + 10);	/* http[] cut */
	entry(&s, 0, big, sizeof(big));
	entry(&s, 0, &f, sizeof(f) - 1);
	entry(&s, 0, &st, 4);
	entry(&s, 0, &st, 0);
	write_seed("truncated_oversized", &s);
}

static struct nwt_conn_sample conn_sample(uint64_t sock, uint64_t ts, int state, uint8_t role)
{
	struct nwt_conn_sample c;

	memset(&c, 0, sizeof(c));
	header(&c.hdr, NWT_EVENT_CONN, ts, 4242, "iperf3");
	c.sock_id = sock;
	c.opened_ns = ts - 3000000000ULL;
	c.bytes_acked = 123456789;
	c.bytes_received = 4096;
	flow4(&c.flow, "10.0.0.1", 40000, "10.0.0.2", 5201);
	c.flags = NWT_CONN_F_OWNER_KNOWN | NWT_CONN_F_OPENED | NWT_CONN_F_RETRANS_COUNTS;
	c.snd_cwnd = 10;
	c.snd_ssthresh = 0x7fffffff;
	c.srtt_us8 = 8 * 250;
	c.rcv_wnd = 65535;
	c.total_retrans = 3;
	c.fast_retrans = 2;
	c.timeout_retrans = 1;
	c.sndbuf = 87040;
	c.wmem_queued = 1280;
	c.state = (uint8_t)state;
	c.role = role;
	return c;
}

/* -x: an iterator pass, then a connection's final sample through the ring. */
static void conns(void)
{
	struct nwt_conn_sample pass[3] = {
		conn_sample(SOCK_A, T0, ESTABLISHED, NWT_ROLE_CLIENT),
		conn_sample(SOCK_B, T0, LISTEN, NWT_ROLE_LISTENER),
		conn_sample(SOCK_B + 0x100, T0, ESTABLISHED, NWT_ROLE_SERVER),
	};
	struct nwt_conn_sample closed = conn_sample(SOCK_A, T0 + 5000, CLOSE, NWT_ROLE_CLIENT);
	struct seed s;

	pass[1].ack_backlog = 3;
	pass[1].max_ack_backlog = 128;
	pass[2].snd_ssthresh = 20;
	closed.flags |= NWT_CONN_F_CLOSED;
	start(&s, SW_CONN | SW_KEEP_CLOSED);
	entry(&s, ENTRY_ITER, pass, sizeof(pass));
	poll_end(&s, &closed, sizeof(closed), T0 + 10000);
	entry(&s, ENTRY_ITER, pass + 1, sizeof(pass) - sizeof(pass[0]) - 7);	/* a cut pass */
	write_seed("conns_table", &s);
	s.bytes[0] = SW_CONN | SW_JSON;
	write_seed("conns_json", &s);
}

static void retrans(void)
{
	struct nwt_retrans_event e;
	struct seed s;

	memset(&e, 0, sizeof(e));
	header(&e.hdr, NWT_EVENT_TCP_RETRANS, T0, 4242, "iperf3");
	e.sock_id = SOCK_A;
	flow4(&e.flow, "10.0.0.1", 40000, "10.0.0.2", 5201);
	e.seq = 123456;
	e.fast_retrans = 1;
	e.flags = NWT_RETRANS_F_OWNER_KNOWN | NWT_RETRANS_F_SEQ;
	e.state = ESTABLISHED;
	e.role = NWT_ROLE_CLIENT;
	start(&s, SW_JSON | SW_STATE);
	entry(&s, 0, &e, sizeof(e));
	e.flags |= NWT_RETRANS_F_ERR;
	e.err = -105;	/* -ENOBUFS */
	e.timeout_retrans = 1;
	entry(&s, 0, &e, sizeof(e));
	{
		struct nwt_tcp_state_event st = state_event(T0 + 100, ESTABLISHED, CLOSE_WAIT,
							    NWT_ROLE_SERVER);

		entry(&s, 0, &st, sizeof(st));
	}
	write_seed("retrans_state_json", &s);
	s.bytes[0] = SW_STATE;
	write_seed("retrans_state_table", &s);
}

static struct nwt_fault_event fault(uint32_t kind, uint64_t ts)
{
	struct nwt_fault_event f;

	memset(&f, 0, sizeof(f));
	header(&f.hdr, NWT_EVENT_PACKET_FAULT, ts, 0, "");
	f.kind = kind;
	f.location = 0xffffffff81b0008cULL;	/* nf_hook_slow+0x8c in the harness's symbols */
	f.sock_id = SOCK_A;
	flow4(&f.flow, "10.0.0.2", 80, "10.0.0.1", 40000);
	f.flags = NWT_FAULT_F_REASON | NWT_FAULT_F_LOCATION | NWT_FAULT_F_FLOW |
		  NWT_FAULT_F_PORTS | NWT_FAULT_F_TCP_FLAGS | NWT_FAULT_F_IFACE |
		  NWT_FAULT_F_L3PROTO | NWT_FAULT_F_IP_PROTO;
	f.reason = 3;
	f.seq = 1000;
	f.ack = 2000;
	f.ifindex = 2;
	f.l3proto = 0x0800;
	f.ip_proto = 6;
	f.tcp_flags = 0x10;
	f.sk_state = ESTABLISHED;
	strncpy(f.ifname, "eth0", sizeof(f.ifname));
	return f;
}

static void faults(void)
{
	struct nwt_fault_event f[] = {
		fault(NWT_FAULT_DROP, T0),
		fault(NWT_FAULT_BAD_CSUM, T0 + 1000),
		fault(NWT_FAULT_INVALID_SEQ, T0 + 2000),
		fault(NWT_FAULT_RESET_SENT, T0 + 3000),
		fault(NWT_FAULT_RESET_RECEIVED, T0 + 4000),
		fault(NWT_FAULT_DROP, T0 + 5000),
	};
	struct seed s;

	f[1].flags &= ~NWT_FAULT_F_REASON;
	f[2].reason = 40;
	f[2].flags |= NWT_FAULT_F_SEQ | NWT_FAULT_F_ACK | NWT_FAULT_F_STATE | NWT_FAULT_F_SOCK;
	f[3].reason = 1;
	f[3].flags |= NWT_FAULT_F_OWNER | NWT_FAULT_F_SEQ;
	f[3].hdr.pid = 4242;
	strncpy(f[3].hdr.comm, "nginx", sizeof(f[3].hdr.comm));
	f[4].flags |= NWT_FAULT_F_STATE;
	/* a dropped ARP frame: no flow, a subsystem-encoded reason */
	f[5].flags = NWT_FAULT_F_REASON | NWT_FAULT_F_LOCATION | NWT_FAULT_F_L3PROTO |
		     NWT_FAULT_F_IFACE;
	f[5].l3proto = 0x0806;
	f[5].reason = 0x30002;
	start(&s, SW_JSON | SW_REASONS | SW_KSYMS);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		entry(&s, 0, &f[i], sizeof(f[i]));
	write_seed("faults_json", &s);
	s.bytes[0] = SW_REASONS | SW_KSYMS;
	write_seed("faults_table", &s);
	s.bytes[0] = SW_JSON;
	write_seed("faults_json_numbers", &s);
}

/* Reads arrive before the segment they cover (another CPU's batch), or never. */
static void rx_join(void)
{
	struct nwt_packet_event read = packet(NWT_EVENT_PKT_READ, T0 + 5000, true);
	struct nwt_packet_event seg = packet(NWT_EVENT_PACKET, T0 + 1000, true);
	struct nwt_packet_event unread = packet(NWT_EVENT_PACKET, T0 + 2000, true);
	struct seed s;

	read.seq = 900;
	read.payload_len = 2000;
	seg.flags |= NWT_PKT_F_AWAITS_READ;
	unread.flags |= NWT_PKT_F_AWAITS_READ;
	unread.sock_id = SOCK_B;
	start(&s, SW_JSON);
	poll_end(&s, &read, PKT_SHORT, T0 + 6000);
	entry(&s, 0, &seg, PKT_SHORT);
	poll_end(&s, &unread, sizeof(unread), T0 + 5000000000ULL);
	write_seed("rx_join_json", &s);
}

/* Records nwtrace does not know: a newer probe's type, a batch of batches. */
static void unknown(void)
{
	struct nwt_event_header h;
	uint8_t nested[2 * sizeof(struct nwt_batch_header)];
	struct nwt_batch_header b;
	struct seed s;

	memset(&h, 0, sizeof(h));
	header(&h, 99, T0, 1, "x");
	memset(&b, 0, sizeof(b));
	b.hdr.type = NWT_EVENT_BATCH;
	b.count = 1;
	b.record_size = sizeof(b);
	memcpy(nested, &b, sizeof(b));
	memcpy(nested + sizeof(b), &b, sizeof(b));
	start(&s, 0);
	entry(&s, 0, &h, sizeof(h));
	entry(&s, 0, nested, sizeof(nested));
	write_seed("unknown_types", &s);
}

/* BTF: the names and shapes kernel_offsets.c and drop_reasons.c look up. */
static int add_enum(struct btf *btf, const char *name, const char *const *values, int n,
		    int first)
{
	int id = btf__add_enum(btf, name, 4);

	for (int i = 0; i < n; i++)
		btf__add_enum_value(btf, values[i], first + i);
	return id;
}

static void write_btf(const char *name, struct btf *btf)
{
	__u32 size;
	const void *raw = btf__raw_data(btf, &size);

	if (!raw) {
		fprintf(stderr, "gen_corpus: %s: no raw BTF\n", name);
		exit(1);
	}
	write_file("fuzz_btf", name, raw, size);
	btf__free(btf);
}

static void btf_kernel(void)
{
	static const char *const reasons[] = {
		"SKB_DROP_REASON_NOT_DROPPED_YET", "SKB_CONSUMED", "SKB_DROP_REASON_NOT_SPECIFIED",
		"SKB_DROP_REASON_NO_SOCKET", "SKB_DROP_REASON_TCP_INVALID_SEQUENCE",
	};
	static const char *const subsys[] = { "SKB_DROP_REASON_SUBSYS_CORE",
					      "SKB_DROP_REASON_SUBSYS_MAC80211_UNUSABLE",
					      "SKB_DROP_REASON_SUBSYS_OPENVSWITCH" };
	static const char *const rst[] = { "SK_RST_REASON_NOT_SPECIFIED", "SK_RST_REASON_NO_SOCKET" };
	struct btf *btf = btf__new_empty();
	int u8, u16, u32, u64, vu8, be16, void_ptr, u8_ptr, bytes16, bytes48;
	int ns_common, net, net_ptr, possible_net, possible_net_t, in6, addrs, hash, common;
	int backlog, sock, sock_ptr, netdev, netdev_ptr, next, proto;

	/* btf__add_field() adds to the type added last: referenced types come first */
	u8 = btf__add_int(btf, "unsigned char", 1, 0);
	u16 = btf__add_int(btf, "short unsigned int", 2, 0);
	u32 = btf__add_int(btf, "unsigned int", 4, 0);
	u64 = btf__add_int(btf, "long long unsigned int", 8, 0);
	vu8 = btf__add_volatile(btf, u8);
	be16 = btf__add_typedef(btf, "__be16", u16);
	void_ptr = btf__add_ptr(btf, 0);
	u8_ptr = btf__add_ptr(btf, u8);
	bytes16 = btf__add_array(btf, u32, u8, 16);
	bytes48 = btf__add_array(btf, u32, u8, 48);

	ns_common = btf__add_struct(btf, "ns_common", 16);
	btf__add_field(btf, "stashed", u64, 0, 0);
	btf__add_field(btf, "inum", u32, 64, 0);
	net = btf__add_struct(btf, "net", 64);
	btf__add_field(btf, "ns", ns_common, 128, 0);
	net_ptr = btf__add_ptr(btf, net);
	possible_net = btf__add_struct(btf, NULL, 8);
	btf__add_field(btf, "net", net_ptr, 0, 0);
	possible_net_t = btf__add_typedef(btf, "possible_net_t", possible_net);
	in6 = btf__add_struct(btf, "in6_addr", 16);
	btf__add_field(btf, "s6_addr", bytes16, 0, 0);

	/* __sk_common's addresses sit in an anonymous struct in an anonymous union */
	addrs = btf__add_struct(btf, NULL, 8);
	btf__add_field(btf, "skc_daddr", u32, 0, 0);
	btf__add_field(btf, "skc_rcv_saddr", u32, 32, 0);
	hash = btf__add_union(btf, NULL, 8);
	btf__add_field(btf, "skc_addrpair", u64, 0, 0);
	btf__add_field(btf, NULL, addrs, 0, 0);
	common = btf__add_struct(btf, "sock_common", 136);
	btf__add_field(btf, NULL, hash, 0, 0);
	btf__add_field(btf, "skc_dport", be16, 96, 0);
	btf__add_field(btf, "skc_num", u16, 112, 0);
	btf__add_field(btf, "skc_family", u16, 128, 0);
	btf__add_field(btf, "skc_state", vu8, 144, 0);
	btf__add_field(btf, "skc_reuse", u8, 152, 4);
	btf__add_field(btf, "skc_net", possible_net_t, 384, 0);
	btf__add_field(btf, "skc_v6_daddr", in6, 448, 0);
	btf__add_field(btf, "skc_v6_rcv_saddr", in6, 576, 0);

	backlog = btf__add_struct(btf, NULL, 24);
	btf__add_field(btf, "rmem_alloc", u32, 0, 0);
	btf__add_field(btf, "len", u32, 32, 0);
	btf__add_field(btf, "head", void_ptr, 64, 0);
	btf__add_field(btf, "tail", void_ptr, 128, 0);
	sock = btf__add_struct(btf, "sock", 760);
	btf__add_field(btf, "__sk_common", common, 0, 0);
	btf__add_field(btf, "sk_backlog", backlog, 1536, 0);
	btf__add_field(btf, "sk_sndbuf", u32, 2048, 0);
	btf__add_field(btf, "sk_wmem_queued", u32, 2080, 0);
	btf__add_field(btf, "sk_ack_backlog", u32, 2112, 0);
	btf__add_field(btf, "sk_max_ack_backlog", u32, 2144, 0);
	sock_ptr = btf__add_ptr(btf, sock);
	btf__add_struct(btf, "tcp_sock", 2200);
	btf__add_field(btf, "inet_conn", sock, 0, 0);
	btf__add_field(btf, "write_seq", u32, 12000, 0);
	btf__add_field(btf, "copied_seq", u32, 12032, 0);
	btf__add_field(btf, "snd_cwnd", u32, 12064, 0);
	btf__add_field(btf, "srtt_us", u32, 12096, 0);
	btf__add_field(btf, "bytes_acked", u64, 12160, 0);

	netdev = btf__add_struct(btf, "net_device", 2048);
	btf__add_field(btf, "name", bytes16, 0, 0);
	btf__add_field(btf, "ifindex", u32, 1792, 0);
	netdev_ptr = btf__add_ptr(btf, netdev);
	next = btf__add_union(btf, NULL, 24);
	btf__add_field(btf, "next", void_ptr, 0, 0);
	btf__add_field(btf, "rbnode", u64, 0, 0);
	btf__add_struct(btf, "sk_buff", 232);
	btf__add_field(btf, NULL, next, 0, 0);
	btf__add_field(btf, "sk", sock_ptr, 192, 0);
	btf__add_field(btf, "dev", netdev_ptr, 256, 0);
	btf__add_field(btf, "cb", bytes48, 320, 0);
	btf__add_field(btf, "len", u32, 896, 0);
	btf__add_field(btf, "queue_mapping", u16, 1024, 0);
	btf__add_field(btf, "protocol", be16, 1440, 0);
	btf__add_field(btf, "network_header", u16, 1472, 0);
	btf__add_field(btf, "tail", u32, 1536, 0);
	btf__add_field(btf, "end", u32, 1568, 0);
	btf__add_field(btf, "head", u8_ptr, 1600, 0);
	btf__add_field(btf, "data", u8_ptr, 1664, 0);

	add_enum(btf, "skb_drop_reason", reasons, 5, 0);
	add_enum(btf, "skb_drop_reason_subsys", subsys, 3, 0);
	add_enum(btf, "sk_rst_reason", rst, 2, 0);
	proto = btf__add_func_proto(btf, u64);
	btf__add_func_param(btf, "map", void_ptr);
	btf__add_func(btf, "bpf_sk_storage_get_tracing", BTF_FUNC_GLOBAL, proto);
	write_btf("kernel_shapes", btf);
}

/* 6.1's page fragments are struct bio_vec; 6.18's are struct skb_frag. */
static void btf_frags(void)
{
	struct btf *btf = btf__new_empty();
	int u32 = btf__add_int(btf, "unsigned int", 4, 0);
	int ulong = btf__add_int(btf, "long unsigned int", 8, 0);
	int page, page_ptr, bio_vec;

	page = btf__add_struct(btf, "page", 64);
	btf__add_field(btf, "flags", ulong, 0, 0);
	page_ptr = btf__add_ptr(btf, page);
	bio_vec = btf__add_struct(btf, "bio_vec", 16);
	btf__add_field(btf, "bv_page", page_ptr, 0, 0);
	btf__add_field(btf, "bv_len", u32, 64, 0);
	btf__add_field(btf, "bv_offset", u32, 96, 0);
	btf__add_typedef(btf, "skb_frag_t", bio_vec);
	write_btf("frags_6_1", btf);

	btf = btf__new_empty();
	u32 = btf__add_int(btf, "unsigned int", 4, 0);
	ulong = btf__add_int(btf, "long unsigned int", 8, 0);
	btf__add_struct(btf, "skb_frag", 16);
	btf__add_field(btf, "netmem", ulong, 0, 0);
	btf__add_field(btf, "len", u32, 64, 0);
	btf__add_field(btf, "offset", u32, 96, 0);
	write_btf("frags_6_18", btf);
}

/* Typedef and modifier chains, bitfields, a path through a non-struct. */
static void btf_chains(void)
{
	struct btf *btf = btf__new_empty();
	int i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int inner, t;

	inner = btf__add_struct(btf, "inner", 8);
	btf__add_field(btf, "a", i32, 0, 0);
	btf__add_field(btf, "flags", i32, 32, 3);
	t = btf__add_const(btf, btf__add_volatile(btf, btf__add_typedef(btf, "inner_t", inner)));
	btf__add_struct(btf, "outer", 24);
	btf__add_field(btf, "x", i32, 0, 0);
	btf__add_field(btf, "in", t, 64, 0);
	btf__add_field(btf, "odd", i32, 132, 0);
	btf__add_union(btf, "u", 8);
	btf__add_field(btf, "in", inner, 0, 0);
	btf__add_field(btf, NULL, inner, 0, 0);
	write_btf("typedef_chains", btf);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	lifecycle(0, "lifecycle_table");
	lifecycle(SW_JSON, "lifecycle_json");
	lifecycle(SW_STATE | SW_JSON, "transitions_json");
	packets();
	hops();
	batch();
	http();
	truncated_and_oversized();
	conns();
	retrans();
	faults();
	rx_join();
	unknown();
	btf_kernel();
	btf_frags();
	btf_chains();
	return 0;
}
