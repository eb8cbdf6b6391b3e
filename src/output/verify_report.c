/* SPDX-License-Identifier: Apache-2.0 */
#include "output/verify_report.h"

void nwt_verify_report_line(FILE *out, enum nwt_verify_outcome outcome, const char *kind,
			    const char *target, const char *detail)
{
	switch (outcome) {
	case NWT_VERIFY_LOADED:
		fprintf(out, "loaded  %-14s %-40s prog '%s'\n", kind, target, detail);
		break;
	case NWT_VERIFY_FAILED:
		fprintf(out, "FAILED  %-14s %-40s %s\n", kind, target, detail);
		break;
	case NWT_VERIFY_SKIPPED:
		fprintf(out, "skipped %-14s %-40s %s\n", kind, target, detail);
		break;
	}
}
