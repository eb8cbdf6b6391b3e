/* SPDX-License-Identifier: Apache-2.0 */
#include "loader/stderr_capture.h"

#include <string.h>
#include <unistd.h>

void nwt_stderr_capture_begin(struct nwt_stderr_capture *cap, int verbose)
{
	cap->saved_fd = -1;
	cap->file = NULL;
	if (verbose)
		return;
	fflush(stderr);
	cap->file = tmpfile();
	if (!cap->file)
		return;
	cap->saved_fd = dup(STDERR_FILENO);
	dup2(fileno(cap->file), STDERR_FILENO);
}

void nwt_stderr_capture_end(struct nwt_stderr_capture *cap, char *first_error, size_t len)
{
	char line[512];

	if (first_error && len)
		first_error[0] = '\0';
	if (cap->saved_fd < 0)
		return;
	fflush(stderr);
	dup2(cap->saved_fd, STDERR_FILENO);
	close(cap->saved_fd);
	rewind(cap->file);
	while (first_error && fgets(line, sizeof(line), cap->file)) {
		if (strstr(line, "error") || strstr(line, "ERROR")) {	/* LLVM ERROR: ... */
			size_t n = strcspn(line, "\n");

			if (n >= len)
				n = len - 1;
			memcpy(first_error, line, n);
			first_error[n] = '\0';
			break;
		}
	}
	fclose(cap->file);
}

