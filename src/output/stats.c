/* SPDX-License-Identifier: Apache-2.0 */
#include "output/stats.h"

#include <string.h>

#include "output/json_writer.h"
#include "output/output.h"
#include "output/table.h"
#include "decode/packet_record.h"

static int bucket_of(uint64_t ns)
{
	int k = 0;

	while (ns > 1 && k < NWT_HIST_BUCKETS - 1) {
		ns >>= 1;
		k++;
	}
	return k;
}

static void add_to(struct nwt_stats_window *w, const struct nwt_record *rec)
{
	const struct nwt_packet_record *p = &rec->packet;

	w->records++;
	if (rec->kind == NWT_REC_HOP) {
		w->points[p->point]++;
		return;
	}
	if (rec->kind != NWT_REC_PACKET)
		return;
	w->packets[p->rx]++;
	for (int i = 0; i < NWT_PT_PER_DIR; i++)
		if (p->point_seen[i])
			w->points[(p->rx ? NWT_PT_RX_DEV : NWT_PT_TX_TCP) + i]++;
	for (int i = 0; i < p->n_spans; i++) {
		int l = nwt_pkt_span_index(p->rx, p->span_first[i], p->span_last[i]);

		if (l < 0)
			continue;
		w->hist[l][bucket_of(p->span_ns[i])]++;
		w->layer_count[l]++;
	}
}

void nwt_stats_add(struct nwt_stats *s, const struct nwt_record *rec)
{
	if (rec->kind == NWT_REC_HOP && (rec->packet.point < 0 || rec->packet.point >= NWT_PT_MAX))
		return;
	add_to(&s->interval, rec);
	add_to(&s->total, rec);
}

uint64_t nwt_stats_quantile_ns(const struct nwt_stats_window *w, int layer, double q)
{
	uint64_t n = w->layer_count[layer], seen = 0;

	if (!n)
		return 0;
	for (int k = 0; k < NWT_HIST_BUCKETS; k++) {
		seen += w->hist[layer][k];
		if (seen >= q * n)
			return 2ULL << k;
	}
	return 2ULL << (NWT_HIST_BUCKETS - 1);
}

/* "tx_qdisc_us", "rx_ip_tcp_us": span index -> name */
static const char *dir_layer_name(int span, char *buf, size_t len)
{
	bool rx = span >= 6;

	for (int first = 0; first < NWT_LAYERS_PER_DIR; first++)
		for (int last = first; last < NWT_LAYERS_PER_DIR; last++)
			if (nwt_pkt_span_index(rx, first, last) == span) {
				char name[48];

				snprintf(buf, len, "%s_%s", rx ? "rx" : "tx",
					 nwt_pkt_span_name(rx, false, first, last, name, sizeof(name)));
			}
	return buf;
}

static bool point_planned(unsigned int planned, int point)
{
	return planned & (1u << point);
}

/* -t, --hops: packets, points passed and layer times; only with a packet point planned. */
static void print_json_packets(struct nwt_json *j, const struct nwt_stats_window *w,
			       unsigned int planned)
{
	char buf[64];

	nwt_json_field_int(j, "packets_tx", (int64_t)w->packets[0]);
	nwt_json_field_int(j, "packets_rx", (int64_t)w->packets[1]);
	nwt_json_key(j, "points");
	nwt_json_object_begin(j);
	for (int i = 0; i < NWT_PT_MAX; i++)
		if (point_planned(planned, i))
			nwt_json_field_int(j, nwt_pkt_point_name(i), (int64_t)w->points[i]);
	nwt_json_object_end(j);
	nwt_json_key(j, "layers");
	nwt_json_object_begin(j);
	for (int l = 0; l < NWT_PKT_SPANS; l++) {
		if (!w->layer_count[l])
			continue;
		nwt_json_key(j, dir_layer_name(l, buf, sizeof(buf)));
		nwt_json_object_begin(j);
		nwt_json_field_int(j, "count", (int64_t)w->layer_count[l]);
		nwt_json_field_real(j, "p50_us", nwt_stats_quantile_ns(w, l, 0.5) / 1000.0);
		nwt_json_field_real(j, "p99_us", nwt_stats_quantile_ns(w, l, 0.99) / 1000.0);
		nwt_json_key(j, "hist");
		nwt_json_array_begin(j);
		for (int k = 0; k < NWT_HIST_BUCKETS; k++) {
			if (!w->hist[l][k])
				continue;
			nwt_json_object_begin(j);
			nwt_json_field_real(j, "lt_us", (2ULL << k) / 1000.0);
			nwt_json_field_int(j, "count", (int64_t)w->hist[l][k]);
			nwt_json_object_end(j);
		}
		nwt_json_array_end(j);
		nwt_json_object_end(j);
	}
	nwt_json_object_end(j);
}

static void print_json(FILE *out, const struct nwt_stats_window *w, unsigned int planned,
		       bool final, double seconds, uint64_t wall_ns, const struct nwt_counts *c)
{
	struct nwt_json j;
	char jbuf[4096], buf[64];

	nwt_json_file(&j, out, jbuf, sizeof(jbuf));
	nwt_json_object_begin(&j);
	nwt_json_field_str(&j, "type", final ? "stats_summary" : "stats");
	nwt_json_field_str(&j, "ts", nwt_format_iso8601(wall_ns, buf, sizeof(buf)));
	nwt_json_field_real(&j, "interval_s", seconds);
	nwt_json_field_int(&j, "records", (int64_t)w->records);
	if (planned)
		print_json_packets(&j, w, planned);
	nwt_json_field_int(&j, "generated", (int64_t)c->generated);
	nwt_json_field_int(&j, "delivered", (int64_t)c->delivered);
	nwt_json_field_int(&j, "suppressed", (int64_t)c->suppressed);
	nwt_json_field_int(&j, "lost", (int64_t)c->lost);
	nwt_json_field_int(&j, "filtered", (int64_t)c->filtered);
	nwt_json_field_int(&j, "reads_lost", (int64_t)c->reads_lost);
	nwt_json_object_end(&j);
	nwt_json_raw(&j, "\n", 1);
	nwt_json_finish(&j);
}

/* A row of the per-layer table: one span of layers in a window. */
struct layer_row {
	const struct nwt_stats_window *w;
	int layer;
};

static void cell_layer(const void *row, char *cell, size_t len)
{
	dir_layer_name(((const struct layer_row *)row)->layer, cell, len);
}

static void cell_count(const void *row, char *cell, size_t len)
{
	const struct layer_row *r = row;

	snprintf(cell, len, "%llu", (unsigned long long)r->w->layer_count[r->layer]);
}

static void cell_p50(const void *row, char *cell, size_t len)
{
	const struct layer_row *r = row;

	snprintf(cell, len, "%.3f", nwt_stats_quantile_ns(r->w, r->layer, 0.5) / 1000.0);
}

static void cell_p99(const void *row, char *cell, size_t len)
{
	const struct layer_row *r = row;

	snprintf(cell, len, "%.3f", nwt_stats_quantile_ns(r->w, r->layer, 0.99) / 1000.0);
}

/* Each bucket as " <bound:count" (so two spaces lead the first, as under the header). */
static void cell_hist(const void *row, char *cell, size_t len)
{
	const struct layer_row *r = row;
	size_t n = 0;

	cell[0] = '\0';
	for (int k = 0; k < NWT_HIST_BUCKETS && n < len; k++)
		if (r->w->hist[r->layer][k])
			n += (size_t)snprintf(cell + n, len - n, " <%g:%llu", (2ULL << k) / 1000.0,
					      (unsigned long long)r->w->hist[r->layer][k]);
}

static const struct nwt_table_column layer_columns[] = {
	{ "LAYER", 13, false, 64, cell_layer },
	{ "COUNT", 10, true, 0, cell_count },
	{ "P50_US", 10, true, 0, cell_p50 },
	{ "P99_US", 10, true, 0, cell_p99 },
	{ " LOG2 HISTOGRAM (<us:count)", 0, false, 0, cell_hist },
};

static const struct nwt_table layer_table = {
	layer_columns, sizeof(layer_columns) / sizeof(layer_columns[0]), false
};

/* -t, --hops: packets, points passed and layer times; only with a packet point planned. */
static void print_table_packets(FILE *out, const struct nwt_stats_window *w, unsigned int planned)
{
	fprintf(out, "packets   tx %llu  rx %llu  (records %llu)\n",
		(unsigned long long)w->packets[0], (unsigned long long)w->packets[1],
		(unsigned long long)w->records);
	fprintf(out, "points   ");
	for (int i = 0; i < NWT_PT_MAX; i++)
		if (point_planned(planned, i))
			fprintf(out, " %s %llu", nwt_pkt_point_name(i),
				(unsigned long long)w->points[i]);
		else
			fprintf(out, " %s -", nwt_pkt_point_name(i));
	fputc('\n', out);
	nwt_table_header(out, &layer_table);
	for (int l = 0; l < NWT_PKT_SPANS; l++) {
		struct layer_row row = { w, l };

		if (w->layer_count[l])
			nwt_table_row(out, &layer_table, &row);
	}
}

static void print_table(FILE *out, const struct nwt_stats_window *w, unsigned int planned,
			bool final, double seconds, uint64_t wall_ns, const struct nwt_counts *c)
{
	char buf[64];

	fprintf(out, "=== %s %s (%.1fs) ===\n", final ? "total" : "interval",
		nwt_format_iso8601(wall_ns, buf, sizeof(buf)), seconds);
	if (planned)
		print_table_packets(out, w, planned);
	fprintf(out, "events    generated %llu = delivered %llu + suppressed %llu + lost %llu (filtered %llu)",
		(unsigned long long)c->generated, (unsigned long long)c->delivered,
		(unsigned long long)c->suppressed, (unsigned long long)c->lost,
		(unsigned long long)c->filtered);
	if (c->reads_lost)
		fprintf(out, "; %llu socket reads lost", (unsigned long long)c->reads_lost);
	fputc('\n', out);
}

void nwt_stats_print(FILE *out, struct nwt_stats *s, bool json, bool final, double seconds,
		     uint64_t wall_ns, const struct nwt_counts *counts)
{
	const struct nwt_stats_window *w = final ? &s->total : &s->interval;

	if (json)
		print_json(out, w, s->points_planned, final, seconds, wall_ns, counts);
	else
		print_table(out, w, s->points_planned, final, seconds, wall_ns, counts);
	memset(&s->interval, 0, sizeof(s->interval));
}
