/* SPDX-License-Identifier: Apache-2.0 */
/* Ring-buffer bytes -> struct nwt_record. The only code that reads kernel records. */
#ifndef NWT_EVENT_DECODE_H
#define NWT_EVENT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/record.h"
#include "decode/record_head.h"	/* nwt_monotonic_to_wall_offset() for callers */

/*
 * Decodes one record.  monotonic_to_wall_ns converts bpf_ktime_get_ns()
 * stamps to CLOCK_REALTIME.  Returns 0, or -EINVAL for a short or unknown record.
 */
int nwt_decode_event(const void *data, size_t size, int64_t monotonic_to_wall_ns,
		     struct nwt_record *rec);

/*
 * A ring buffer entry is one record or an NWT_EVENT_BATCH of them: calls
 * fn for each record until fn returns nonzero, and returns that value;
 * -EINVAL for a batch whose header does not fit its size.
 */
typedef int (*nwt_record_fn)(void *ctx, const void *record, size_t size);
int nwt_for_each_record(const void *data, size_t size, nwt_record_fn fn, void *ctx);

#endif
