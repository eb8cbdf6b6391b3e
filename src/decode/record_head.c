/* SPDX-License-Identifier: Apache-2.0 */
#include "decode/record_head.h"

#include <string.h>
#include <time.h>

int64_t nwt_monotonic_to_wall_offset(void)
{
	struct timespec mono, wall;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &wall);
	return ((int64_t)wall.tv_sec - mono.tv_sec) * 1000000000LL + (wall.tv_nsec - mono.tv_nsec);
}

void nwt_decode_header(const struct nwt_event_header *hdr, int64_t offset,
		       struct nwt_record *rec)
{
	rec->wall_ns = hdr->ts_ns + offset;
	rec->pid = hdr->pid;
	memcpy(rec->comm, hdr->comm, NWT_COMM_LEN);
	rec->comm[NWT_COMM_LEN] = '\0';
}

void nwt_decode_flow(const struct nwt_flow *flow, struct nwt_record *rec)
{
	rec->family = flow->family;
	memcpy(rec->saddr, flow->saddr, sizeof(rec->saddr));
	memcpy(rec->daddr, flow->daddr, sizeof(rec->daddr));
	rec->sport = flow->sport;
	rec->dport = flow->dport;
}
