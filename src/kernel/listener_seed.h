/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Listening TCP sockets that existed before tracing started, with the process
 * that owns each, read from /proc.  The probes learn owners at listen(); these
 * seed the same map so that connections accepted by long-running servers are
 * attributed to them too.
 */
#ifndef NWT_LISTENER_SEED_H
#define NWT_LISTENER_SEED_H

#include <stddef.h>

#include "probes/nwtrace_events.h"

struct nwt_seeded_listener {
	struct nwt_listener_key key;
	struct nwt_listener_owner owner;
};

/*
 * Scans proc_root ("/proc") and writes up to max listeners to out.
 * Returns how many were found, or -errno.
 */
int nwt_listeners_scan(const char *proc_root, struct nwt_seeded_listener *out, size_t max);

#endif
