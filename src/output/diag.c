/* SPDX-License-Identifier: Apache-2.0 */
#include "output/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void nwt_diag(const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "nwtrace: %s\n", line);
}

void nwt_diag_verbatim(const char *text)
{
	size_t n = strlen(text);

	fputs(text, stderr);
	if (n && text[n - 1] != '\n')
		fputc('\n', stderr);
}
