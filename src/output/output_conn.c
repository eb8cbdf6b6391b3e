/* SPDX-License-Identifier: Apache-2.0 */
#include "output/output_conn.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "util/addr.h"
#include "output/output.h"
#include "output/table.h"
#include "util/tcp_state.h"

const char *nwt_format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double value = (double)bytes;
	int unit = -1;

	while (value >= 1024 && unit < (int)sizeof(units) - 2) {
		value /= 1024;
		unit++;
	}
	if (unit < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else if (value < 10)
		snprintf(buf, len, "%.1f%c", value, units[unit]);
	else
		snprintf(buf, len, "%.0f%c", value, units[unit]);
	return buf;
}

/* JSON integers are signed 64-bit: a count beyond that wraps, as it always has. */
static void set_uint(struct nwt_json *obj, const char *key, uint64_t value)
{
	nwt_json_field_int(obj, key, (int64_t)value);
}

void nwt_json_add_conn(struct nwt_json *obj, const struct nwt_conn_metrics *m)
{
	const char *direction = nwt_direction_name(m->role);

	nwt_json_field_str(obj, "state", nwt_tcp_state_name(m->state));
	nwt_json_field_bool(obj, "closed", m->closed);
	if (direction)
		nwt_json_field_str(obj, "direction", direction);
	if (m->role == NWT_ROLE_CLIENT || m->role == NWT_ROLE_SERVER)
		nwt_json_field_bool(obj, "is_server", m->role == NWT_ROLE_SERVER);
	if (m->has_duration_us)
		set_uint(obj, "duration_us", m->duration_us);
	if (m->listener) {
		/* A listener has an accept queue, not a transfer. */
		set_uint(obj, "backlog", m->backlog);
		set_uint(obj, "max_backlog", m->max_backlog);
	} else {
		set_uint(obj, "rwnd", m->rwnd);
		set_uint(obj, "cwnd", m->cwnd);
		if (m->has_ssthresh)
			set_uint(obj, "ssthresh", m->ssthresh);
		nwt_json_field_int(obj, "sndbuf", m->sndbuf);
		nwt_json_field_int(obj, "wmem_queued", m->wmem_queued);
		set_uint(obj, "bytes_received", m->bytes_received);
		set_uint(obj, "bytes_acked", m->bytes_acked);
		if (m->has_srtt_us)
			set_uint(obj, "srtt_us", m->srtt_us);
		set_uint(obj, "total_retrans", m->total_retrans);
		if (m->has_retrans_counts) {
			set_uint(obj, "fast_retrans", m->fast_retrans);
			set_uint(obj, "timeout_retrans", m->timeout_retrans);
		}
	}
	nwt_json_field_hex(obj, "sock", m->sock_id);
}

void nwt_json_add_retrans(struct nwt_json *obj, const struct nwt_retrans *r)
{
	const char *direction = nwt_direction_name(r->role);

	nwt_json_field_str(obj, "state", nwt_tcp_state_name(r->state));
	if (direction)
		nwt_json_field_str(obj, "direction", direction);
	if (r->has_seq)
		set_uint(obj, "seq", r->seq);
	if (r->has_segs)
		set_uint(obj, "segs", r->segs);
	if (r->has_err)
		nwt_json_field_int(obj, "err", r->err);
	set_uint(obj, "fast_retrans", r->fast_retrans);
	set_uint(obj, "timeout_retrans", r->timeout_retrans);
	nwt_json_field_hex(obj, "sock", r->sock_id);
}

void nwt_format_retrans_cell(const struct nwt_record *rec, char *buf, size_t len)
{
	const struct nwt_retrans *r = &rec->retrans;
	char seq[24] = "", segs[24] = "";

	if (r->has_seq)
		snprintf(seq, sizeof(seq), " seq=%" PRIu32, r->seq);
	if (r->has_segs && r->segs != 1)
		snprintf(segs, sizeof(segs), " x%" PRIu32, r->segs);
	snprintf(buf, len, "retrans%s%s %s%s", seq, segs, nwt_tcp_state_short_name(r->state),
		 r->has_err && r->err ? " failed" : "");
}

void nwt_format_transition_cell(const struct nwt_record *rec, char *buf, size_t len)
{
	const struct nwt_tcp_state_change *tc = &rec->tcp_state;
	char dur[16] = "";

	if (tc->has_state_us)
		nwt_format_duration_us(tc->state_us, dur, sizeof(dur));
	snprintf(buf, len, "%s>%s%s%s", nwt_tcp_state_short_name(tc->old_state),
		 nwt_tcp_state_short_name(tc->new_state), *dur ? " " : "", dur);
}

/* The connection table's cells: "-" where the kernel has no value, or a listener none. */
#define CONN_ROW(rec) ((const struct nwt_record *)(rec))
#define CONN_METRICS(rec) (&CONN_ROW(rec)->conn)

static void cell_dash(char *cell, size_t len)
{
	snprintf(cell, len, "-");
}

static void cell_pid(const void *row, char *cell, size_t len)
{
	if (CONN_ROW(row)->has_pid)
		snprintf(cell, len, "%" PRIu32, CONN_ROW(row)->pid);
	else
		cell_dash(cell, len);
}

static void cell_comm(const void *row, char *cell, size_t len)
{
	snprintf(cell, len, "%s", CONN_ROW(row)->has_pid ? CONN_ROW(row)->comm : "-");
}

static void cell_local(const void *row, char *cell, size_t len)
{
	const struct nwt_record *rec = row;

	nwt_format_endpoint(rec->family, rec->saddr, rec->sport, cell, len);
}

static void cell_remote(const void *row, char *cell, size_t len)
{
	const struct nwt_record *rec = row;

	nwt_format_endpoint(rec->family, rec->daddr, rec->dport, cell, len);
}

static void cell_state(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	snprintf(cell, len, "%s", m->closed ? "CLOSED" : nwt_tcp_state_short_name(m->state));
}

/* A listener has an accept queue, not a transfer. */
static void cell_backlog(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	if (m->listener)
		snprintf(cell, len, "%" PRIu32 "/%" PRIu32, m->backlog, m->max_backlog);
	else
		cell_dash(cell, len);
}

static void cell_bytes(char *cell, size_t len, bool have, uint64_t value)
{
	if (have)
		nwt_format_bytes(value, cell, len);
	else
		cell_dash(cell, len);
}

static void cell_u32(char *cell, size_t len, bool have, uint32_t value)
{
	if (have)
		snprintf(cell, len, "%" PRIu32, value);
	else
		cell_dash(cell, len);
}

static void cell_duration(char *cell, size_t len, bool have, uint64_t us)
{
	if (have)
		nwt_format_duration_us(us, cell, len);
	else
		cell_dash(cell, len);
}

static void cell_rwnd(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_bytes(cell, len, !m->listener, m->rwnd);
}

static void cell_cwnd(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_u32(cell, len, !m->listener, m->cwnd);
}

static void cell_ssthresh(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_u32(cell, len, !m->listener && m->has_ssthresh, m->ssthresh);
}

static void cell_sndbuf(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_bytes(cell, len, !m->listener, m->sndbuf > 0 ? (uint64_t)m->sndbuf : 0);
}

static void cell_wmemq(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_bytes(cell, len, !m->listener, m->wmem_queued > 0 ? (uint64_t)m->wmem_queued : 0);
}

static void cell_rcvd(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_bytes(cell, len, !m->listener, m->bytes_received);
}

static void cell_acked(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_bytes(cell, len, !m->listener, m->bytes_acked);
}

static void cell_srtt(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_duration(cell, len, !m->listener && m->has_srtt_us, m->srtt_us);
}

static void cell_dur(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_duration(cell, len, m->has_duration_us, m->duration_us);
}

static void cell_retrans(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_u32(cell, len, !m->listener, m->total_retrans);
}

static void cell_fast(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_u32(cell, len, !m->listener && m->has_retrans_counts, m->fast_retrans);
}

static void cell_rto(const void *row, char *cell, size_t len)
{
	const struct nwt_conn_metrics *m = CONN_METRICS(row);

	cell_u32(cell, len, !m->listener && m->has_retrans_counts, m->timeout_retrans);
}

#define CONN_CELL NWT_ENDPOINT_STRLEN

static const struct nwt_table_column conn_columns[] = {
	{ "PID", 6, true, CONN_CELL, cell_pid },	{ "COMM", 7, false, 7 + 1, cell_comm },
	{ "LOCAL", 21, false, CONN_CELL, cell_local },	{ "REMOTE", 21, false, CONN_CELL, cell_remote },
	{ "STATE", 6, false, CONN_CELL, cell_state },	{ "BKLOG", 7, true, CONN_CELL, cell_backlog },
	{ "RWND", 5, true, CONN_CELL, cell_rwnd },	{ "CWND", 5, true, CONN_CELL, cell_cwnd },
	{ "SSTHR", 5, true, CONN_CELL, cell_ssthresh }, { "SNDBUF", 6, true, CONN_CELL, cell_sndbuf },
	{ "WMEMQ", 5, true, CONN_CELL, cell_wmemq },	{ "RCVD", 5, true, CONN_CELL, cell_rcvd },
	{ "ACKED", 5, true, CONN_CELL, cell_acked },	{ "SRTT", 6, true, CONN_CELL, cell_srtt },
	{ "DUR", 6, true, CONN_CELL, cell_dur },	{ "RETR", 4, true, CONN_CELL, cell_retrans },
	{ "FAST", 4, true, CONN_CELL, cell_fast },	{ "RTO", 3, true, CONN_CELL, cell_rto },
};

/* Every column padded: the right-aligned counts line up to the last. */
static const struct nwt_table conn_table = {
	conn_columns, sizeof(conn_columns) / sizeof(conn_columns[0]), true
};

void nwt_conn_table_print_header(FILE *out, uint64_t wall_ns, size_t n_conns)
{
	time_t secs = (time_t)(wall_ns / 1000000000ULL);
	char when[16];
	struct tm tm;

	localtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(out, "\nCONNECTIONS %s (%zu)\n", when, n_conns);
	nwt_table_header(out, &conn_table);
}

void nwt_conn_table_print_row(FILE *out, const struct nwt_record *rec)
{
	nwt_table_row(out, &conn_table, rec);
}
