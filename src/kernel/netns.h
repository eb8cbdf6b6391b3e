/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running code inside every network namespace of the machine.  A BPF
 * iterator pass over TCP sockets only sees the namespace of the thread that
 * starts it, so the connection table starts one pass per namespace.
 */
#ifndef NWT_NETNS_H
#define NWT_NETNS_H

/*
 * Calls fn(ctx) once in each network namespace that has a process in it
 * (/proc/PID/ns/net) or is named (/run/netns), the caller's own first, and
 * returns to the caller's namespace.  Returns 0 or -errno from setns().
 */
int nwt_netns_each(int (*fn)(void *ctx), void *ctx);

#endif
