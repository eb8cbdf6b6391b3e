/* SPDX-License-Identifier: Apache-2.0 */
/* Can this process load and attach BPF tracing programs? */
#ifndef NWT_PRIVILEGES_H
#define NWT_PRIVILEGES_H

#include <stdbool.h>
#include <stddef.h>

/* True if root, CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON; else a reason in why. */
bool nwt_can_trace(char *why, size_t len);

#endif
