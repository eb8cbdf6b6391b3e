/* SPDX-License-Identifier: Apache-2.0 */
#include "kernel/netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NAMESPACES 4096

struct ns_id {
	dev_t dev;
	ino_t ino;
};

struct ns_walk {
	struct ns_id seen[MAX_NAMESPACES];
	size_t n;
	int (*fn)(void *ctx);
	void *ctx;
	int home_fd;
};

static bool already_seen(struct ns_walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return true;
	if (w->n < MAX_NAMESPACES)
		w->seen[w->n++] = (struct ns_id){ st->st_dev, st->st_ino };
	return false;
}

/* Enters the namespace at path (if new), runs fn, comes back. */
static int visit(struct ns_walk *w, const char *path)
{
	struct stat st;
	int fd, err = 0;

	if (stat(path, &st) || already_seen(w, &st))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* the process exited meanwhile */
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	w->fn(w->ctx);
	if (setns(w->home_fd, CLONE_NEWNET))
		err = -errno;
	return err;
}

static int visit_dir(struct ns_walk *w, const char *dir, bool pids)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[300];
	int err = 0;

	if (!d)
		return 0;
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.' || (pids && (de->d_name[0] < '0' || de->d_name[0] > '9')))
			continue;
		snprintf(path, sizeof(path), pids ? "%s/%s/ns/net" : "%s/%s", dir, de->d_name);
		err = visit(w, path);
	}
	closedir(d);
	return err;
}

int nwt_netns_each(int (*fn)(void *ctx), void *ctx)
{
	struct ns_walk *w = calloc(1, sizeof(*w));
	struct stat st;
	int err;

	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->ctx = ctx;
	w->home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (w->home_fd < 0 || fstat(w->home_fd, &st)) {
		err = -errno;
		goto out;
	}
	already_seen(w, &st);
	fn(ctx);
	err = visit_dir(w, "/run/netns", false);
	if (!err)
		err = visit_dir(w, "/proc", true);
out:
	if (w->home_fd >= 0)
		close(w->home_fd);
	free(w);
	return err;
}
