/* Drop and error-packet records: names and symbols filled after decoding. */
#ifndef NWT_FAULT_DECODE_H
#define NWT_FAULT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "drop_reasons.h"
#include "kallsyms.h"
#include "record.h"

/*
 * Names the record's reason with the running kernel's names (reasons may be
 * NULL) and, when ksyms is given (-T), its location as function+offset.
 */
void nwt_fault_resolve(struct nwt_record *rec, const struct nwt_drop_reasons *reasons,
		       const struct nwt_ksyms *ksyms);

#endif
