/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs probes/http/direct_map.bpf.c once: a separate, tiny module, compiled only
 * when -H needs it on a kernel that randomises page_offset_base and keeps it
 * out of /proc/kallsyms.
 */
#include "features/direct_map_calibration.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "features/features.h"
#include "loader/bpf_loader.h"
#include "output/diag.h"
#include "output/verify_report.h"
#include "plan/bpf_defines.h"
#include "plan/probe_source.h"
#include "util/stop.h"

struct dm_search {		/* probes/http/direct_map.bpf.c */
	uint64_t pfn;
	uint64_t magic[2];
	uint64_t found;
};

static void unavailable(struct nwt_direct_map *dm, const char *why)
{
	dm->source = NWT_DM_UNAVAILABLE;
	snprintf(dm->reason, sizeof(dm->reason), "calibrating page_offset_base: %.150s", why);
}

#define CALIBRATION_PROG NWT_PROG_DM_CALIBRATE

/* The calibration probe, compiled to search the first max_gib GiB of the direct map. */
static int compile_search(struct nwt_bpf **bpf, unsigned int max_gib, int verbose, char *err,
			  size_t err_len)
{
	const struct nwt_embedded_file *src = nwt_embedded_find("http/direct_map.bpf.c");
	struct nwt_cflags cf = { 0 };
	char *text;
	int rc;

	if (!src || !(text = strndup(src->text, src->len))) {
		snprintf(err, err_len, "probe source http/direct_map.bpf.c missing");
		return -ENOENT;
	}
	rc = nwt_cflags_add(&cf, "-DNWT_DM_MAX_GIB=%u", max_gib);
	if (rc)
		snprintf(err, err_len, "out of memory");
	rc = rc ?: nwt_bpf_compile(bpf, text, &cf, verbose, err, err_len);
	nwt_cflags_free(&cf);
	free(text);
	return rc;
}

static void search(struct nwt_direct_map *dm, const struct nwt_dm_magic *magic, int verbose)
{
	struct dm_search s = { .pfn = magic->pfn };
	struct nwt_bpf *bpf = NULL;
	unsigned long long pfn_after;
	uint32_t zero = 0;
	char err[600] = "the calibration probe did not run";

	memcpy(s.magic, magic->bytes, sizeof(s.magic));
	if (compile_search(&bpf, dm->max_gib, verbose, err, sizeof(err)))
		unavailable(dm, err);
	else if (nwt_stop_requested())	/* the run ends: no search, no note */
		unavailable(dm, "stopped");
	else if (nwt_bpf_map_update(bpf, NWT_MAP_DM_SEARCH, &zero, &s) ||
		 nwt_bpf_run_once(bpf, CALIBRATION_PROG, verbose, err, sizeof(err)) ||
		 nwt_bpf_map_lookup(bpf, NWT_MAP_DM_SEARCH, &zero, &s))
		unavailable(dm, err);
	else if (!s.found)
		unavailable(dm, "the known page was not found in the direct map");
	else if (nwt_dm_magic_pfn(magic, &pfn_after) || pfn_after != magic->pfn)
		unavailable(dm, "the known page moved while it was searched");
	else {
		dm->source = NWT_DM_CALIBRATED;
		dm->page_offset_base = s.found;
	}
	nwt_bpf_close(bpf);
}

void nwt_direct_map_calibrate(struct nwt_direct_map *dm, int verbose)
{
	struct nwt_dm_magic magic;
	char why[96];
	int err;

	if (dm->source != NWT_DM_CALIBRATE)
		return;
	err = nwt_dm_magic_create(&magic);
	if (err) {
		snprintf(why, sizeof(why), "no page frame from /proc/self/pagemap: %s",
			 strerror(-err));
		unavailable(dm, why);
		return;
	}
	search(dm, &magic, verbose);
	nwt_dm_magic_free(&magic);
	if (verbose && !nwt_stop_requested()) {
		char line[256];

		nwt_diag("page fragments: %s", nwt_direct_map_describe(dm, line, sizeof(line)));
	}
}

int nwt_direct_map_verify(const struct nwt_direct_map *dm, int verbose, FILE *report)
{
	static const char *const runnable[] = { CALIBRATION_PROG, NULL };
	struct nwt_plan no_rows = { .n_probes = 0 };
	struct nwt_bpf *bpf = NULL;
	char err[600];
	int failures;

	/* The search's bound comes from this machine's RAM; any bound loads alike. */
	if (compile_search(&bpf, dm->max_gib ? dm->max_gib : 1, verbose, err, sizeof(err))) {
		nwt_verify_report_line(report, NWT_VERIFY_FAILED, "run on demand",
				       "(direct-map calibration)", err);
		return 1;
	}
	failures = nwt_bpf_verify(bpf, &no_rows, runnable, verbose, nwt_features_report_load, report);
	nwt_bpf_close(bpf);
	return failures;
}
