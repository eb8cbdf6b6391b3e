/* SPDX-License-Identifier: Apache-2.0 */
#include "kernel/kernel_headers.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADERS_PREFIX "linux-headers-"

/* snprintf that reports truncation: every path here is built with it. */
static int path_printf(char *out, size_t len, const char *fmt, const char *a, const char *b)
{
	int n = snprintf(out, len, fmt, a, b);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A usable tree has the kernel's own headers, not just an include/ directory. */
static bool has_include_dir(const char *tree)
{
	char path[PATH_MAX];

	return !path_printf(path, sizeof(path), "%s/%s", tree, "include") && is_dir(path);
}

static bool has_kernel_headers(const char *tree)
{
	char path[PATH_MAX];

	return !path_printf(path, sizeof(path), "%s/%s", tree, "include/linux/kconfig.h") &&
	       access(path, R_OK) == 0;
}

int nwt_release_compare(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			char *ea, *eb;
			unsigned long na = strtoul(a, &ea, 10), nb = strtoul(b, &eb, 10);

			if (na != nb)
				return na < nb ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int merge_entry(const char *dst, const char *name, const char *a, const char *b)
{
	char pa[PATH_MAX], pb[PATH_MAX], pd[PATH_MAX];
	bool in_a, in_b;
	struct stat st;

	if (path_printf(pa, sizeof(pa), "%s/%s", a, name) ||
	    path_printf(pb, sizeof(pb), "%s/%s", b ? b : "", name) ||
	    path_printf(pd, sizeof(pd), "%s/%s", dst, name))
		return -ENAMETOOLONG;
	in_a = lstat(pa, &st) == 0;
	in_b = b && lstat(pb, &st) == 0;
	if (lstat(pd, &st) == 0)
		return 0;	/* already merged */
	if (in_a && in_b && is_dir(pa) && is_dir(pb))
		return nwt_merge_header_trees(pd, pa, pb);
	if (symlink(in_a ? pa : pb, pd) && errno != EEXIST)
		return -errno;
	return 0;
}

static int merge_names_from(const char *dst, const char *from, const char *a, const char *b)
{
	DIR *dir = opendir(from);
	struct dirent *de;
	int err = 0;

	if (!dir)
		return -errno;
	while (!err && (de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		err = merge_entry(dst, de->d_name, a, b);
	}
	closedir(dir);
	return err;
}

int nwt_merge_header_trees(const char *dst, const char *a, const char *b)
{
	int err;

	if (mkdir(dst, 0755) && errno != EEXIST)
		return -errno;
	err = merge_names_from(dst, a, a, b);
	if (!err && b)
		err = merge_names_from(dst, b, a, b);
	return err;
}

/* Debian's linux-headers-X-amd64 includes linux-headers-X-common's Makefile. */
static bool find_common_tree(const char *arch_tree, char *common, size_t len)
{
	char makefile[PATH_MAX], line[PATH_MAX + 16];
	FILE *f;
	bool found = false;

	if (path_printf(makefile, sizeof(makefile), "%s/%s", arch_tree, "Makefile"))
		return false;
	f = fopen(makefile, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *end;

		if (strncmp(line, "include /", 9))
			continue;
		end = strstr(line, "/Makefile");
		if (!end)
			continue;
		*end = '\0';
		found = !path_printf(common, len, "%s%s", line + 8, "") && is_dir(common) &&
			strcmp(common, arch_tree);
	}
	fclose(f);
	return found;
}

/* Prepares a tree for BCC_KERNEL_SOURCE: as is, or merged with its -common half. */
static int prepare_tree(const char *tree, const char *cache_root, char *out, size_t len)
{
	char common[PATH_MAX], merged[PATH_MAX];
	const char *base = strrchr(tree, '/');
	int err;

	if (!find_common_tree(tree, common, sizeof(common))) {
		snprintf(out, len, "%s", tree);
		return has_include_dir(tree) ? 0 : -ENOENT;
	}
	if (path_printf(merged, sizeof(merged), "%s/%s", cache_root, base ? base + 1 : tree))
		return -ENAMETOOLONG;
	if (mkdir(cache_root, 0755) && errno != EEXIST) {
		char parent[PATH_MAX];
		char *slash;

		if (path_printf(parent, sizeof(parent), "%s%s", cache_root, ""))
			return -ENAMETOOLONG;
		slash = strrchr(parent, '/');
		if (slash) {
			*slash = '\0';
			mkdir(parent, 0755);
		}
		if (mkdir(cache_root, 0755) && errno != EEXIST)
			return -errno;
	}
	err = nwt_merge_header_trees(merged, tree, common);
	if (err)
		return err;
	snprintf(out, len, "%s", merged);
	return 0;
}

/* Best installed arch tree: the newest release that is not a -common half. */
static bool find_installed_tree(const char *src_root, char *tree, size_t len, char *release,
				size_t release_len)
{
	DIR *dir = opendir(src_root);
	struct dirent *de;
	char best[256] = "";

	if (!dir)
		return false;
	while ((de = readdir(dir))) {
		const char *rel = de->d_name + strlen(HEADERS_PREFIX);
		char path[PATH_MAX];
		size_t n = strlen(de->d_name);

		if (strncmp(de->d_name, HEADERS_PREFIX, strlen(HEADERS_PREFIX)) ||
		    (n > 7 && !strcmp(de->d_name + n - 7, "-common")))
			continue;
		if (path_printf(path, sizeof(path), "%s/%s", src_root, de->d_name) ||
		    !is_dir(path) || strlen(rel) >= sizeof(best))
			continue;
		if (!*best || nwt_release_compare(rel, best) > 0)
			snprintf(best, sizeof(best), "%s", rel);
	}
	closedir(dir);
	if (!*best)
		return false;
	snprintf(release, release_len, "%s", best);
	return !path_printf(tree, len, "%s/" HEADERS_PREFIX "%s", src_root, best);
}

int nwt_kernel_headers_find(const char *explicit_dir, const char *running_release,
			    const char *src_root, const char *cache_root,
			    struct nwt_kernel_headers *out, char *err, size_t err_len)
{
	char tree[PATH_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	if (explicit_dir) {
		if (!has_include_dir(explicit_dir)) {
			snprintf(err, err_len, "--kernel-headers '%s': no include/ directory there",
				 explicit_dir);
			return -ENOENT;
		}
		if (path_printf(tree, sizeof(tree), "%s%s", explicit_dir, ""))
			return -ENAMETOOLONG;
		snprintf(out->release, sizeof(out->release), "given by --kernel-headers");
	} else {
		path_printf(tree, sizeof(tree), "/lib/modules/%s/%s", running_release, "build");
		if (is_dir(tree)) {
			snprintf(out->release, sizeof(out->release), "%s", running_release);
			out->matches_running = true;
		} else if (!find_installed_tree(src_root, tree, sizeof(tree), out->release,
						sizeof(out->release))) {
			snprintf(err, err_len,
				 "no kernel headers found (/lib/modules/%s/build, %s/linux-headers-*): install linux-headers-amd64 or pass --kernel-headers DIR",
				 running_release, src_root);
			return -ENOENT;
		}
	}
	rc = prepare_tree(tree, cache_root, out->path, sizeof(out->path));
	if (rc) {
		snprintf(err, err_len, "kernel headers '%s': cannot prepare them (%s)", tree,
			 strerror(-rc));
		return rc;
	}
	/* libbcc crashes, rather than failing, on some half-missing trees. */
	if (!has_kernel_headers(out->path)) {
		snprintf(err, err_len,
			 "kernel headers '%s': incomplete (no include/linux/kconfig.h); install linux-headers-amd64 or pass --kernel-headers DIR",
			 tree);
		return -ENOENT;
	}
	return 0;
}
