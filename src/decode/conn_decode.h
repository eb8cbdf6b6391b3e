/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoding of the -x/-r/-S records (ring buffer or iterator bytes -> struct
 * nwt_record).  Called through nwt_decode_event(); event_decode.c owns the
 * header and flow decoding both share.
 */
#ifndef NWT_CONN_DECODE_H
#define NWT_CONN_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/record.h"

/* The kernel's "no slow-start threshold yet" (TCP_INFINITE_SSTHRESH); ss omits it. */
#define NWT_TCP_INFINITE_SSTHRESH 0x7fffffffu

int nwt_decode_conn_sample(const void *data, size_t size, int64_t monotonic_to_wall_ns,
			   struct nwt_record *rec);
int nwt_decode_retrans(const void *data, size_t size, int64_t monotonic_to_wall_ns,
		       struct nwt_record *rec);

/* -S: a lifecycle record (connect, accept, ..., close) seen as a plain transition. */
void nwt_record_as_transition(struct nwt_record *rec);


#endif
