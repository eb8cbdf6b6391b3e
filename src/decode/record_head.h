/* SPDX-License-Identifier: Apache-2.0 */
/* The parts every kernel record starts with, decoded for the per-feature decoders. */
#ifndef NWT_RECORD_HEAD_H
#define NWT_RECORD_HEAD_H

#include <stdint.h>

#include "decode/record.h"

void nwt_decode_header(const struct nwt_event_header *hdr, int64_t monotonic_to_wall_ns,
		       struct nwt_record *rec);
void nwt_decode_flow(const struct nwt_flow *flow, struct nwt_record *rec);

/* CLOCK_REALTIME - CLOCK_MONOTONIC, now. */
int64_t nwt_monotonic_to_wall_offset(void);

#endif
