/* SPDX-License-Identifier: Apache-2.0 */
/* struct nwt_fault_event (drops, error packets) -> struct nwt_record. */
#include "decode/fault_decode.h"

#include <errno.h>
#include <string.h>

#include "decode/record_head.h"

static const enum nwt_record_kind kind_of_fault[NWT_FAULT_KIND_MAX] = {
	[NWT_FAULT_DROP] = NWT_REC_DROP,
	[NWT_FAULT_BAD_CSUM] = NWT_REC_BAD_CSUM,
	[NWT_FAULT_INVALID_SEQ] = NWT_REC_INVALID_SEQ,
	[NWT_FAULT_RESET_SENT] = NWT_REC_RESET_SENT,
	[NWT_FAULT_RESET_RECEIVED] = NWT_REC_RESET_RECEIVED,
};

int nwt_decode_fault(const void *data, size_t size, int64_t monotonic_to_wall_ns,
		     struct nwt_record *rec)
{
	struct nwt_fault_event e;
	struct nwt_packet_fault *f = &rec->fault;

	if (size < sizeof(e))
		return -EINVAL;
	memcpy(&e, data, sizeof(e));	/* the ring slot may be reused once we return */
	if (e.kind == 0 || e.kind >= NWT_FAULT_KIND_MAX)
		return -EINVAL;
	rec->kind = kind_of_fault[e.kind];
	nwt_decode_header(&e.hdr, monotonic_to_wall_ns, rec);
	rec->has_pid = e.flags & NWT_FAULT_F_OWNER;
	if (e.flags & NWT_FAULT_F_FLOW) {
		rec->family = e.flow.family;
		memcpy(rec->saddr, e.flow.saddr, sizeof(rec->saddr));
		memcpy(rec->daddr, e.flow.daddr, sizeof(rec->daddr));
	}
	if (e.flags & NWT_FAULT_F_PORTS) {
		rec->sport = e.flow.sport;
		rec->dport = e.flow.dport;
	}
	f->has_location = e.flags & NWT_FAULT_F_LOCATION && e.location;
	f->location = e.location;
	f->has_reason = e.flags & NWT_FAULT_F_REASON;
	f->reason = e.reason;
	f->has_sock = e.flags & NWT_FAULT_F_SOCK && e.sock_id;
	f->outgoing = e.flags & NWT_FAULT_F_OUTGOING;
	f->sock_id = e.sock_id;
	f->has_state = e.flags & NWT_FAULT_F_STATE;
	f->state = e.sk_state;
	f->has_seq = e.flags & NWT_FAULT_F_SEQ;
	f->seq = e.seq;
	f->has_ack = e.flags & NWT_FAULT_F_ACK;
	f->ack = e.ack;
	f->has_tcp_flags = e.flags & NWT_FAULT_F_TCP_FLAGS;
	f->tcp_flags = e.tcp_flags;
	f->has_l3proto = e.flags & NWT_FAULT_F_L3PROTO;
	f->l3proto = e.l3proto;
	f->has_ip_proto = e.flags & NWT_FAULT_F_IP_PROTO;
	f->ip_proto = e.ip_proto;
	f->has_iface = e.flags & NWT_FAULT_F_IFACE && e.ifindex;
	f->ifindex = e.ifindex;
	memcpy(f->ifname, e.ifname, sizeof(e.ifname));
	f->ifname[sizeof(e.ifname)] = '\0';
	return 0;
}

void nwt_fault_resolve(struct nwt_record *rec, const struct nwt_drop_reasons *reasons,
		       const struct nwt_ksyms *ksyms)
{
	struct nwt_packet_fault *f = &rec->fault;

	if (!nwt_record_is_fault(rec))
		return;
	f->reason_name[0] = '\0';
	f->location_sym[0] = '\0';
	if (f->has_reason && reasons) {
		if (rec->kind == NWT_REC_RESET_SENT)
			nwt_rst_reason_name(reasons, f->reason, f->reason_name,
					    sizeof(f->reason_name));
		else
			nwt_drop_reason_name(reasons, f->reason, f->reason_name,
					     sizeof(f->reason_name));
	}
	if (f->has_location && ksyms &&
	    !nwt_ksyms_format(ksyms, f->location, f->location_sym, sizeof(f->location_sym)))
		f->location_sym[0] = '\0';
}
