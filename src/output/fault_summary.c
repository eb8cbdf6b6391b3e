/* SPDX-License-Identifier: Apache-2.0 */
#include "output/fault_summary.h"

#include <inttypes.h>
#include <string.h>

#include "output/json_writer.h"
#include "output/output.h"

void nwt_fault_summary_print(FILE *out, const struct nwt_fault_counts *c)
{
	if (c->have_drops) {
		fprintf(out, "nwtrace: drops by reason:%s", c->n_drops ? "" : " none");
		for (size_t i = 0; i < c->n_drops; i++)
			fprintf(out, "%s %s %" PRIu64 "%s", i ? "," : "", c->drops[i].name,
				c->drops[i].count,
				c->drops[i].not_printed ? " (counted, not printed; -v prints them)" : "");
		fputc('\n', out);
	}
	if (c->have_kinds) {
		fprintf(out, "nwtrace: error packets:");
		for (size_t k = 0; k < c->n_kinds; k++)
			fprintf(out, "%s %s %" PRIu64, k ? "," : "", c->kinds[k].name, c->kinds[k].count);
		fputc('\n', out);
	}
}

static void print_lines(FILE *out, const struct nwt_fault_counts *c)
{
	if (c->have_drops) {
		fprintf(out, "drops since start by reason:%s", c->n_drops ? "" : " none");
		for (size_t i = 0; i < c->n_drops; i++)
			fprintf(out, "%s %s %" PRIu64, i ? "," : "", c->drops[i].name, c->drops[i].count);
		fputc('\n', out);
	}
	if (c->have_kinds) {
		fprintf(out, "error packets since start:");
		for (size_t k = 0; k < c->n_kinds; k++)
			fprintf(out, "%s %s %" PRIu64, k ? "," : "", c->kinds[k].name, c->kinds[k].count);
		fputc('\n', out);
	}
}

/*
 * Keys are unique: a name that comes again (two reason numbers the kernel
 * names alike) keeps its first place and takes the last count.  A name that
 * is not UTF-8 cannot be a key; its count is left out.
 */
static void counts_object(struct nwt_json *j, const char *key, const struct nwt_fault_count *n,
			  size_t len)
{
	nwt_json_key(j, key);
	nwt_json_object_begin(j);
	for (size_t i = 0; i < len; i++) {
		size_t last = i;
		bool seen = false;

		if (!nwt_json_utf8_valid(n[i].name))
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(n[k].name, n[i].name);
		if (seen)
			continue;
		for (size_t k = i + 1; k < len; k++)
			if (!strcmp(n[k].name, n[i].name))
				last = k;
		nwt_json_field_int(j, n[i].name, (int64_t)n[last].count);
	}
	nwt_json_object_end(j);
}

void nwt_fault_stats_print(FILE *out, const struct nwt_fault_counts *c, bool json,
			   uint64_t wall_ns)
{
	struct nwt_json j;
	char buf[4096], ts[64];

	if (!json) {
		print_lines(out, c);
		return;
	}
	nwt_json_file(&j, out, buf, sizeof(buf));
	nwt_json_object_begin(&j);
	nwt_json_field_str(&j, "type", "fault_stats");
	nwt_json_field_str(&j, "ts", nwt_format_iso8601(wall_ns, ts, sizeof(ts)));
	if (c->have_drops)
		counts_object(&j, "drops_by_reason", c->drops, c->n_drops);
	if (c->have_kinds)
		counts_object(&j, "errors", c->kinds, c->n_kinds);
	nwt_json_object_end(&j);
	nwt_json_raw(&j, "\n", 1);
	nwt_json_finish(&j);
}
