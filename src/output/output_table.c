/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/addr.h"
#include "output/output.h"
#include "output/output_packet.h"
#include "output/output_conn.h"
#include "output/table.h"
#include "util/tcp_state.h"

/* Wide enough for the EVENT cell of drops: reason, flags, function+offset, device. */
#define NWT_TABLE_CELL_LEN 192

static void cell_time(const void *row, char *cell, size_t len)
{
	const struct nwt_record *rec = row;
	time_t secs = (time_t)(rec->wall_ns / 1000000000ULL);
	struct tm tm;

	localtime_r(&secs, &tm);
	strftime(cell, len, "%H:%M:%S", &tm);
}

static void cell_pid(const void *row, char *cell, size_t len)
{
	const struct nwt_record *rec = row;

	if (rec->has_pid)
		snprintf(cell, len, "%u", rec->pid);
	else
		snprintf(cell, len, "-");
}

static void cell_comm(const void *row, char *cell, size_t len)
{
	const struct nwt_record *rec = row;

	snprintf(cell, len, "%s", rec->has_pid ? rec->comm : "-");
}

static void cell_local(const void *row, char *cell, size_t len)
{
	const struct nwt_record *rec = row;

	if (rec->family)
		nwt_format_endpoint(rec->family, rec->saddr, rec->sport, cell, len);
	else
		snprintf(cell, len, "-");
}

static void cell_remote(const void *row, char *cell, size_t len)
{
	const struct nwt_record *rec = row;

	if (rec->family)
		nwt_format_endpoint(rec->family, rec->daddr, rec->dport, cell, len);
	else
		snprintf(cell, len, "-");
}

static void cell_event(const void *row, char *cell, size_t len);

/* Widths keep a full IPv4 line (21-character endpoints) under 80 columns; COMM is cut to 7. */
static const struct nwt_table_column event_columns[] = {
	{ "TIME", 8, false, NWT_TABLE_CELL_LEN, cell_time },
	{ "PID", 6, true, NWT_TABLE_CELL_LEN, cell_pid },
	{ "COMM", 7, false, 7 + 1, cell_comm },
	{ "LOCAL", 21, false, NWT_TABLE_CELL_LEN, cell_local },
	{ "REMOTE", 21, false, NWT_TABLE_CELL_LEN, cell_remote },
	{ "EVENT", 11, false, NWT_TABLE_CELL_LEN, cell_event },
};

static const struct nwt_table event_table = {
	event_columns, sizeof(event_columns) / sizeof(event_columns[0]), false
};

void nwt_table_print_header(FILE *out)
{
	nwt_table_header(out, &event_table);
}

static void format_event_cell(const struct nwt_record *rec, char *buf, size_t len)
{
	const struct nwt_tcp_state_change *tc = &rec->tcp_state;
	char dur[16];

	switch (rec->kind) {
	case NWT_REC_CLOSE:
		if (tc->has_lifetime_us)
			snprintf(buf, len, "close %s",
				 nwt_format_duration_us(tc->lifetime_us, dur, sizeof(dur)));
		else
			snprintf(buf, len, "close");
		break;
	case NWT_REC_STATE:
		snprintf(buf, len, "%s", nwt_tcp_state_short_name(tc->new_state));
		break;
	case NWT_REC_RETRANS:
		nwt_format_retrans_cell(rec, buf, len);
		break;
	case NWT_REC_TRANSITION:
		nwt_format_transition_cell(rec, buf, len);
		break;
	default:
		if (nwt_record_is_fault(rec))
			nwt_table_fault_cell(rec, buf, len);
		else
			snprintf(buf, len, "%s", nwt_record_kind_name(rec->kind));
	}
}

static void cell_event(const void *row, char *cell, size_t len)
{
	format_event_cell(row, cell, len);
}

void nwt_table_print_record(FILE *out, const struct nwt_record *rec)
{
	if (rec->kind == NWT_REC_PACKET || rec->kind == NWT_REC_HOP || rec->kind == NWT_REC_UDP) {
		nwt_packet_table_print(out, rec);
		return;
	}
	nwt_table_row(out, &event_table, rec);
}
