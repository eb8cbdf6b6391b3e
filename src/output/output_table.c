/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/addr.h"
#include "output/output.h"
#include "output/output_packet.h"
#include "output/output_conn.h"
#include "util/tcp_state.h"

/* Wide enough for the EVENT cell of drops: reason, flags, function+offset, device. */
#define NWT_TABLE_CELL_LEN 192

enum table_column { COL_TIME, COL_PID, COL_COMM, COL_LOCAL, COL_REMOTE, COL_EVENT, COL_MAX };

/* Widths keep a full IPv4 line (21-character endpoints) under 80 columns. */
const struct nwt_column nwt_table_columns[COL_MAX] = {
	[COL_TIME] = { "TIME", 8, false },	 [COL_PID] = { "PID", 6, true },
	[COL_COMM] = { "COMM", 7, false },	 [COL_LOCAL] = { "LOCAL", 21, false },
	[COL_REMOTE] = { "REMOTE", 21, false }, [COL_EVENT] = { "EVENT", 11, false },
};
const size_t nwt_table_columns_len = COL_MAX;

static void print_row(FILE *out, char cells[COL_MAX][NWT_TABLE_CELL_LEN])
{
	for (int i = 0; i < COL_MAX; i++) {
		const struct nwt_column *c = &nwt_table_columns[i];
		const char *sep = i ? " " : "";

		if (i == COL_MAX - 1)
			fprintf(out, "%s%s\n", sep, cells[i]);
		else if (c->right_aligned)
			fprintf(out, "%s%*s", sep, c->width, cells[i]);
		else
			fprintf(out, "%s%-*s", sep, c->width, cells[i]);
	}
}

void nwt_table_print_header(FILE *out)
{
	char cells[COL_MAX][NWT_TABLE_CELL_LEN];

	for (int i = 0; i < COL_MAX; i++)
		snprintf(cells[i], sizeof(cells[i]), "%s", nwt_table_columns[i].header);
	print_row(out, cells);
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

void nwt_table_print_record(FILE *out, const struct nwt_record *rec)
{
	char cells[COL_MAX][NWT_TABLE_CELL_LEN];
	time_t secs = (time_t)(rec->wall_ns / 1000000000ULL);
	struct tm tm;

	if (rec->kind == NWT_REC_PACKET || rec->kind == NWT_REC_HOP) {
		nwt_packet_table_print(out, rec);
		return;
	}
	localtime_r(&secs, &tm);
	strftime(cells[COL_TIME], sizeof(cells[COL_TIME]), "%H:%M:%S", &tm);
	if (rec->has_pid)
		snprintf(cells[COL_PID], sizeof(cells[COL_PID]), "%u", rec->pid);
	else
		snprintf(cells[COL_PID], sizeof(cells[COL_PID]), "-");
	snprintf(cells[COL_COMM], sizeof(cells[COL_COMM]), "%.*s", nwt_table_columns[COL_COMM].width,
		 rec->has_pid ? rec->comm : "-");
	if (rec->family) {
		nwt_format_endpoint(rec->family, rec->saddr, rec->sport, cells[COL_LOCAL],
				    sizeof(cells[COL_LOCAL]));
		nwt_format_endpoint(rec->family, rec->daddr, rec->dport, cells[COL_REMOTE],
				    sizeof(cells[COL_REMOTE]));
	} else {
		snprintf(cells[COL_LOCAL], sizeof(cells[COL_LOCAL]), "-");
		snprintf(cells[COL_REMOTE], sizeof(cells[COL_REMOTE]), "-");
	}
	format_event_cell(rec, cells[COL_EVENT], sizeof(cells[COL_EVENT]));
	print_row(out, cells);
}
