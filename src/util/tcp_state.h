/* SPDX-License-Identifier: Apache-2.0 */
/* TCP state names, as the kernel numbers the states (include/net/tcp_states.h). */
#ifndef NWT_TCP_STATE_H
#define NWT_TCP_STATE_H

enum {
	NWT_TCP_ESTABLISHED = 1,
	NWT_TCP_SYN_SENT,
	NWT_TCP_SYN_RECV,
	NWT_TCP_FIN_WAIT1,
	NWT_TCP_FIN_WAIT2,
	NWT_TCP_TIME_WAIT,
	NWT_TCP_CLOSE,
	NWT_TCP_CLOSE_WAIT,
	NWT_TCP_LAST_ACK,
	NWT_TCP_LISTEN,
	NWT_TCP_CLOSING,
	NWT_TCP_NEW_SYN_RECV,
};

/* "ESTABLISHED", "SYN_SENT", ... (JSON); "UNKNOWN" out of range. */
const char *nwt_tcp_state_name(int state);
/* "ESTAB", "SYN-SENT", ... as ss prints them (tables). */
const char *nwt_tcp_state_short_name(int state);

#endif
