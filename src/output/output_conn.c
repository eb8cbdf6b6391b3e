#include "output/output_conn.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "util/addr.h"
#include "output/output.h"
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

/* The connection table's columns, as data (header, width, right-aligned). */
enum conn_column {
	CC_PID, CC_COMM, CC_LOCAL, CC_REMOTE, CC_STATE, CC_BACKLOG, CC_RWND, CC_CWND,
	CC_SSTHRESH, CC_SNDBUF, CC_WMEMQ, CC_RCVD, CC_ACKED, CC_SRTT, CC_DUR, CC_RETRANS,
	CC_FAST, CC_RTO, CC_MAX
};

static const struct nwt_column conn_columns[CC_MAX] = {
	[CC_PID] = { "PID", 6, true },		[CC_COMM] = { "COMM", 7, false },
	[CC_LOCAL] = { "LOCAL", 21, false },	[CC_REMOTE] = { "REMOTE", 21, false },
	[CC_STATE] = { "STATE", 6, false },	[CC_BACKLOG] = { "BKLOG", 7, true },
	[CC_RWND] = { "RWND", 5, true },	[CC_CWND] = { "CWND", 5, true },
	[CC_SSTHRESH] = { "SSTHR", 5, true },	[CC_SNDBUF] = { "SNDBUF", 6, true },
	[CC_WMEMQ] = { "WMEMQ", 5, true },	[CC_RCVD] = { "RCVD", 5, true },
	[CC_ACKED] = { "ACKED", 5, true },	[CC_SRTT] = { "SRTT", 6, true },
	[CC_DUR] = { "DUR", 6, true },		[CC_RETRANS] = { "RETR", 4, true },
	[CC_FAST] = { "FAST", 4, true },	[CC_RTO] = { "RTO", 3, true },
};

static void print_conn_row(FILE *out, char cells[CC_MAX][NWT_ENDPOINT_STRLEN])
{
	for (int i = 0; i < CC_MAX; i++) {
		const struct nwt_column *c = &conn_columns[i];

		fprintf(out, c->right_aligned ? "%s%*s" : "%s%-*s", i ? " " : "", c->width, cells[i]);
	}
	fputc('\n', out);
}

void nwt_conn_table_print_header(FILE *out, uint64_t wall_ns, size_t n_conns)
{
	char cells[CC_MAX][NWT_ENDPOINT_STRLEN];
	time_t secs = (time_t)(wall_ns / 1000000000ULL);
	char when[16];
	struct tm tm;

	localtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(out, "\nCONNECTIONS %s (%zu)\n", when, n_conns);
	for (int i = 0; i < CC_MAX; i++)
		snprintf(cells[i], sizeof(cells[i]), "%s", conn_columns[i].header);
	print_conn_row(out, cells);
}

static void cell_bytes(char *cell, size_t len, uint64_t value)
{
	nwt_format_bytes(value, cell, len);
}

void nwt_conn_table_print_row(FILE *out, const struct nwt_record *rec)
{
	const struct nwt_conn_metrics *m = &rec->conn;
	char cells[CC_MAX][NWT_ENDPOINT_STRLEN];
	const size_t len = sizeof(cells[0]);

	for (int i = 0; i < CC_MAX; i++)
		snprintf(cells[i], len, "-");
	if (rec->has_pid) {
		snprintf(cells[CC_PID], len, "%" PRIu32, rec->pid);
		snprintf(cells[CC_COMM], len, "%.*s", conn_columns[CC_COMM].width, rec->comm);
	}
	nwt_format_endpoint(rec->family, rec->saddr, rec->sport, cells[CC_LOCAL], len);
	nwt_format_endpoint(rec->family, rec->daddr, rec->dport, cells[CC_REMOTE], len);
	snprintf(cells[CC_STATE], len, "%s", m->closed ? "CLOSED" : nwt_tcp_state_short_name(m->state));
	if (m->has_duration_us)
		nwt_format_duration_us(m->duration_us, cells[CC_DUR], len);
	if (m->listener) {
		snprintf(cells[CC_BACKLOG], len, "%" PRIu32 "/%" PRIu32, m->backlog, m->max_backlog);
	} else {
		cell_bytes(cells[CC_RWND], len, m->rwnd);
		snprintf(cells[CC_CWND], len, "%" PRIu32, m->cwnd);
		if (m->has_ssthresh)
			snprintf(cells[CC_SSTHRESH], len, "%" PRIu32, m->ssthresh);
		cell_bytes(cells[CC_SNDBUF], len, m->sndbuf > 0 ? (uint64_t)m->sndbuf : 0);
		cell_bytes(cells[CC_WMEMQ], len, m->wmem_queued > 0 ? (uint64_t)m->wmem_queued : 0);
		cell_bytes(cells[CC_RCVD], len, m->bytes_received);
		cell_bytes(cells[CC_ACKED], len, m->bytes_acked);
		if (m->has_srtt_us)
			nwt_format_duration_us(m->srtt_us, cells[CC_SRTT], len);
		snprintf(cells[CC_RETRANS], len, "%" PRIu32, m->total_retrans);
		if (m->has_retrans_counts) {
			snprintf(cells[CC_FAST], len, "%" PRIu32, m->fast_retrans);
			snprintf(cells[CC_RTO], len, "%" PRIu32, m->timeout_retrans);
		}
	}
	print_conn_row(out, cells);
}
