/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ring-buffer entries through everything user space does with them, in the
 * order session.c does it: a batch is split into its records, a quiet poll is
 * put back in time order, connection samples go to the -x table (and
 * iterator passes refresh it), received data waits for the application's
 * read, and every record is decoded once, resolved (drop reason names,
 * function+offset) and counted (-s) or printed as a table row or a JSON line.
 * The probes that write these records are compiled at run time from
 * nwtrace_events.h, but a record cut short, longer than this nwtrace knows,
 * from another revision of the header, or plain garbage must not take
 * nwtrace down: each entry is copied to a heap block of exactly its size, so
 * AddressSanitizer sees any read past its end.
 *
 * Input (fuzz_records.h): one byte of switches (SW_*), the eight-byte clock
 * offset, then entries.  Each entry is a little-endian u16 and that many
 * bytes (low 14 bits; cut at the end of the input): a ring-buffer entry, or
 * with ENTRY_ITER the bytes of the next iterator pass.  ENTRY_POLL_END ends
 * the poll after the entry; eight more bytes are the time (CLOCK_MONOTONIC
 * ns) at which waiting segments expire.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "decode/conn_decode.h"
#include "features/conn_view.h"
#include "kernel/drop_reasons.h"
#include "decode/event_decode.h"
#include "decode/fault_decode.h"
#include "fuzz_records.h"
#include "kernel/kallsyms.h"
#include "kernel/netns.h"
#include "output/output.h"
#include "output/output_packet.h"
#include "decode/record_order.h"
#include "decode/rx_read_join.h"
#include "output/stats.h"

/* A session's state, as far as records go (session.c). */
struct run {
	unsigned int sw;
	int64_t wall_offset;
	FILE *out;
	struct nwt_options opts;
	struct nwt_stats stats;
	struct nwt_conn_view conn;
	struct nwt_rx_join join;
	struct nwt_record_order order;
	unsigned int polls;
};

static FILE *sink;
static struct nwt_drop_reasons reasons;
static struct nwt_ksyms ksyms;
static bool have_ksyms;

/* The next iterator pass: what nwt_bpf_iter_open() below hands conn_view.c. */
static const uint8_t *pass_bytes;
static size_t pass_len;

/* Reason names as a kernel's format file gives them (4 of 6.18's, in its layout). */
static const char kfree_skb_format[] =
	"name: kfree_skb\n"
	"ID: 1\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:void * location;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:enum skb_drop_reason reason;\toffset:28;\tsize:4;\tsigned:0;\n"
	"\n"
	"print fmt: \"skbaddr=%p reason: %s\", REC->skbaddr, "
	"__print_symbolic(REC->reason, { 2, \"NOT_SPECIFIED\" }, { 3, \"NO_SOCKET\" }, "
	"{ 6, \"TCP_CSUM\" }, { 40, \"TCP_INVALID_SEQUENCE\" })\n";

static const char send_reset_format[] =
	"print fmt: \"reason=%s\", __print_symbolic(REC->reason, { 0, \"NOT_SPECIFIED\" }, "
	"{ 1, \"NO_SOCKET\" })\n";

static const char kallsyms_text[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81a01230 T tcp_v4_rcv\n"
	"ffffffff81a05670 t tcp_validate_incoming.isra.0\n"
	"ffffffff81b00000 T nf_hook_slow\n"
	"ffffffffc0a00000 t nft_do_chain\t[nf_tables]\n";

/* Kernel-facing calls of conn_view.c: one namespace, and a pass read from the input. */
int nwt_netns_each(int (*fn)(void *ctx), void *ctx)
{
	return fn(ctx);
}

int nwt_bpf_iter_open(struct nwt_bpf *bpf, const char *target)
{
	int fd = memfd_create("tcp_iter", 0);

	(void)bpf;
	(void)target;
	if (fd < 0)
		return -errno;
	if (pass_len && write(fd, pass_bytes, pass_len) != (ssize_t)pass_len) {
		close(fd);
		return -EIO;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *f = fmemopen((void *)kallsyms_text, sizeof(kallsyms_text) - 1, "r");

	(void)argc;
	(void)argv;
	/* NWT_FUZZ_SHOW=1: the output on stdout, to see what an input does */
	sink = getenv("NWT_FUZZ_SHOW") ? stdout : fopen("/dev/null", "w");
	nwt_drop_reasons_init(&reasons, NULL, kfree_skb_format, send_reset_format);
	have_ksyms = f && !nwt_ksyms_load(&ksyms, f);
	if (f)
		fclose(f);
	if (!sink || !reasons.reasons.n || !have_ksyms) {
		fprintf(stderr, "fuzz_records: fixtures did not load\n");
		abort();
	}
	return 0;
}

/* What the -j writer makes of a packet must be one whole JSON object. */
static void check_packet_json(const struct nwt_record *rec)
{
	char buf[1024];	/* as nwt_packet_json_print() */
	size_t n = nwt_packet_json_format(rec, buf, sizeof(buf));

	if (n < 2 || n >= sizeof(buf) || memcmp(buf + n - 2, "}\n", 2)) {
		fprintf(stderr, "fuzz_records: packet JSON cut at %zu bytes: %.*s\n", n, (int)n, buf);
		abort();
	}
}

/* session.c's deliver_record(): decoded once, then counted or printed. */
static int deliver_record(void *ctx, const void *data, size_t size)
{
	struct run *r = ctx;
	struct nwt_record rec;

	if (nwt_decode_event(data, size, r->wall_offset, &rec))
		return 0;
	if (nwt_record_is_fault(&rec))
		nwt_fault_resolve(&rec, r->sw & SW_REASONS ? &reasons : NULL,
				  r->sw & SW_KSYMS ? &ksyms : NULL);
	if (r->sw & SW_STATE)
		nwt_record_as_transition(&rec);
	if (r->sw & SW_STATS) {
		nwt_stats_add(&r->stats, &rec);
	} else if (r->sw & SW_JSON) {
		nwt_json_print_record(r->out, &rec);
		if (rec.kind == NWT_REC_PACKET || rec.kind == NWT_REC_HOP)
			check_packet_json(&rec);
	} else {
		nwt_table_print_record(r->out, &rec);
	}
	return 0;
}

/* session.c's on_record(): -x samples and data awaiting its read are taken first. */
static int on_record(void *ctx, const void *data, size_t size)
{
	struct run *r = ctx;

	if ((r->sw & SW_CONN) && nwt_conn_view_take(&r->conn, data, size))
		return 0;
	if (nwt_rx_join_offer(&r->join, data, size))
		return 0;
	return deliver_record(r, data, size);
}

static int offer_record(void *ctx, const void *data, size_t size)
{
	struct run *r = ctx;

	return nwt_record_order_offer(&r->order, data, size);
}

static void end_poll(struct run *r, uint64_t now_ns, bool final)
{
	nwt_record_order_release(&r->order);
	nwt_rx_join_expire(&r->join, now_ns);
	if (final)
		nwt_rx_join_drain(&r->join);
	r->polls++;
	if (r->sw & SW_CONN)
		nwt_conn_view_tick(&r->conn, r->polls * r->opts.interval_s, final);
	if (r->sw & SW_STATS)
		nwt_stats_print(r->out, &r->stats, r->sw & SW_JSON, final, 1.0,
				now_ns + (uint64_t)r->wall_offset, &(struct nwt_counts){ 0 });
}

static uint64_t take_u64(const uint8_t *data, size_t size, size_t *pos)
{
	uint64_t v = 0;

	if (size - *pos >= sizeof(v)) {
		memcpy(&v, data + *pos, sizeof(v));
		*pos += sizeof(v);
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r;
	size_t pos = 1;
	uint8_t *pass = NULL;

	if (size < 1 + sizeof(uint64_t))
		return 0;
	memset(&r, 0, sizeof(r));
	r.sw = data[0];
	r.wall_offset = (int64_t)take_u64(data, size, &pos);
	r.out = sink;
	r.opts.json = r.sw & SW_JSON;
	r.opts.keep_closed = r.sw & SW_KEEP_CLOSED;
	r.opts.interval_s = 1.0;
	r.stats.points_planned = (1u << NWT_PT_MAX) - 1;	/* every point's count is printed */
	nwt_conn_view_init(&r.conn, &r.opts, NULL, r.out, r.wall_offset, 0);
	nwt_rx_join_init(&r.join, deliver_record, &r);
	nwt_record_order_init(&r.order, on_record, &r);
	if (r.sw & SW_UNORDERED)
		nwt_record_order_free(&r.order);	/* as when it could not allocate */
	pass_bytes = NULL;
	pass_len = 0;

	while (size - pos >= 2) {
		unsigned int head = data[pos] | data[pos + 1] << 8;
		size_t len = head & ENTRY_LEN_MASK;
		uint8_t *entry;

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		entry = malloc(len ? len : 1);
		if (!entry)
			break;
		memcpy(entry, data + pos, len);
		pos += len;
		if (head & ENTRY_ITER) {
			free(pass);
			pass = entry;
			pass_bytes = pass;
			pass_len = len;
		} else {
			/* session.c's on_event(): a bad batch counts as undecodable */
			nwt_for_each_record(entry, len, offer_record, &r);
			free(entry);
		}
		if (head & ENTRY_POLL_END)
			end_poll(&r, take_u64(data, size, &pos), false);
	}
	end_poll(&r, UINT64_MAX, true);

	nwt_record_order_free(&r.order);
	nwt_rx_join_free(&r.join);
	nwt_conn_view_free(&r.conn);
	free(pass);
	pass_bytes = NULL;
	pass_len = 0;
	return 0;
}
