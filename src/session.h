/* One tracing run: compile and attach the plan, print events, report at exit. */
#ifndef NWT_SESSION_H
#define NWT_SESSION_H

#include "kernel_env.h"
#include "options.h"

/* Returns the process exit code (0, or 1 with a message on stderr). */
int nwt_session_run(const struct nwt_options *opts, struct nwt_kernel_env *env);

#endif
