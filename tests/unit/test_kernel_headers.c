/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/kernel_headers.h"
#include "tmp_tree.h"

static const char *root;

static bool exists(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return access(path, F_OK) == 0;
}

/* A Debian-like /usr/src: 6.1 split into -common and -amd64, plus an older 5.10. */
static int setup(void **state)
{
	char makefile[256];

	(void)state;
	root = tmp_tree_create("nwt-headers-test");
	if (!root)
		return -1;
	tmp_tree_write("src/linux-headers-6.1.0-9-common/include/linux/types.h", "common\n");
	tmp_tree_write("src/linux-headers-6.1.0-9-common/include/linux/kconfig.h", "kconfig\n");
	tmp_tree_write("src/linux-headers-6.1.0-9-common/arch/x86/include/asm/page.h", "page\n");
	tmp_tree_write("src/linux-headers-6.1.0-9-common/Makefile", "common makefile\n");
	snprintf(makefile, sizeof(makefile), "include %s/src/linux-headers-6.1.0-9-common/Makefile\n",
		 root);
	tmp_tree_write("src/linux-headers-6.1.0-9-amd64/Makefile", makefile);
	tmp_tree_write("src/linux-headers-6.1.0-9-amd64/include/generated/autoconf.h", "gen\n");
	tmp_tree_write("src/linux-headers-6.1.0-9-amd64/arch/x86/include/generated/asm/x.h", "gen\n");
	tmp_tree_write("src/linux-headers-5.10.0-20-amd64/include/linux/types.h", "old\n");
	tmp_tree_write("src/linux-headers-5.10.0-20-amd64/include/linux/kconfig.h", "old\n");
	tmp_tree_write("src/linux-headers-4.9.0-1-amd64/include/linux/types.h", "no kconfig.h\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmp_tree_remove();
}

static void orders_releases_numerically(void **state)
{
	(void)state;
	assert_true(nwt_release_compare("6.1.0-9-amd64", "5.10.0-20-amd64") > 0);
	assert_true(nwt_release_compare("6.1.0-10-amd64", "6.1.0-9-amd64") > 0);
	assert_true(nwt_release_compare("6.12.1", "6.2.0") > 0);
	assert_int_equal(nwt_release_compare("6.1.0", "6.1.0"), 0);
}

static void merges_debian_split_trees(void **state)
{
	struct nwt_kernel_headers h;
	char src[256], cache[256], err[512];

	(void)state;
	snprintf(src, sizeof(src), "%s/src", root);
	snprintf(cache, sizeof(cache), "%s/cache/kernel-headers", root);
	assert_int_equal(nwt_kernel_headers_find(NULL, "6.18.0-test", src, cache, &h, err,
						 sizeof(err)), 0);
	assert_false(h.matches_running);
	assert_string_equal(h.release, "6.1.0-9-amd64");
	assert_non_null(strstr(h.path, "/cache/kernel-headers/linux-headers-6.1.0-9-amd64"));
	/* both halves are visible through one tree */
	assert_true(exists("cache/kernel-headers/linux-headers-6.1.0-9-amd64/include/linux/types.h"));
	assert_true(exists("cache/kernel-headers/linux-headers-6.1.0-9-amd64/include/generated/autoconf.h"));
	assert_true(exists("cache/kernel-headers/linux-headers-6.1.0-9-amd64/arch/x86/include/asm/page.h"));
	assert_true(exists("cache/kernel-headers/linux-headers-6.1.0-9-amd64/arch/x86/include/generated/asm/x.h"));
	/* a second run reuses the cache */
	assert_int_equal(nwt_kernel_headers_find(NULL, "6.18.0-test", src, cache, &h, err,
						 sizeof(err)), 0);
}

static void explicit_directory_and_missing_headers(void **state)
{
	struct nwt_kernel_headers h;
	char src[256], cache[256], dir[256], err[512];

	(void)state;
	snprintf(cache, sizeof(cache), "%s/cache2", root);
	snprintf(dir, sizeof(dir), "%s/src/linux-headers-5.10.0-20-amd64", root);
	assert_int_equal(nwt_kernel_headers_find(dir, "6.18.0-test", "/nonexistent", cache, &h, err,
						 sizeof(err)), 0);
	assert_string_equal(h.path, dir);

	snprintf(dir, sizeof(dir), "%s/src/linux-headers-4.9.0-1-amd64", root);
	assert_int_equal(nwt_kernel_headers_find(dir, "6.18.0-test", "/nonexistent", cache, &h, err,
						 sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "incomplete"));

	snprintf(dir, sizeof(dir), "%s/nothing-here", root);
	assert_int_equal(nwt_kernel_headers_find(dir, "6.18.0-test", "/nonexistent", cache, &h,
						 err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "--kernel-headers"));

	snprintf(src, sizeof(src), "%s/empty", root);
	mkdir(src, 0755);
	assert_int_equal(nwt_kernel_headers_find(NULL, "6.18.0-test", src, cache, &h, err,
						 sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "linux-headers"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(orders_releases_numerically),
		cmocka_unit_test(merges_debian_split_trees),
		cmocka_unit_test(explicit_directory_and_missing_headers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
