/* SPDX-License-Identifier: Apache-2.0 */
/* The line on stderr that ends a run: what was printed and what the kernel counted. */
#ifndef NWT_RUN_SUMMARY_H
#define NWT_RUN_SUMMARY_H

#include <stdbool.h>

#include "output/stats.h"

struct nwt_run_summary {
	unsigned long long printed;	/* records in the output whole (or counted, -s) */
	unsigned long long undecodable;
	bool have_counts;		/* the kernel's counters could be read */
	struct nwt_counts counts;	/* after detaching: exact */
	/* How the output ended: 0, EPIPE (its reader went away), EINTR (a stop while not being read). */
	int output_end;
	const char *output_path;	/* -o, or NULL for stdout */
};

void nwt_run_summary_print(const struct nwt_run_summary *sum);
/* The line of a run stopped before tracing began, while it was doing phase. */
void nwt_run_summary_print_early_stop(const char *phase);

#endif
