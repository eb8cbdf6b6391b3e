/* SPDX-License-Identifier: Apache-2.0 */
/* nwtrace: see what the Linux network stack does to your traffic. */
#include <stdio.h>
#include <sys/utsname.h>

#include "kernel/privileges.h"
#include "loader/bpf_loader.h"
#include "output/diag.h"
#include "output/run_summary.h"
#include "plan/kernel_env.h"
#include "plan/options.h"
#include "session/plan_report.h"
#include "session/session.h"
#include "util/stop.h"

#ifndef NWT_VERSION
#define NWT_VERSION "0.1.0"
#endif

static int print_version(void)
{
	struct utsname uts;

	uname(&uts);
	printf("nwtrace %s (libbcc %s, kernel %s)\n", NWT_VERSION, nwt_bpf_libbcc_version(),
	       uts.release);
	return 0;
}

int main(int argc, char **argv)
{
	struct nwt_options opts;
	struct nwt_kernel_env env;
	const struct nwt_planned_probe *missing;
	char err[512];
	bool privileged;
	int rc;

	nwt_stop_install();	/* a stop request from here on is kept, never lost */
	switch (nwt_parse_options(argc, argv, &opts, err, sizeof(err))) {
	case NWT_PARSE_HELP:
		fputs(nwt_usage, stdout);
		return 0;
	case NWT_PARSE_VERSION:
		return print_version();
	case NWT_PARSE_ERROR:
		nwt_diag("%s", err);
		return 2;
	case NWT_PARSE_RUN:
		break;
	}

	privileged = nwt_can_trace(err, sizeof(err));
	if (!privileged && !opts.list_probes) {
		nwt_diag("%s", err);
		return 1;
	}
	nwt_kernel_env_init(&env, &opts, privileged);
	if (env.tracefs_note[0])
		nwt_diag("tracepoint formats were not reachable: %s",
			env.tracefs_note);
	if (nwt_stop_requested()) {
		nwt_run_summary_print_early_stop("reading the kernel's facts");
		nwt_kernel_env_free(&env);
		return 0;
	}
	if (opts.list_probes) {
		rc = 0;
		if (privileged) {
			rc = nwt_session_list_probes(&opts, &env);
		} else {
			nwt_plan_set_loaded(&env.plan, false,
					    "not load-checked: loading needs root (CAP_BPF)");
			nwt_kernel_env_print(stdout, &env, opts.json);
		}
		nwt_kernel_env_free(&env);
		return rc;
	}

	missing = nwt_plan_first_unavailable(&env.plan);
	if (missing && !opts.verify_probes) {
		nwt_diag(
			"feature '%s' cannot run on this kernel: probe '%s' has no usable attach point (see --list-probes)",
			missing->probe->feature_name, missing->probe->name);
		nwt_kernel_env_free(&env);
		return 1;
	}
	rc = nwt_session_run(&opts, &env);
	nwt_kernel_env_free(&env);
	return rc;
}
