/* SPDX-License-Identifier: Apache-2.0 */
#include "output/udp_flows.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "output/json_writer.h"
#include "output/output.h"
#include "output/table.h"
#include "util/addr.h"

static uint64_t row_bytes(const struct nwt_udp_flow_row *r)
{
	return r->tx_bytes + r->rx_bytes;
}

static int by_bytes_desc(const void *a, const void *b)
{
	const struct nwt_udp_flow_row *x = a, *y = b;
	uint64_t bx = row_bytes(x), by = row_bytes(y);
	uint64_t dx = x->tx_datagrams + x->rx_datagrams, dy = y->tx_datagrams + y->rx_datagrams;

	if (bx != by)
		return bx > by ? -1 : 1;
	if (dx != dy)
		return dx > dy ? -1 : 1;
	/* a stable order for equal flows: the endpoints */
	return memcmp(x, y, offsetof(struct nwt_udp_flow_row, tx_datagrams));
}

size_t nwt_udp_flows_rank(struct nwt_udp_flow_row *rows, size_t n, size_t top,
			  struct nwt_udp_flows_rest *rest)
{
	qsort(rows, n, sizeof(*rows), by_bytes_desc);
	for (size_t i = top; i < n; i++) {
		rest->flows++;
		rest->tx_datagrams += rows[i].tx_datagrams;
		rest->tx_bytes += rows[i].tx_bytes;
		rest->rx_datagrams += rows[i].rx_datagrams;
		rest->rx_bytes += rows[i].rx_bytes;
		rest->drops += rows[i].drops;
	}
	return n < top ? n : top;
}

static double rate(uint64_t n, double window_s)
{
	return window_s > 0 ? n / window_s : 0;
}

/* ---- table ---- */

struct flow_cell_row {
	const struct nwt_udp_flow_row *row;
	double window_s;
};

#define FLOW(r) (((const struct flow_cell_row *)(r))->row)

static void cell_local(const void *r, char *cell, size_t len)
{
	nwt_format_endpoint(FLOW(r)->family, FLOW(r)->laddr, FLOW(r)->lport, cell, len);
}

static void cell_remote(const void *r, char *cell, size_t len)
{
	nwt_format_endpoint(FLOW(r)->family, FLOW(r)->raddr, FLOW(r)->rport, cell, len);
}

#define COUNT_CELL(name, field)                                            \
	static void name(const void *r, char *cell, size_t len)           \
	{                                                                  \
		snprintf(cell, len, "%" PRIu64, FLOW(r)->field);          \
	}
COUNT_CELL(cell_tx_dgrams, tx_datagrams)
COUNT_CELL(cell_tx_bytes, tx_bytes)
COUNT_CELL(cell_rx_dgrams, rx_datagrams)
COUNT_CELL(cell_rx_bytes, rx_bytes)
COUNT_CELL(cell_drops, drops)

static void cell_tx_rate(const void *r, char *cell, size_t len)
{
	const struct flow_cell_row *c = r;

	snprintf(cell, len, "%.0f", rate(c->row->tx_bytes, c->window_s));
}

static void cell_rx_rate(const void *r, char *cell, size_t len)
{
	const struct flow_cell_row *c = r;

	snprintf(cell, len, "%.0f", rate(c->row->rx_bytes, c->window_s));
}

static const struct nwt_table_column flow_columns[] = {
	{ "LOCAL", 23, false, NWT_ENDPOINT_STRLEN, cell_local },
	{ "REMOTE", 23, false, NWT_ENDPOINT_STRLEN, cell_remote },
	{ "TX_DGRAMS", 9, true, 0, cell_tx_dgrams },
	{ "TX_BYTES", 10, true, 0, cell_tx_bytes },
	{ "RX_DGRAMS", 9, true, 0, cell_rx_dgrams },
	{ "RX_BYTES", 10, true, 0, cell_rx_bytes },
	{ "DROPS", 6, true, 0, cell_drops },
	{ "TX_B/s", 10, true, 0, cell_tx_rate },
	{ "RX_B/s", 10, true, 0, cell_rx_rate },
};

static const struct nwt_table flow_table = {
	flow_columns, sizeof(flow_columns) / sizeof(flow_columns[0]), true
};

static void print_table(FILE *out, const struct nwt_udp_flows_report *r)
{
	const struct nwt_udp_flows_rest *rest = &r->rest;

	fprintf(out, "UDP flows %s (%.1f s), top %zu by bytes:\n",
		r->final ? "since start" : "in the last interval", r->window_s, r->n_rows);
	nwt_table_header(out, &flow_table);
	for (size_t i = 0; i < r->n_rows; i++) {
		struct flow_cell_row c = { &r->rows[i], r->window_s };

		nwt_table_row(out, &flow_table, &c);
	}
	if (rest->flows || rest->unkept_datagrams)
		fprintf(out,
			"other flows: %" PRIu64 ", tx %" PRIu64 " datagrams %" PRIu64 " bytes, rx %" PRIu64
			" datagrams %" PRIu64 " bytes, %" PRIu64 " drops; %" PRIu64
			" datagrams of flows the kernel's table had no room for\n",
			rest->flows, rest->tx_datagrams, rest->tx_bytes, rest->rx_datagrams,
			rest->rx_bytes, rest->drops, rest->unkept_datagrams);
}

/* ---- JSON ---- */

static void json_addr(struct nwt_json *j, const char *key, int family, const uint8_t *addr)
{
	char text[64];

	nwt_json_field_str(j, key, nwt_format_addr(family, addr, text, sizeof(text)));
}

static void json_counts(struct nwt_json *j, uint64_t txd, uint64_t txb, uint64_t rxd, uint64_t rxb,
			uint64_t drops)
{
	nwt_json_field_int(j, "tx_datagrams", (int64_t)txd);
	nwt_json_field_int(j, "tx_bytes", (int64_t)txb);
	nwt_json_field_int(j, "rx_datagrams", (int64_t)rxd);
	nwt_json_field_int(j, "rx_bytes", (int64_t)rxb);
	nwt_json_field_int(j, "drops", (int64_t)drops);
}

static void print_json(FILE *out, const struct nwt_udp_flows_report *r)
{
	const struct nwt_udp_flows_rest *rest = &r->rest;
	struct nwt_json j;
	char buf[8192], ts[64];

	nwt_json_file(&j, out, buf, sizeof(buf));
	nwt_json_object_begin(&j);
	nwt_json_field_str(&j, "type", "udp_flows");
	nwt_json_field_str(&j, "ts", nwt_format_iso8601(r->wall_ns, ts, sizeof(ts)));
	nwt_json_field_bool(&j, "final", r->final);
	nwt_json_field_real(&j, "window_s", r->window_s);
	nwt_json_key(&j, "flows");
	nwt_json_array_begin(&j);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct nwt_udp_flow_row *f = &r->rows[i];

		nwt_json_object_begin(&j);
		nwt_json_field_str(&j, "family", f->family == AF_INET6 ? "ipv6" : "ipv4");
		json_addr(&j, "saddr", f->family, f->laddr);
		nwt_json_field_int(&j, "sport", f->lport);
		json_addr(&j, "daddr", f->family, f->raddr);
		nwt_json_field_int(&j, "dport", f->rport);
		json_counts(&j, f->tx_datagrams, f->tx_bytes, f->rx_datagrams, f->rx_bytes, f->drops);
		nwt_json_field_real(&j, "tx_bytes_per_s", rate(f->tx_bytes, r->window_s));
		nwt_json_field_real(&j, "rx_bytes_per_s", rate(f->rx_bytes, r->window_s));
		nwt_json_field_real(&j, "tx_datagrams_per_s", rate(f->tx_datagrams, r->window_s));
		nwt_json_field_real(&j, "rx_datagrams_per_s", rate(f->rx_datagrams, r->window_s));
		nwt_json_object_end(&j);
	}
	nwt_json_array_end(&j);
	nwt_json_key(&j, "other_flows");
	nwt_json_object_begin(&j);
	nwt_json_field_int(&j, "flows", (int64_t)rest->flows);
	json_counts(&j, rest->tx_datagrams, rest->tx_bytes, rest->rx_datagrams, rest->rx_bytes,
		    rest->drops);
	nwt_json_field_int(&j, "unkept_datagrams", (int64_t)rest->unkept_datagrams);
	nwt_json_object_end(&j);
	nwt_json_object_end(&j);
	nwt_json_raw(&j, "\n", 1);
	nwt_json_finish(&j);
}

void nwt_udp_flows_print(FILE *out, const struct nwt_udp_flows_report *r, bool json)
{
	if (json)
		print_json(out, r);
	else
		print_table(out, r);
}
