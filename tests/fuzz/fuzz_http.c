/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The -H request/status line: the probes copy the first NWT_HTTP_LEN bytes
 * of a segment's payload, whatever the peer sent, and user space picks an
 * HTTP/1.x first line out of them (nwt_http_line()) to print in a table cell
 * and a JSON string.  Those bytes come from the network, so they are the
 * most hostile input nwtrace reads.  The harness calls the extractor on the
 * bytes alone (with every size of line buffer) and checks that what it keeps
 * is a printable prefix of them, then sends the same bytes through a packet
 * record's decode and both writers.
 *
 * Input: one byte, the line buffer's size - 1 and the record's http_len, then
 * the payload.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "decode/event_decode.h"
#include "output/output.h"
#include "output/output_packet.h"
#include "decode/packet_record.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* NWT_FUZZ_SHOW=1: the output on stdout, to see what an input does */
	sink = getenv("NWT_FUZZ_SHOW") ? stdout : fopen("/dev/null", "w");
	if (!sink)
		abort();
	return 0;
}

static void fail(const char *what, const char *line)
{
	fprintf(stderr, "fuzz_http: %s: '%s'\n", what, line);
	abort();
}

/* The line is a prefix of the payload, printable, NUL-terminated within line_len. */
static void check_line(const char *payload, size_t len, const char *line, size_t line_len,
		       size_t n)
{
	if (n >= line_len || n > len || line[n] != '\0' || strlen(line) != n)
		fail("line length", line);
	if (memcmp(line, payload, n))
		fail("line is not the payload's start", line);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e)
			fail("unprintable byte in line", line);
}

/* A received packet carrying the payload, decoded and written as -H prints it. */
static void through_record(const uint8_t *payload, size_t len, uint8_t http_len)
{
	struct nwt_packet_event e;
	struct nwt_record rec;
	char json[1024];
	size_t n;

	memset(&e, 0, sizeof(e));
	e.hdr.type = NWT_EVENT_PACKET;
	e.hdr.ts_ns = 1000000000ULL;
	e.flow.family = AF_INET;
	e.flow.sport = 80;
	e.flow.dport = 40000;
	e.direction = NWT_DIR_RX;
	e.point_ns[0] = 1;
	e.point_ns[1] = 2;
	e.payload_len = (uint32_t)len;
	e.http_len = http_len;
	memcpy(e.http, payload, len < NWT_HTTP_LEN ? len : NWT_HTTP_LEN);
	if (nwt_decode_event(&e, sizeof(e), 0, &rec))
		fail("packet record does not decode", "");
	check_line(e.http, NWT_HTTP_LEN, rec.packet.http, sizeof(rec.packet.http),
		   strlen(rec.packet.http));
	nwt_table_print_record(sink, &rec);
	n = nwt_packet_json_format(&rec, json, sizeof(json));
	if (n < 2 || memcmp(json + n - 2, "}\n", 2))
		fail("packet JSON cut", rec.packet.http);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t line_len, len;
	char *payload, *line;

	if (size < 1)
		return 0;
	line_len = (size_t)(data[0] & 0x7f) + 1;
	len = size - 1;
	/* Exact sizes: AddressSanitizer sees a read past the payload or a write past the line. */
	payload = malloc(len ? len : 1);
	line = malloc(line_len);
	if (payload && line) {
		size_t n;

		memcpy(payload, data + 1, len);
		n = nwt_http_line(payload, len, line, line_len);
		check_line(payload, len, line, line_len, n);
		through_record(data + 1, len, data[0]);
	}
	free(payload);
	free(line);
	return 0;
}
