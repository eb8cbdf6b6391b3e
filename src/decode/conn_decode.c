/* SPDX-License-Identifier: Apache-2.0 */
#include "decode/conn_decode.h"

#include <errno.h>
#include <string.h>

#include "decode/record_head.h"
#include "util/tcp_state.h"

int nwt_decode_conn_sample(const void *data, size_t size, int64_t monotonic_to_wall_ns,
			   struct nwt_record *rec)
{
	struct nwt_conn_sample s;
	struct nwt_conn_metrics *m = &rec->conn;

	if (size < sizeof(s))
		return -EINVAL;
	memcpy(&s, data, sizeof(s));	/* ring slots and read buffers are not aligned for us */
	nwt_decode_header(&s.hdr, monotonic_to_wall_ns, rec);
	nwt_decode_flow(&s.flow, rec);
	rec->kind = NWT_REC_CONN;
	rec->has_pid = s.flags & NWT_CONN_F_OWNER_KNOWN;
	m->sock_id = s.sock_id;
	m->closed = s.flags & NWT_CONN_F_CLOSED;
	m->state = m->closed ? NWT_TCP_CLOSE : s.state;
	m->role = s.role;
	m->listener = s.role == NWT_ROLE_LISTENER || s.state == NWT_TCP_LISTEN;
	m->has_duration_us = (s.flags & NWT_CONN_F_OPENED) && s.hdr.ts_ns >= s.opened_ns;
	m->duration_us = m->has_duration_us ? (s.hdr.ts_ns - s.opened_ns) / 1000 : 0;
	m->backlog = s.ack_backlog;
	m->max_backlog = s.max_ack_backlog;
	m->rwnd = s.rcv_wnd;
	m->cwnd = s.snd_cwnd;
	m->has_ssthresh = s.snd_ssthresh < NWT_TCP_INFINITE_SSTHRESH;
	m->ssthresh = s.snd_ssthresh;
	m->sndbuf = s.sndbuf;
	m->wmem_queued = s.wmem_queued;
	m->bytes_received = s.bytes_received;
	m->bytes_acked = s.bytes_acked;
	m->has_srtt_us = s.srtt_us8 != 0;
	m->srtt_us = s.srtt_us8 >> 3;
	m->total_retrans = s.total_retrans;
	m->has_retrans_counts = s.flags & NWT_CONN_F_RETRANS_COUNTS;
	m->fast_retrans = s.fast_retrans;
	m->timeout_retrans = s.timeout_retrans;
	return 0;
}

int nwt_decode_retrans(const void *data, size_t size, int64_t monotonic_to_wall_ns,
		       struct nwt_record *rec)
{
	struct nwt_retrans_event e;
	struct nwt_retrans *r = &rec->retrans;

	if (size < sizeof(e))
		return -EINVAL;
	memcpy(&e, data, sizeof(e));
	nwt_decode_header(&e.hdr, monotonic_to_wall_ns, rec);
	nwt_decode_flow(&e.flow, rec);
	rec->kind = NWT_REC_RETRANS;
	rec->has_pid = e.flags & NWT_RETRANS_F_OWNER_KNOWN;
	r->sock_id = e.sock_id;
	r->state = e.state;
	r->role = e.role;
	r->has_seq = e.flags & NWT_RETRANS_F_SEQ;
	r->seq = e.seq;
	r->has_err = e.flags & NWT_RETRANS_F_ERR;
	r->err = e.err;
	r->has_segs = e.flags & NWT_RETRANS_F_SEGS;
	r->segs = e.segs;
	r->fast_retrans = e.fast_retrans;
	r->timeout_retrans = e.timeout_retrans;
	return 0;
}

void nwt_record_as_transition(struct nwt_record *rec)
{
	if (rec->kind <= NWT_REC_CLOSE)
		rec->kind = NWT_REC_TRANSITION;
}
