/* SPDX-License-Identifier: Apache-2.0 */
#include "kernel/listener_seed.h"

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define TCP_LISTEN_HEX "0A"

/* A socket file descriptor some process holds. */
struct held_socket {
	unsigned long inode;
	unsigned int netns;
	unsigned int pid;
	char comm[NWT_COMM_LEN];
};

struct socket_list {
	struct held_socket *items;
	size_t len, cap;
};

static int push_socket(struct socket_list *list, const struct held_socket *s)
{
	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 256;
		struct held_socket *items = realloc(list->items, cap * sizeof(*items));

		if (!items)
			return -ENOMEM;
		list->items = items;
		list->cap = cap;
	}
	list->items[list->len++] = *s;
	return 0;
}

static void read_comm(const char *proc_root, const char *pid, char *comm)
{
	char path[512];
	FILE *f;

	memset(comm, 0, NWT_COMM_LEN);
	snprintf(path, sizeof(path), "%s/%s/comm", proc_root, pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(comm, NWT_COMM_LEN, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

/* Every socket fd of one process. */
static int collect_process(const char *proc_root, const char *pid, struct socket_list *list)
{
	struct held_socket s = { .pid = (unsigned int)strtoul(pid, NULL, 10) };
	char path[512], link[64];
	struct dirent *de;
	struct stat st;
	DIR *fds;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s/ns/net", proc_root, pid);
	if (stat(path, &st))
		return 0;	/* gone, or a kernel thread */
	s.netns = (unsigned int)st.st_ino;
	read_comm(proc_root, pid, s.comm);
	snprintf(path, sizeof(path), "%s/%s/fd", proc_root, pid);
	fds = opendir(path);
	if (!fds)
		return 0;
	while (!err && (de = readdir(fds))) {
		char fd_path[1024];
		ssize_t n;

		if (snprintf(fd_path, sizeof(fd_path), "%s/%s", path, de->d_name) >= (int)sizeof(fd_path))
			continue;
		n = readlink(fd_path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%lu]", &s.inode) == 1)
			err = push_socket(list, &s);
	}
	closedir(fds);
	return err;
}

static const struct held_socket *find_socket(const struct socket_list *list, unsigned long inode)
{
	for (size_t i = 0; i < list->len; i++)
		if (list->items[i].inode == inode)
			return &list->items[i];
	return NULL;
}

/* Listeners in one /proc/PID/net/tcp{,6} file, matched to the processes holding them. */
static size_t scan_table(const char *path, int family, const struct socket_list *list,
			 struct nwt_seeded_listener *out, size_t used, size_t max)
{
	char line[512], local[64], state[8];
	FILE *f = fopen(path, "r");

	if (!f)
		return used;
	if (!fgets(line, sizeof(line), f)) {	/* header */
		fclose(f);
		return used;
	}
	while (used < max && fgets(line, sizeof(line), f)) {
		unsigned long inode;
		unsigned int port;
		const struct held_socket *s;
		char *colon;

		if (sscanf(line, " %*s %63s %*s %7s %*s %*s %*s %*s %*s %lu", local, state, &inode) != 3)
			continue;
		colon = strrchr(local, ':');
		if (strcmp(state, TCP_LISTEN_HEX) || !colon || sscanf(colon + 1, "%x", &port) != 1)
			continue;
		s = find_socket(list, inode);
		if (!s)
			continue;
		memset(&out[used], 0, sizeof(out[used]));
		out[used].key.netns = s->netns;
		out[used].key.family = (__u16)family;
		out[used].key.port = (__u16)port;
		out[used].owner.pid = s->pid;
		memcpy(out[used].owner.comm, s->comm, NWT_COMM_LEN);
		used++;
	}
	fclose(f);
	return used;
}

static bool netns_seen(const struct socket_list *list, size_t upto, unsigned int netns)
{
	for (size_t i = 0; i < upto; i++)
		if (list->items[i].netns == netns)
			return true;
	return false;
}

int nwt_listeners_scan(const char *proc_root, struct nwt_seeded_listener *out, size_t max)
{
	struct socket_list list = { 0 };
	DIR *proc = opendir(proc_root);
	struct dirent *de;
	size_t used = 0;
	int err = 0;

	if (!proc)
		return -errno;
	while (!err && (de = readdir(proc)))
		if (isdigit((unsigned char)de->d_name[0]))
			err = collect_process(proc_root, de->d_name, &list);
	closedir(proc);
	/* Each network namespace's tables once, through the first process in it. */
	for (size_t i = 0; !err && i < list.len; i++) {
		char path[512];

		if (netns_seen(&list, i, list.items[i].netns))
			continue;
		snprintf(path, sizeof(path), "%s/%u/net/tcp", proc_root, list.items[i].pid);
		used = scan_table(path, AF_INET, &list, out, used, max);
		snprintf(path, sizeof(path), "%s/%u/net/tcp6", proc_root, list.items[i].pid);
		used = scan_table(path, AF_INET6, &list, out, used, max);
	}
	free(list.items);
	return err ? err : (int)used;
}
