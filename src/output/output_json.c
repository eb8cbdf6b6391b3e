/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/socket.h>

#include "util/addr.h"
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

static void add_common(json_t *obj, const struct nwt_record *rec)
{
	char buf[NWT_ADDR_STRLEN];

	json_object_set_new(obj, "type", json_string(nwt_record_kind_name(rec->kind)));
	json_object_set_new(obj, "ts", json_string(nwt_format_iso8601(rec->wall_ns, buf, sizeof(buf))));
	if (rec->has_pid) {
		json_object_set_new(obj, "pid", json_integer(rec->pid));
		json_object_set_new(obj, "comm", json_string(rec->comm));
	}
	/* Family 0: the kernel gave no addresses (e.g. a dropped non-IP packet). */
	if (!rec->family)
		return;
	json_object_set_new(obj, "family", json_string(rec->family == AF_INET6 ? "ipv6" : "ipv4"));
	json_object_set_new(obj, "saddr", json_string(nwt_format_addr(rec->family, rec->saddr, buf,
								      sizeof(buf))));
	/* Port 0 is "not assigned yet" (e.g. at SYN_SENT) or "any" (a listener's peer). */
	if (rec->sport)
		json_object_set_new(obj, "sport", json_integer(rec->sport));
	json_object_set_new(obj, "daddr", json_string(nwt_format_addr(rec->family, rec->daddr, buf,
								      sizeof(buf))));
	if (rec->dport)
		json_object_set_new(obj, "dport", json_integer(rec->dport));
}

static void add_tcp_state(json_t *obj, const struct nwt_tcp_state_change *tc)
{
	char sock[24];
	const char *direction = nwt_direction_name(tc->role);

	json_object_set_new(obj, "old_state", json_string(nwt_tcp_state_name(tc->old_state)));
	json_object_set_new(obj, "state", json_string(nwt_tcp_state_name(tc->new_state)));
	if (direction)
		json_object_set_new(obj, "direction", json_string(direction));
	if (tc->has_state_us)
		json_object_set_new(obj, "old_state_us", json_integer((json_int_t)tc->state_us));
	if (tc->has_lifetime_us)
		json_object_set_new(obj, tc->new_state == NWT_TCP_CLOSE ? "duration_us" : "age_us",
				    json_integer((json_int_t)tc->lifetime_us));
	/* A string: kernel addresses do not fit a JSON number (2^53). */
	snprintf(sock, sizeof(sock), "0x%" PRIx64, tc->sock_id);
	json_object_set_new(obj, "sock", json_string(sock));
}

int nwt_json_print_record(FILE *out, const struct nwt_record *rec)
{
	json_t *obj;
	int err = 0;

	if (rec->kind == NWT_REC_PACKET || rec->kind == NWT_REC_HOP)
		return nwt_packet_json_print(out, rec);
	obj = json_object();
	if (!obj)
		return -ENOMEM;
	add_common(obj, rec);
	switch (rec->kind) {
	case NWT_REC_CONN:
		nwt_json_add_conn(obj, &rec->conn);
		break;
	case NWT_REC_RETRANS:
		nwt_json_add_retrans(obj, &rec->retrans);
		break;
	default:
		if (nwt_record_is_fault(rec))
			nwt_json_add_fault(obj, rec);
		else
			add_tcp_state(obj, &rec->tcp_state);
	}
	if (json_dumpf(obj, out, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0)
		err = -EIO;
	else
		fputc('\n', out);
	json_decref(obj);
	return err;
}
