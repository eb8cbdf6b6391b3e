/* SPDX-License-Identifier: Apache-2.0 */
#include "features/conn_view.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/diag.h"
#include "plan/bpf_defines.h"
#include "decode/event_decode.h"
#include "kernel/netns.h"
#include "output/output.h"
#include "output/output_conn.h"

#define ITER_READ_CHUNK 65536

int nwt_conn_view_init(struct nwt_conn_view *v, const struct nwt_options *opts,
		       struct nwt_bpf *bpf, FILE *out, int64_t wall_offset, double now)
{
	memset(v, 0, sizeof(*v));
	v->bpf = bpf;
	v->opts = opts;
	v->out = out;
	v->wall_offset = wall_offset;
	v->next_due = now + opts->interval_s;
	return nwt_conn_table_init(&v->table, NWT_MAX_CONNS, opts->keep_closed);
}

void nwt_conn_view_free(struct nwt_conn_view *v)
{
	nwt_conn_table_free(&v->table);
	free(v->buf);
	v->buf = NULL;
}

bool nwt_conn_view_take(struct nwt_conn_view *v, const void *data, size_t size)
{
	struct nwt_conn_sample s;
	__u32 type;

	if (size < sizeof(s.hdr))
		return false;
	/* a record inside a batch is only as aligned as the batch's record size makes it */
	memcpy(&type, (const char *)data + offsetof(struct nwt_event_header, type), sizeof(type));
	if (type != NWT_EVENT_CONN)
		return false;
	if (size >= sizeof(s)) {
		memcpy(&s, data, sizeof(s));
		nwt_conn_table_closed(&v->table, &s);
	}
	return true;
}

/* Reads one whole iterator pass into v->buf: records may straddle read() calls. */
static int read_pass(struct nwt_conn_view *v, int fd)
{
	ssize_t n;

	v->buf_len = 0;
	for (;;) {
		if (v->buf_cap - v->buf_len < ITER_READ_CHUNK) {
			char *b = realloc(v->buf, v->buf_cap + ITER_READ_CHUNK * 4);

			if (!b)
				return -ENOMEM;
			v->buf = b;
			v->buf_cap += ITER_READ_CHUNK * 4;
		}
		n = read(fd, v->buf + v->buf_len, v->buf_cap - v->buf_len);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		v->buf_len += (size_t)n;
	}
}

/* In one network namespace: one pass of the iterator into the table. */
static int pass_in_namespace(void *ctx)
{
	struct nwt_conn_view *v = ctx;
	struct nwt_conn_sample s;
	int fd = nwt_bpf_iter_open(v->bpf, NWT_ITER_TCP);
	int err;

	if (fd < 0)
		return v->last_err = fd;
	err = read_pass(v, fd);
	close(fd);
	if (err)
		return v->last_err = err;
	for (size_t off = 0; off + sizeof(s) <= v->buf_len; off += sizeof(s)) {
		memcpy(&s, v->buf + off, sizeof(s));
		/* rows are decoded by their type when printed: another record's would be misread */
		if (s.hdr.type != NWT_EVENT_CONN)
			continue;
		nwt_conn_table_update(&v->table, &s);
	}
	return 0;
}

static void print_table(struct nwt_conn_view *v)
{
	struct nwt_record rec;
	uint64_t now_wall = 0;

	if (!v->opts->json) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		now_wall = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
		nwt_conn_table_print_header(v->out, now_wall, v->table.n);
	}
	for (size_t i = 0; i < v->table.n; i++) {
		const struct nwt_conn_sample *s = &v->table.entries[i].sample;

		if (nwt_decode_event(s, sizeof(*s), v->wall_offset, &rec))
			continue;
		if (v->opts->json)
			nwt_json_print_record(v->out, &rec);
		else
			nwt_conn_table_print_row(v->out, &rec);
	}
	fflush(v->out);
}

size_t nwt_conn_view_tick(struct nwt_conn_view *v, double now, bool force)
{
	int err;

	if (!force && now < v->next_due)
		return 0;
	/* At exit, a table printed a moment ago says everything already. */
	if (force && now - v->last_tick < 0.1)
		return 0;
	v->last_tick = now;
	while (v->next_due <= now)
		v->next_due += v->opts->interval_s;
	v->last_err = 0;
	nwt_conn_table_begin(&v->table);
	err = nwt_netns_each(pass_in_namespace, v);
	if (err) {
		/* Could not enter or leave a namespace: keep the rows we have. */
		nwt_diag("connection table: switching network namespace: %s",
			strerror(-err));
		return 0;
	}
	if (v->last_err && !v->reported_err)
		nwt_diag("connection table: iterator pass failed: %s",
			strerror(-v->last_err));
	v->reported_err |= v->last_err != 0;
	nwt_conn_table_end(&v->table);
	print_table(v);
	return v->table.n;
}
