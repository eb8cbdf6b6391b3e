/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>

#include "util/addr.h"
#include "output/json_writer.h"
#include "output/output.h"
#include "output/output_packet.h"
#include "output/output_conn.h"
#include "util/tcp_state.h"

const char *nwt_direction_name(enum nwt_role role)
{
	switch (role) {
	case NWT_ROLE_CLIENT:
		return "client";
	case NWT_ROLE_SERVER:
		return "server";
	default:
		return NULL;
	}
}

static void add_common(struct nwt_json *j, const struct nwt_record *rec)
{
	char buf[NWT_ADDR_STRLEN];

	nwt_json_field_str(j, "type", nwt_record_kind_name(rec->kind));
	nwt_json_field_str(j, "ts", nwt_format_iso8601(rec->wall_ns, buf, sizeof(buf)));
	if (rec->has_pid) {
		nwt_json_field_int(j, "pid", rec->pid);
		nwt_json_field_str(j, "comm", rec->comm);
	}
	/* Family 0: the kernel gave no addresses (e.g. a dropped non-IP packet). */
	if (!rec->family)
		return;
	nwt_json_field_str(j, "family", rec->family == AF_INET6 ? "ipv6" : "ipv4");
	nwt_json_field_str(j, "saddr", nwt_format_addr(rec->family, rec->saddr, buf, sizeof(buf)));
	/* Port 0 is "not assigned yet" (e.g. at SYN_SENT) or "any" (a listener's peer). */
	if (rec->sport)
		nwt_json_field_int(j, "sport", rec->sport);
	nwt_json_field_str(j, "daddr", nwt_format_addr(rec->family, rec->daddr, buf, sizeof(buf)));
	if (rec->dport)
		nwt_json_field_int(j, "dport", rec->dport);
}

static void add_tcp_state(struct nwt_json *j, const struct nwt_tcp_state_change *tc)
{
	const char *direction = nwt_direction_name(tc->role);

	nwt_json_field_str(j, "old_state", nwt_tcp_state_name(tc->old_state));
	nwt_json_field_str(j, "state", nwt_tcp_state_name(tc->new_state));
	if (direction)
		nwt_json_field_str(j, "direction", direction);
	if (tc->has_state_us)
		nwt_json_field_int(j, "old_state_us", (int64_t)tc->state_us);
	if (tc->has_lifetime_us)
		nwt_json_field_int(j, tc->new_state == NWT_TCP_CLOSE ? "duration_us" : "age_us",
				   (int64_t)tc->lifetime_us);
	nwt_json_field_hex(j, "sock", tc->sock_id);
}

int nwt_json_print_record(FILE *out, const struct nwt_record *rec)
{
	struct nwt_json j;
	char buf[2048];

	if (rec->kind == NWT_REC_PACKET || rec->kind == NWT_REC_HOP || rec->kind == NWT_REC_UDP)
		return nwt_packet_json_print(out, rec);
	nwt_json_file(&j, out, buf, sizeof(buf));
	nwt_json_object_begin(&j);
	add_common(&j, rec);
	switch (rec->kind) {
	case NWT_REC_CONN:
		nwt_json_add_conn(&j, &rec->conn);
		break;
	case NWT_REC_RETRANS:
		nwt_json_add_retrans(&j, &rec->retrans);
		break;
	default:
		if (nwt_record_is_fault(rec))
			nwt_json_add_fault(&j, rec);
		else
			add_tcp_state(&j, &rec->tcp_state);
	}
	nwt_json_object_end(&j);
	nwt_json_raw(&j, "\n", 1);
	return nwt_json_finish(&j) ? -EIO : 0;
}
