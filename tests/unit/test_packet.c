/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "decode/event_decode.h"
#include "output/output_packet.h"
#include "decode/packet_record.h"

static struct nwt_packet_event tx_event(void)
{
	struct nwt_packet_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = NWT_EVENT_PACKET;
	e.hdr.ts_ns = 4000;
	e.flow.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", e.flow.saddr);
	inet_pton(AF_INET, "10.0.0.2", e.flow.daddr);
	e.flow.sport = 40000;
	e.flow.dport = 80;
	e.seq = 4000000000u;
	e.ack = 7;
	e.payload_len = 89;
	e.tcp_flags = 0x18;
	e.flags = NWT_PKT_F_HAS_ACK;
	e.direction = NWT_DIR_TX;
	/* TCP seen, IP not (tracepoint chain), queue and driver seen */
	e.point_ns[NWT_PT_TX_TCP] = 1000;
	e.point_ns[NWT_PT_TX_QUEUE] = 3500;
	e.point_ns[NWT_PT_TX_XMIT] = 4000;
	return e;
}

static void unobserved_boundary_merges_layers(void **state)
{
	struct nwt_packet_event e = tx_event();
	struct nwt_record rec;
	char json[1024];

	(void)state;
	/* without -H the record is NWT_HTTP_LEN shorter */
	assert_int_equal(nwt_decode_event(&e, sizeof(e) - NWT_HTTP_LEN, 0, &rec), 0);
	assert_int_equal(rec.kind, NWT_REC_PACKET);
	assert_int_equal(rec.packet.n_spans, 2);
	nwt_packet_json_format(&rec, json, sizeof(json));
	assert_non_null(strstr(json, "\"tcp_ip_us\":2.500"));
	assert_non_null(strstr(json, "\"qdisc_us\":0.500"));
	assert_null(strstr(json, "\"tcp_us\""));
	assert_null(strstr(json, "\"ip_us\""));
	assert_non_null(strstr(json, "\"seq\":4000000000,\"ack\":7,\"len\":89,\"flags\":\"PA\""));
	assert_null(strstr(json, "\"pid\""));
}

/* The whole line, byte for byte: the hand-written formatters must match printf's. */
static void json_line_is_exact(void **state)
{
	struct nwt_packet_event e = tx_event();
	struct nwt_record rec;
	char json[1024];

	(void)state;
	e.sock_id = 0xffff888104470a0cULL;
	e.point_ns[NWT_PT_TX_XMIT] = 1234567891234ULL;
	memcpy(e.ifname, "veth0", 6);
	e.ifindex = 3;
	assert_int_equal(nwt_decode_event(&e, sizeof(e) - NWT_HTTP_LEN, 0, &rec), 0);
	json[nwt_packet_json_format(&rec, json, sizeof(json))] = '\0';
	assert_string_equal(json,
			    "{\"type\":\"packet\",\"ts\":\"1970-01-01T00:00:00.000004Z\",\"family\":\"ipv4\","
			    "\"saddr\":\"10.0.0.1\",\"sport\":40000,\"daddr\":\"10.0.0.2\",\"dport\":80,"
			    "\"dir\":\"tx\",\"seq\":4000000000,\"ack\":7,\"len\":89,\"flags\":\"PA\","
			    "\"ifindex\":3,\"ifname\":\"veth0\",\"tcp_ip_us\":2.500,"
			    "\"qdisc_us\":1234567887.734,\"sock\":\"0xffff888104470a0c\"}\n");
	e.flow.family = AF_INET6;
	inet_pton(AF_INET6, "fd00:215::1", e.flow.saddr);
	inet_pton(AF_INET6, "::ffff:10.0.0.2", e.flow.daddr);
	e.sock_id = 0;
	assert_int_equal(nwt_decode_event(&e, sizeof(e) - NWT_HTTP_LEN, 0, &rec), 0);
	json[nwt_packet_json_format(&rec, json, sizeof(json))] = '\0';
	assert_non_null(strstr(json, "\"family\":\"ipv6\",\"saddr\":\"fd00:215::1\",\"sport\":40000,"
				     "\"daddr\":\"::ffff:10.0.0.2\""));
	assert_null(strstr(json, "\"sock\""));
	/* escapes in the middle of plain runs */
	e.flags |= NWT_PKT_F_OWNER_KNOWN;
	e.hdr.pid = 42;
	memcpy(e.hdr.comm, "py\"th\\on\001x", 11);
	assert_int_equal(nwt_decode_event(&e, sizeof(e) - NWT_HTTP_LEN, 0, &rec), 0);
	json[nwt_packet_json_format(&rec, json, sizeof(json))] = '\0';
	assert_non_null(strstr(json, "\"pid\":42,\"comm\":\"py\\\"th\\\\on\\u0001x\",\"family\""));
}

/* A UDP datagram: its own type and layer names, no TCP fields; in the -u table no TCP columns. */
static void udp_datagram_record(void **state)
{
	struct nwt_packet_event e = tx_event();
	struct nwt_record rec;
	char json[1024], table[1024] = "";
	FILE *out = fmemopen(table, sizeof(table) - 1, "w");

	(void)state;
	e.flags = NWT_PKT_F_UDP;
	e.seq = 0;
	e.ack = 0;
	e.tcp_flags = 0;
	e.payload_len = 64;
	memset(e.point_ns, 0, sizeof(e.point_ns));
	e.point_ns[0] = 1000;	/* send call */
	e.point_ns[2] = 4000;	/* device queue */
	e.point_ns[3] = 4500;	/* driver */
	assert_int_equal(nwt_decode_event(&e, sizeof(e) - NWT_HTTP_LEN, 0, &rec), 0);
	assert_int_equal(rec.kind, NWT_REC_UDP);
	json[nwt_packet_json_format(&rec, json, sizeof(json))] = '\0';
	assert_string_equal(json,
			    "{\"type\":\"udp\",\"ts\":\"1970-01-01T00:00:00.000004Z\",\"family\":\"ipv4\","
			    "\"saddr\":\"10.0.0.1\",\"sport\":40000,\"daddr\":\"10.0.0.2\",\"dport\":80,"
			    "\"dir\":\"tx\",\"len\":64,\"udp_ip_us\":3.000,\"qdisc_us\":0.500}\n");
	/* rx: the socket-queue layer is sock_us */
	e.direction = NWT_DIR_RX;
	e.seq = 7;
	e.point_ns[0] = 1000;
	e.point_ns[1] = 1500;
	e.point_ns[2] = 2500;
	e.point_ns[3] = 6500;
	assert_int_equal(nwt_decode_event(&e, sizeof(e) - NWT_HTTP_LEN, 0, &rec), 0);
	json[nwt_packet_json_format(&rec, json, sizeof(json))] = '\0';
	assert_non_null(strstr(json, "\"mac_us\":0.500,\"ip_us\":1.000,\"sock_us\":4.000"));
	assert_null(strstr(json, "\"seq\""));
	assert_null(strstr(json, "\"flags\""));
	assert_non_null(out);
	nwt_udp_table_print_header(out);
	nwt_packet_table_print(out, &rec);
	fclose(out);
	assert_non_null(strstr(table, "LEN IF"));
	assert_null(strstr(table, "SEQ"));
	assert_non_null(strstr(table, "mac=0.5 ip=1.0 sock=4.0"));
	/* back to the TCP layout for the other tests */
	out = fopen("/dev/null", "w");
	assert_non_null(out);
	nwt_packet_table_print_header(out);
	fclose(out);
}

static void no_ack_flag_no_ack_field(void **state)
{
	struct nwt_packet_event e = tx_event();
	struct nwt_record rec;
	char json[1024];

	(void)state;
	e.flags = 0;
	e.tcp_flags = 0x02;
	assert_int_equal(nwt_decode_event(&e, sizeof(e), 0, &rec), 0);
	nwt_packet_json_format(&rec, json, sizeof(json));
	assert_null(strstr(json, "\"ack\""));
	assert_non_null(strstr(json, "\"flags\":\"S\""));
}

/* A SYN-ACK reported at IP: the receiving socket's state in JSON and the table, no TCP layer. */
static void state_outside_established(void **state)
{
	struct nwt_packet_event e = tx_event();
	struct nwt_record rec;
	char json[1024], row[512] = "";
	FILE *out = fmemopen(row, sizeof(row) - 1, "w");

	(void)state;
	memset(e.point_ns, 0, sizeof(e.point_ns));
	e.direction = NWT_DIR_RX;
	e.tcp_flags = 0x12;
	e.payload_len = 0;
	e.point_ns[NWT_PT_RX_DEV - NWT_PT_RX_DEV] = 3000;
	e.point_ns[NWT_PT_RX_IP - NWT_PT_RX_DEV] = 4000;
	e.flags |= 2u << NWT_PKT_F_STATE_SHIFT;	/* TCP_SYN_SENT */
	assert_int_equal(nwt_decode_event(&e, sizeof(e) - NWT_HTTP_LEN, 0, &rec), 0);
	assert_int_equal(rec.packet.tcp_state, 2);
	nwt_packet_json_format(&rec, json, sizeof(json));
	assert_non_null(strstr(json, "\"flags\":\"SA\",\"tcp_state\":\"SYN_SENT\","));
	assert_non_null(strstr(json, "\"mac_us\":1.000"));
	assert_null(strstr(json, "\"ip_us\""));
	nwt_packet_table_print(out, &rec);
	fclose(out);
	assert_non_null(strstr(row, "mac=1.0 ip=- tcp=- SYN_SENT\n"));
	/* established: no state */
	e.flags &= ~NWT_PKT_F_STATE_MASK;
	assert_int_equal(nwt_decode_event(&e, sizeof(e) - NWT_HTTP_LEN, 0, &rec), 0);
	nwt_packet_json_format(&rec, json, sizeof(json));
	assert_null(strstr(json, "tcp_state"));
}

static void http_lines(void **state)
{
	char line[NWT_HTTP_LEN + 1];
	const char req[] = "GET /index.html HTTP/1.1\r\nHost: x\r\n";
	const char resp[] = "HTTP/1.0 200 OK\r\nServer: y";
	const char bin[] = "GET \x01\x02 HTTP/1.1\r\n";

	(void)state;
	assert_int_equal(nwt_http_line(req, sizeof(req) - 1, line, sizeof(line)), 24);
	assert_string_equal(line, "GET /index.html HTTP/1.1");
	assert_true(nwt_http_line(resp, sizeof(resp) - 1, line, sizeof(line)) > 0);
	assert_string_equal(line, "HTTP/1.0 200 OK");
	assert_int_equal(nwt_http_line(bin, sizeof(bin) - 1, line, sizeof(line)), 0);
	assert_int_equal(nwt_http_line("get / HTTP/1.1\r\n", 16, line, sizeof(line)), 0);
	assert_int_equal(nwt_http_line("hello world\n", 12, line, sizeof(line)), 0);
}

/* Owners, endpoints and interfaces are cached as text: a record must read the same on a hit. */
static void repeated_fields_format_the_same(void **state)
{
	struct nwt_packet_event e = tx_event();
	struct nwt_record rec;
	char first[8][1024], again[1024];

	(void)state;
	e.flags |= NWT_PKT_F_OWNER_KNOWN;
	for (int i = 0; i < 8; i++) {	/* more variants than the caches hold */
		e.hdr.pid = 100 + i % 3;
		snprintf(e.hdr.comm, sizeof(e.hdr.comm), "%s", i & 1 ? "a\"b" : "iperf3");
		e.flow.sport = (__u16)(40000 + i);
		e.flow.daddr[3] = (__u8)i;
		e.ifindex = 2 + i % 5;
		memcpy(e.ifname, i & 2 ? "veth1" : "eth0\0\0", 6);
		assert_int_equal(nwt_decode_event(&e, sizeof(e) - NWT_HTTP_LEN, 0, &rec), 0);
		first[i][nwt_packet_json_format(&rec, first[i], sizeof(first[i]))] = '\0';
	}
	for (int round = 0; round < 2; round++)
		for (int i = 7; i >= 0; i -= 1 + round) {
			e.hdr.pid = 100 + i % 3;
			snprintf(e.hdr.comm, sizeof(e.hdr.comm), "%s", i & 1 ? "a\"b" : "iperf3");
			e.flow.sport = (__u16)(40000 + i);
			e.flow.daddr[3] = (__u8)i;
			e.ifindex = 2 + i % 5;
			memcpy(e.ifname, i & 2 ? "veth1" : "eth0\0\0", 6);
			assert_int_equal(nwt_decode_event(&e, sizeof(e) - NWT_HTTP_LEN, 0, &rec), 0);
			again[nwt_packet_json_format(&rec, again, sizeof(again))] = '\0';
			assert_string_equal(again, first[i]);
		}
	assert_non_null(strstr(first[1], "\"pid\":101,\"comm\":\"a\\\"b\""));
	assert_non_null(strstr(first[2], "\"ifindex\":4,\"ifname\":\"veth1\""));
}

struct collected {
	int n;
	int stop_after;
	uint32_t seqs[8];
	size_t sizes[8];
};

static int collect(void *ctx, const void *record, size_t size)
{
	struct collected *c = ctx;
	struct nwt_packet_event e;

	memcpy(&e, record, sizeof(e) - NWT_HTTP_LEN);
	c->sizes[c->n] = size;
	c->seqs[c->n++] = e.seq;
	return c->stop_after && c->n >= c->stop_after;
}

/* A batch as packet_path.bpf.c commits it: header, then records of record_size bytes. */
static size_t build_batch(unsigned char *buf, uint32_t count, uint32_t claimed)
{
	const size_t rec_size = sizeof(struct nwt_packet_event) - NWT_HTTP_LEN;
	struct nwt_batch_header h = { .hdr.type = NWT_EVENT_BATCH, .count = claimed,
				      .record_size = rec_size };

	memcpy(buf, &h, sizeof(h));
	for (uint32_t i = 0; i < count; i++) {
		struct nwt_packet_event e = { .hdr.type = NWT_EVENT_PACKET, .seq = 1000 + i };

		memcpy(buf + sizeof(h) + i * rec_size, &e, rec_size);
	}
	return sizeof(h) + count * rec_size;
}

static void batches_split_into_records(void **state)
{
	unsigned char buf[sizeof(struct nwt_batch_header) + 8 * sizeof(struct nwt_packet_event)];
	const size_t rec_size = sizeof(struct nwt_packet_event) - NWT_HTTP_LEN;
	struct collected c = { 0 };
	size_t size = build_batch(buf, 3, 3);

	(void)state;
	assert_int_equal(nwt_for_each_record(buf, size, collect, &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.seqs[0], 1000);
	assert_int_equal(c.seqs[2], 1002);
	assert_int_equal(c.sizes[1], rec_size);

	/* fn's nonzero return stops the walk and is passed on */
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	assert_int_equal(nwt_for_each_record(buf, size, collect, &c), 1);
	assert_int_equal(c.n, 2);

	/* a count beyond the entry's size is refused, nothing is delivered */
	memset(&c, 0, sizeof(c));
	size = build_batch(buf, 2, 5);
	assert_int_equal(nwt_for_each_record(buf, size, collect, &c), -EINVAL);
	assert_int_equal(c.n, 0);

	/* a plain record passes through whole */
	memset(&c, 0, sizeof(c));
	assert_int_equal(nwt_for_each_record(buf + sizeof(struct nwt_batch_header), rec_size,
					     collect, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.seqs[0], 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unobserved_boundary_merges_layers),
		cmocka_unit_test(json_line_is_exact),
		cmocka_unit_test(udp_datagram_record),
		cmocka_unit_test(no_ack_flag_no_ack_field),
		cmocka_unit_test(state_outside_established),
		cmocka_unit_test(http_lines),
		cmocka_unit_test(repeated_fields_format_the_same),
		cmocka_unit_test(batches_split_into_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
