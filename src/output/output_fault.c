/* SPDX-License-Identifier: Apache-2.0 */
/* Drops and error packets as JSON fields and as the table's EVENT cell. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decode/fault_decode.h"
#include "output/json_writer.h"
#include "output/output.h"
#include "decode/packet_record.h"
#include "util/tcp_state.h"

static const char *ip_proto_name(uint8_t proto)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmpv6";
	default:
		return NULL;
	}
}

/* "nf_hook_slow+0x8c" with -T, else the bare address. */
static const char *location_text(const struct nwt_packet_fault *f, char *buf, size_t len)
{
	if (f->location_sym[0])
		return f->location_sym;
	snprintf(buf, len, "0x%" PRIx64, f->location);
	return buf;
}

void nwt_json_add_fault(struct nwt_json *j, const struct nwt_record *rec)
{
	const struct nwt_packet_fault *f = &rec->fault;
	char buf[64];

	if (f->has_reason) {
		nwt_json_field_str(j, "reason", f->reason_name[0] ? f->reason_name : "unknown");
		nwt_json_field_int(j, "reason_code", f->reason);
	}
	if (f->has_location)
		nwt_json_field_str(j, "location", location_text(f, buf, sizeof(buf)));
	if (f->has_ip_proto) {
		const char *name = ip_proto_name(f->ip_proto);

		if (name)
			nwt_json_field_str(j, "proto", name);
		else
			nwt_json_field_int(j, "proto", f->ip_proto);
	} else if (f->has_l3proto) {
		snprintf(buf, sizeof(buf), "0x%04x", f->l3proto);
		nwt_json_field_str(j, "ethertype", buf);
	}
	if (f->has_tcp_flags)
		nwt_json_field_str(j, "tcp_flags", nwt_tcp_flags_text(f->tcp_flags, buf, sizeof(buf)));
	if (f->has_seq)
		nwt_json_field_int(j, "seq", f->seq);
	if (f->has_ack)
		nwt_json_field_int(j, "ack", f->ack);
	if (f->has_state)
		nwt_json_field_str(j, "state", nwt_tcp_state_name(f->state));
	if (f->has_iface) {
		nwt_json_field_str(j, "ifname", f->ifname);
		nwt_json_field_int(j, "ifindex", f->ifindex);
	}
	if (f->has_sock)
		nwt_json_field_hex(j, "sock", f->sock_id);
}

static size_t append(char *buf, size_t len, size_t used, const char *fmt, const char *a,
		     const char *b)
{
	int n;

	if (used >= len)
		return used;
	n = snprintf(buf + used, len - used, fmt, a, b);
	return n < 0 ? used : used + (size_t)n;
}

void nwt_table_fault_cell(const struct nwt_record *rec, char *buf, size_t len)
{
	const struct nwt_packet_fault *f = &rec->fault;
	char tmp[64], num[24];
	size_t used = append(buf, len, 0, "%s%s", nwt_record_kind_name(rec->kind), "");

	if (f->has_reason)
		used = append(buf, len, used, " %s%s", f->reason_name[0] ? f->reason_name : "?", "");
	if (f->has_tcp_flags)
		used = append(buf, len, used, " [%s]%s",
			      nwt_tcp_flags_text(f->tcp_flags, tmp, sizeof(tmp)), "");
	if (rec->kind != NWT_REC_DROP) {
		if (f->has_seq) {
			snprintf(num, sizeof(num), "%u", f->seq);
			used = append(buf, len, used, " seq=%s%s", num, "");
		}
		if (f->has_ack) {
			snprintf(num, sizeof(num), "%u", f->ack);
			used = append(buf, len, used, " ack=%s%s", num, "");
		}
	}
	if (f->has_state)
		used = append(buf, len, used, " %s%s", nwt_tcp_state_short_name(f->state), "");
	if (f->has_location)
		used = append(buf, len, used, " at %s%s", location_text(f, tmp, sizeof(tmp)), "");
	if (f->has_iface && f->ifname[0])
		append(buf, len, used, " on %s%s", f->ifname, "");
}
