/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libbcc and LLVM print diagnostics straight to fd 2.  Without -v they are
 * kept in a temp file and shown only on failure, trimmed to the first error.
 */
#ifndef NWT_STDERR_CAPTURE_H
#define NWT_STDERR_CAPTURE_H

#include <stddef.h>
#include <stdio.h>

struct nwt_stderr_capture {
	int saved_fd;		/* -1: not capturing (verbose, or no temp file) */
	FILE *file;
};

/* Sends fd 2 to a temp file, unless verbose. */
void nwt_stderr_capture_begin(struct nwt_stderr_capture *cap, int verbose);
/* Restores fd 2; copies the first captured line containing "error" into first_error. */
void nwt_stderr_capture_end(struct nwt_stderr_capture *cap, char *first_error, size_t len);

#endif
