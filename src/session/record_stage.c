/* SPDX-License-Identifier: Apache-2.0 */
#include "session/record_stage.h"
#include "output/diag.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


/* Runs the flush on every CPU; false if one that is online could not be reached. */
static bool flush_all(const struct nwt_record_stage *st)
{
	bool ok = true;

	for (int cpu = 0; cpu < st->ncpus; cpu++) {
		int rc = nwt_bpf_run_on_cpu(st->flush_fd, cpu);

		if (rc && rc != -ENXIO)	/* ENXIO: offline, its programs do not run */
			ok = false;
	}
	return ok;
}

void nwt_record_stage_start(struct nwt_record_stage *st, struct nwt_bpf *bpf, int verbose)
{
	uint32_t key = 0, on;
	char err[600];
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);

	st->flush_fd = -1;
	st->flushed_at = 0;
	st->ncpus = ncpus > 0 ? (int)ncpus : 1;
	if (nwt_bpf_map_lookup(bpf, NWT_MAP_PKT_STAGE_ON, &key, &on))
		return;		/* no packet probes in this run: nothing is staged */
	st->flush_fd = nwt_bpf_load_runnable(bpf, NWT_RECORD_STAGE_FLUSH_PROG, verbose, err, sizeof(err));
	if (st->flush_fd < 0) {
		if (verbose)
			nwt_diag("packet records go one by one: %s", err);
		return;
	}
	/* Kernels before 5.10 cannot run a program on a chosen CPU: records then go one by one. */
	on = 1;
	if (!flush_all(st) || nwt_bpf_map_update(bpf, NWT_MAP_PKT_STAGE_ON, &key, &on)) {
		if (verbose)
			nwt_diag(
				"packet records go one by one: this kernel cannot run a program on a chosen CPU");
		nwt_record_stage_stop(st);
		return;
	}
	if (verbose)
		nwt_diag("packet records leave in batches of up to %d per CPU",
			NWT_BATCH_RECORDS);
}

void nwt_record_stage_flush(struct nwt_record_stage *st, double now_s, double period_s)
{
	if (st->flush_fd < 0 || (period_s > 0 && now_s - st->flushed_at < period_s))
		return;
	flush_all(st);
	st->flushed_at = now_s;
}

void nwt_record_stage_stop(struct nwt_record_stage *st)
{
	if (st->flush_fd >= 0)
		close(st->flush_fd);
	st->flush_fd = -1;
}
