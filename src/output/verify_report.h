/* SPDX-License-Identifier: Apache-2.0 */
/* --verify-probes: one line per program, whether this kernel's verifier loads it. */
#ifndef NWT_VERIFY_REPORT_H
#define NWT_VERIFY_REPORT_H

#include <stdio.h>

enum nwt_verify_outcome { NWT_VERIFY_LOADED, NWT_VERIFY_FAILED, NWT_VERIFY_SKIPPED };

/* kind: the attach kind; target: what it attaches to; detail: the program, or why not. */
void nwt_verify_report_line(FILE *out, enum nwt_verify_outcome outcome, const char *kind,
			    const char *target, const char *detail);

#endif
