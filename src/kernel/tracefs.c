/* SPDX-License-Identifier: Apache-2.0 */
#include "kernel/tracefs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const tracefs_roots[] = {
	"/sys/kernel/debug/tracing",	/* where libbcc looks: first */
	"/sys/kernel/tracing",
};

static int has_events(const char *root)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/events", root);
	return access(path, R_OK | X_OK) == 0;
}

const char *nwt_tracefs_root(void)
{
	for (size_t i = 0; i < sizeof(tracefs_roots) / sizeof(tracefs_roots[0]); i++)
		if (has_events(tracefs_roots[i]))
			return tracefs_roots[i];
	return NULL;
}

static int mount_if_absent(const char *type, const char *target, char *note, size_t note_len)
{
	size_t used = strlen(note);

	if (mount("none", target, type, 0, NULL) && errno != EBUSY)
		return -errno;
	snprintf(note + used, note_len - used, "%smounted %s at %s", used ? ", " : "", type, target);
	return 0;
}

/*
 * libbcc 0.26 reads tracepoint formats under /sys/kernel/debug/tracing but
 * opens tracepoint ids under /sys/kernel/tracing: both must be reachable.
 */
int nwt_tracefs_ensure(char *note, size_t note_len)
{
	int err;

	note[0] = '\0';
	if (!has_events(tracefs_roots[0])) {
		/* debugfs first: on current kernels its tracing/ automounts tracefs. */
		err = mount_if_absent("debugfs", "/sys/kernel/debug", note, note_len);
		if (!err && !has_events(tracefs_roots[0]))
			err = mount_if_absent("tracefs", "/sys/kernel/debug/tracing", note, note_len);
		if (err)
			return err;
	}
	if (!has_events(tracefs_roots[1])) {
		err = mount_if_absent("tracefs", "/sys/kernel/tracing", note, note_len);
		if (err)
			return err;
	}
	return has_events(tracefs_roots[0]) && has_events(tracefs_roots[1]) ? 0 : -ENOENT;
}
