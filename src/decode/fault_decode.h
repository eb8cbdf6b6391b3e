/* SPDX-License-Identifier: Apache-2.0 */
/* Drop and error-packet records: names and symbols filled after decoding. */
#ifndef NWT_FAULT_DECODE_H
#define NWT_FAULT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/drop_reasons.h"
#include "kernel/kallsyms.h"
#include "decode/record.h"

/* struct nwt_fault_event -> a drop or error record. */
int nwt_decode_fault(const void *data, size_t size, int64_t monotonic_to_wall_ns,
		     struct nwt_record *rec);

/*
 * Names the record's reason with the running kernel's names (reasons may be
 * NULL) and, when ksyms is given (-T), its location as function+offset.
 */
void nwt_fault_resolve(struct nwt_record *rec, const struct nwt_drop_reasons *reasons,
		       const struct nwt_ksyms *ksyms);

#endif
