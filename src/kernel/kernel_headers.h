/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Finds kernel headers for libbcc (BCC_KERNEL_SOURCE): the running kernel's
 * build tree, --kernel-headers, or the best installed /usr/src tree, merging
 * Debian's split -common + arch trees into one cached directory.
 */
#ifndef NWT_KERNEL_HEADERS_H
#define NWT_KERNEL_HEADERS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct nwt_kernel_headers {
	char path[PATH_MAX];		/* what BCC_KERNEL_SOURCE gets */
	char release[128];		/* kernel release the headers are for */
	bool matches_running;
};

/* Returns 0, or -ENOENT with a one-line reason in err. */
int nwt_kernel_headers_find(const char *explicit_dir, const char *running_release,
			    const char *src_root, const char *cache_root,
			    struct nwt_kernel_headers *out, char *err, size_t err_len);

/* Merges trees a and b into dst (a wins on conflicts) using symlinks. */
int nwt_merge_header_trees(const char *dst, const char *a, const char *b);

/* Orders two release strings like "6.1.0-56-amd64" by their version numbers. */
int nwt_release_compare(const char *a, const char *b);

#endif
