/* SPDX-License-Identifier: Apache-2.0 */
#include "util/cflags.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nwt_cflags_add(struct nwt_cflags *cf, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (cf->n >= NWT_MAX_CFLAGS)
		return -ENOSPC;
	va_start(ap, fmt);
	rc = vasprintf(&cf->argv[cf->n], fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	cf->n++;
	return 0;
}

const char *nwt_cflags_define(const struct nwt_cflags *cf, const char *name)
{
	size_t len = strlen(name);

	for (int i = 0; i < cf->n; i++) {
		const char *a = cf->argv[i];

		if (strncmp(a, "-D", 2) || strncmp(a + 2, name, len))
			continue;
		if (a[2 + len] == '=')
			return a + 3 + len;
		if (a[2 + len] == '\0')
			return "";
	}
	return NULL;
}

void nwt_cflags_free(struct nwt_cflags *cf)
{
	for (int i = 0; i < cf->n; i++)
		free(cf->argv[i]);
	cf->n = 0;
}
