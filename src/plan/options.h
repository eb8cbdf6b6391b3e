/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options (see shared cli.md): parsed and range-checked, no side effects. */
#ifndef NWT_OPTIONS_H
#define NWT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"
#include "plan/probe_plan.h"

#define NWT_DEFAULT_RATE 10000u
#define NWT_MAX_PID 4194304L	/* PID_MAX_LIMIT on 64-bit kernels */

struct nwt_options {
	unsigned int features;		/* NWT_FEATURE_* bits */
	enum nwt_attach_kind prefer;	/* NWT_ATTACH_ANY: the plan's own order */

	/* filters; -1 / 0 when unset */
	bool has_prefix;
	struct nwt_prefix prefix;
	int port, sport, dport;
	long pid;
	int family;

	/* output */
	bool json;
	bool list_probes;
	bool verify_probes;		/* compile and load every alternative, attach none */
	int verbose;
	double interval_s;
	unsigned int rate;		/* events per second; 0 = unlimited */
	const char *output_path;
	double duration_s;		/* 0 = until interrupted */
	unsigned long long count;	/* 0 = unlimited */
	const char *kernel_headers;
	bool stats;			/* -s: summaries instead of per-event lines */
	unsigned int top_flows;		/* -u -s: flows listed by bytes; the others summed */
	bool keep_closed;		/* -a: closed connections stay in the -x table */
	bool addr_to_func;		/* -T: kernel addresses as function+offset */
};

enum nwt_parse_result {
	NWT_PARSE_RUN,
	NWT_PARSE_HELP,
	NWT_PARSE_VERSION,
	NWT_PARSE_ERROR,	/* err holds one line naming the argument */
};

enum nwt_parse_result nwt_parse_options(int argc, char **argv, struct nwt_options *opts,
					char *err, size_t err_len);

/* The --help text. */
extern const char nwt_usage[];

#endif
