/* SPDX-License-Identifier: Apache-2.0 */
/* The arguments handed to the BPF compiler: -D defines, -I directories. */
#ifndef NWT_CFLAGS_H
#define NWT_CFLAGS_H

#define NWT_MAX_CFLAGS 160

struct nwt_cflags {
	char *argv[NWT_MAX_CFLAGS];
	int n;
};

/* Appends one printf-formatted argument. Returns 0, -ENOSPC or -ENOMEM. */
int nwt_cflags_add(struct nwt_cflags *cf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Value of -DNAME=VALUE in cf, or NULL (tests and -v output). */
const char *nwt_cflags_define(const struct nwt_cflags *cf, const char *name);

void nwt_cflags_free(struct nwt_cflags *cf);

#endif
