/* SPDX-License-Identifier: Apache-2.0 */
#include "util/tcp_state.h"

#include <stddef.h>

static const char *const long_names[] = {
	[NWT_TCP_ESTABLISHED] = "ESTABLISHED", [NWT_TCP_SYN_SENT] = "SYN_SENT",
	[NWT_TCP_SYN_RECV] = "SYN_RECV",       [NWT_TCP_FIN_WAIT1] = "FIN_WAIT1",
	[NWT_TCP_FIN_WAIT2] = "FIN_WAIT2",     [NWT_TCP_TIME_WAIT] = "TIME_WAIT",
	[NWT_TCP_CLOSE] = "CLOSE",             [NWT_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[NWT_TCP_LAST_ACK] = "LAST_ACK",       [NWT_TCP_LISTEN] = "LISTEN",
	[NWT_TCP_CLOSING] = "CLOSING",         [NWT_TCP_NEW_SYN_RECV] = "NEW_SYN_RECV",
};

static const char *const short_names[] = {
	[NWT_TCP_ESTABLISHED] = "ESTAB",      [NWT_TCP_SYN_SENT] = "SYN-SENT",
	[NWT_TCP_SYN_RECV] = "SYN-RECV",      [NWT_TCP_FIN_WAIT1] = "FIN-WAIT-1",
	[NWT_TCP_FIN_WAIT2] = "FIN-WAIT-2",   [NWT_TCP_TIME_WAIT] = "TIME-WAIT",
	[NWT_TCP_CLOSE] = "CLOSE",            [NWT_TCP_CLOSE_WAIT] = "CLOSE-WAIT",
	[NWT_TCP_LAST_ACK] = "LAST-ACK",      [NWT_TCP_LISTEN] = "LISTEN",
	[NWT_TCP_CLOSING] = "CLOSING",        [NWT_TCP_NEW_SYN_RECV] = "NEW-SYN-RECV",
};

static const char *lookup(const char *const *names, size_t n, int state)
{
	if (state > 0 && (size_t)state < n && names[state])
		return names[state];
	return "UNKNOWN";
}

const char *nwt_tcp_state_name(int state)
{
	return lookup(long_names, sizeof(long_names) / sizeof(long_names[0]), state);
}

const char *nwt_tcp_state_short_name(int state)
{
	return lookup(short_names, sizeof(short_names) / sizeof(short_names[0]), state);
}
