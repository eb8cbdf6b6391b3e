/* SPDX-License-Identifier: Apache-2.0 */
/* One tracing run: compile and attach the plan, print events, report at exit. */
#ifndef NWT_SESSION_H
#define NWT_SESSION_H

#include "plan/kernel_env.h"
#include "plan/options.h"

/* Returns the process exit code (0, or 1 with a message on stderr). */
int nwt_session_run(const struct nwt_options *opts, struct nwt_kernel_env *env);

/*
 * --list-probes as root: compiles the plan's probes and loads the chosen
 * programs as a tracing run would (falling back the same way), attaches
 * nothing, and prints the kernel facts and the plan on stdout.
 */
int nwt_session_list_probes(const struct nwt_options *opts, struct nwt_kernel_env *env);

#endif
