/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stop requests.  SIGINT and SIGTERM, and SIGHUP unless nwtrace was started
 * with it ignored (nohup), only set a flag: each phase of a run checks it
 * when it can, so a stop that comes while libbcc compiles takes effect as
 * soon as the compile returns, and one that comes while tracing ends the
 * poll loop.  SIGPIPE is ignored: a closed output is seen as EPIPE.
 */
#ifndef NWT_STOP_H
#define NWT_STOP_H

#include <stdbool.h>

/* Installs the handlers; call first thing, before anything takes time. */
void nwt_stop_install(void);

bool nwt_stop_requested(void);

#endif
