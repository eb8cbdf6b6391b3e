/* SPDX-License-Identifier: Apache-2.0 */
#include "decode/event_decode.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "decode/packet_record.h"
#include "decode/conn_decode.h"
#include "decode/fault_decode.h"
#include "decode/record_head.h"
#include "util/tcp_state.h"

static const char *const kind_names[NWT_REC_KIND_MAX] = {
	[NWT_REC_CONNECT] = "connect", [NWT_REC_ACCEPT] = "accept", [NWT_REC_LISTEN] = "listen",
	[NWT_REC_STATE] = "state",     [NWT_REC_CLOSE] = "close",
	[NWT_REC_PACKET] = "packet",   [NWT_REC_HOP] = "hop", [NWT_REC_UDP] = "udp",
	[NWT_REC_CONN] = "conn",       [NWT_REC_RETRANS] = "retrans",
	[NWT_REC_TRANSITION] = "state",
	[NWT_REC_DROP] = "drop",       [NWT_REC_BAD_CSUM] = "bad_csum",
	[NWT_REC_INVALID_SEQ] = "invalid_seq", [NWT_REC_RESET_SENT] = "reset_sent",
	[NWT_REC_RESET_RECEIVED] = "reset_received",
};

const char *nwt_record_kind_name(enum nwt_record_kind kind)
{
	return (unsigned int)kind < NWT_REC_KIND_MAX ? kind_names[kind] : "unknown";
}

static enum nwt_record_kind tcp_state_kind(const struct nwt_tcp_state_event *e)
{
	if (e->new_state == NWT_TCP_SYN_SENT)
		return NWT_REC_CONNECT;
	if (e->new_state == NWT_TCP_LISTEN)
		return NWT_REC_LISTEN;
	if (e->new_state == NWT_TCP_CLOSE)
		return NWT_REC_CLOSE;
	if (e->old_state == NWT_TCP_SYN_RECV && e->new_state == NWT_TCP_ESTABLISHED)
		return NWT_REC_ACCEPT;
	return NWT_REC_STATE;
}

static int decode_tcp_state(const void *data, size_t size, int64_t offset,
			    struct nwt_record *rec)
{
	struct nwt_tcp_state_event e;
	struct nwt_tcp_state_change *tc = &rec->tcp_state;

	if (size < sizeof(e))
		return -EINVAL;
	memcpy(&e, data, sizeof(e));	/* the ring slot may be reused once we return */
	nwt_decode_header(&e.hdr, offset, rec);
	nwt_decode_flow(&e.flow, rec);
	rec->has_pid = e.flags & NWT_STATE_F_OWNER_KNOWN;
	rec->kind = tcp_state_kind(&e);
	tc->sock_id = e.sock_id;
	tc->old_state = e.old_state;
	tc->new_state = e.new_state;
	tc->role = e.role;
	tc->has_state_us = e.flags & NWT_STATE_F_STATE_TIME;
	tc->state_us = e.state_ns / 1000;
	tc->has_lifetime_us = e.flags & NWT_STATE_F_LIFETIME;
	tc->lifetime_us = e.lifetime_ns / 1000;
	return 0;
}

int nwt_decode_event(const void *data, size_t size, int64_t monotonic_to_wall_ns,
		     struct nwt_record *rec)
{
	struct nwt_event_header hdr;

	if (size < sizeof(hdr))
		return -EINVAL;
	memcpy(&hdr, data, sizeof(hdr));
	memset(rec, 0, sizeof(*rec));
	switch (hdr.type) {
	case NWT_EVENT_TCP_STATE:
		return decode_tcp_state(data, size, monotonic_to_wall_ns, rec);
	case NWT_EVENT_PACKET:
	case NWT_EVENT_HOP:
		if (nwt_decode_packet(data, size, rec))
			return -EINVAL;
		rec->wall_ns += monotonic_to_wall_ns;
		return 0;
	case NWT_EVENT_CONN:
		return nwt_decode_conn_sample(data, size, monotonic_to_wall_ns, rec);
	case NWT_EVENT_TCP_RETRANS:
		return nwt_decode_retrans(data, size, monotonic_to_wall_ns, rec);
	case NWT_EVENT_PACKET_FAULT:
		return nwt_decode_fault(data, size, monotonic_to_wall_ns, rec);
	default:
		return -EINVAL;
	}
}

int nwt_for_each_record(const void *data, size_t size, nwt_record_fn fn, void *ctx)
{
	struct nwt_batch_header batch;
	const char *rec = (const char *)data + sizeof(batch);

	if (size < sizeof(batch))
		return fn(ctx, data, size);
	memcpy(&batch, data, sizeof(batch));
	if (batch.hdr.type != NWT_EVENT_BATCH)
		return fn(ctx, data, size);
	if (!batch.record_size || batch.count > (size - sizeof(batch)) / batch.record_size)
		return -EINVAL;
	for (uint32_t i = 0; i < batch.count; i++, rec += batch.record_size) {
		int rc = fn(ctx, rec, batch.record_size);

		if (rc)
			return rc;
	}
	return 0;
}
