/* SPDX-License-Identifier: Apache-2.0 */
/*
 * -k/-e: the kernel's counts of drops per reason and error packets per kind,
 * as the exit summary's lines and as the -s lines (a table line each, or one
 * "fault_stats" JSON object).  The session reads the counts and names them.
 */
#ifndef NWT_FAULT_SUMMARY_H
#define NWT_FAULT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct nwt_fault_count {
	char name[64];
	uint64_t count;
	bool not_printed;	/* counted, but its records are only printed with -v */
};

struct nwt_fault_counts {
	bool have_drops;	/* -k, and the kernel's drop counts were read */
	const struct nwt_fault_count *drops;	/* per reason, those with a count */
	size_t n_drops;
	bool have_kinds;	/* -e, and the error counts were read */
	const struct nwt_fault_count *kinds;	/* every kind, in order */
	size_t n_kinds;
};

/* "nwtrace: drops by reason: ..." and "nwtrace: error packets: ..." */
void nwt_fault_summary_print(FILE *out, const struct nwt_fault_counts *c);
/* -s: the counts since start, as lines or one JSON object. */
void nwt_fault_stats_print(FILE *out, const struct nwt_fault_counts *c, bool json,
			   uint64_t wall_ns);

#endif
