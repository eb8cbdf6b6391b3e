/* SPDX-License-Identifier: Apache-2.0 */
/* Makes tracepoint formats reachable where libbcc looks for them. */
#ifndef NWT_TRACEFS_H
#define NWT_TRACEFS_H

#include <stddef.h>

/*
 * Ensures /sys/kernel/debug/tracing/events (where libbcc 0.26 reads tracepoint
 * formats) and /sys/kernel/tracing/events (where it opens tracepoint ids)
 * exist, mounting debugfs and tracefs if needed.
 * Writes what it mounted, if anything, into note.  Returns 0 or -errno.
 */
int nwt_tracefs_ensure(char *note, size_t note_len);

/* The directory holding events/, or NULL if none is mounted. */
const char *nwt_tracefs_root(void);

#endif
