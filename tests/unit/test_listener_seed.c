/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/listener_seed.h"
#include "tmp_tree.h"

static const char *root;

static void add_fd(const char *pid, const char *fd, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/fd/%s", root, pid, fd);
	assert_int_equal(symlink(target, path), 0);
}

static const char tcp_header[] =
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

/* pid 100 "nginx" listens on 0.0.0.0:8080 (inode 5001) and [::]:443 (5002);
 * pid 200 holds only a connected socket (5003). */
static int setup(void **state)
{
	(void)state;
	root = tmp_tree_create("nwt-proc-test");
	if (!root)
		return -1;
	tmp_tree_write("100/comm", "nginx\n");
	tmp_tree_write("100/ns/net", "");
	tmp_tree_write("100/fd/.keep", "");
	add_fd("100", "3", "socket:[5001]");
	add_fd("100", "4", "socket:[5002]");
	add_fd("100", "5", "/dev/null");
	tmp_tree_write("200/comm", "curl\n");
	tmp_tree_write("200/ns/net", "");
	tmp_tree_write("200/fd/.keep", "");
	add_fd("200", "3", "socket:[5003]");
	tmp_tree_write("100/net/tcp",
		   "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
		   "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5001 1 0000000000000000 100 0 0 10 0\n"
		   "   1: 0100007F:D2F0 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 5003 1 0000000000000000 20 4 30 10 -1\n");
	tmp_tree_write("100/net/tcp6", tcp_header);
	tmp_tree_write("200/net/tcp", tcp_header);
	tmp_tree_write("200/net/tcp6",
		   "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
		   "   0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5002 1 0000000000000000 100 0 0 10 0\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmp_tree_remove();
}

static const struct nwt_seeded_listener *find(const struct nwt_seeded_listener *l, int n,
					      int family, int port)
{
	for (int i = 0; i < n; i++)
		if (l[i].key.family == family && l[i].key.port == port)
			return &l[i];
	return NULL;
}

static void finds_listeners_and_their_owners(void **state)
{
	struct nwt_seeded_listener out[8];
	const struct nwt_seeded_listener *l;
	char path[512];
	struct stat st;
	int n;

	(void)state;
	n = nwt_listeners_scan(root, out, 8);
	assert_int_equal(n, 2);	/* the connected socket is not a listener */
	l = find(out, n, AF_INET, 8080);
	assert_non_null(l);
	assert_int_equal(l->owner.pid, 100);
	assert_string_equal(l->owner.comm, "nginx");
	snprintf(path, sizeof(path), "%s/100/ns/net", root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(l->key.netns, (unsigned int)st.st_ino);
	l = find(out, n, AF_INET6, 443);
	assert_non_null(l);
	assert_int_equal(l->owner.pid, 100);
	/* bounded by the caller's array */
	assert_int_equal(nwt_listeners_scan(root, out, 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_listeners_and_their_owners),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
