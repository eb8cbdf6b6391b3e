/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/probe_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const struct nwt_embedded_file *nwt_embedded_find(const char *name)
{
	for (size_t i = 0; i < nwt_embedded_files_len; i++)
		if (!strcmp(nwt_embedded_files[i].name, name))
			return &nwt_embedded_files[i];
	return NULL;
}

/* A file composed into the translation unit (libbcc makes programs and maps of the main file only). */
static bool is_composed(const char *name)
{
	size_t n = strlen(name);

	return (n > 6 && !strcmp(name + n - 6, ".bpf.c")) ||
	       (n > 6 && !strcmp(name + n - 6, ".bpf.h"));
}

/* The name in a line `#include "NAME"`, copied into buf; false for any other line. */
static bool quoted_include(const char *line, size_t len, char *buf, size_t buf_len)
{
	const char *end = line + len, *p = line, *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p++ != '#')
		return false;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < 8 || strncmp(p, "include", 7))
		return false;
	p += 7;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p++ != '"')
		return false;
	for (q = p; q < end && *q != '"'; q++)
		;
	if (q == end || (size_t)(q - p) >= buf_len)
		return false;
	memcpy(buf, p, q - p);
	buf[q - p] = '\0';
	return true;
}

struct composition {
	FILE *out;
	const char *done[64];	/* composed files, each composed once */
	size_t n_done;
};

static bool composed_already(const struct composition *c, const char *name)
{
	for (size_t i = 0; i < c->n_done; i++)
		if (!strcmp(c->done[i], name))
			return true;
	return false;
}

/*
 * Appends an embedded file with #line markers, so diagnostics name the real
 * file, and in place of each `#include` of a composed file that file's text
 * (once per translation unit).  Plain headers stay includes: the compiler
 * finds them in the directory nwt_probe_headers_write() fills.
 */
static int append_file(struct composition *c, const char *name, int depth)
{
	const struct nwt_embedded_file *f = nwt_embedded_find(name);
	const char *p, *end;
	unsigned int line = 1;
	char inc[256];

	if (!f)
		return -ENOENT;
	if (depth > 16 || c->n_done == sizeof(c->done) / sizeof(c->done[0]))
		return -ELOOP;
	c->done[c->n_done++] = f->name;
	fprintf(c->out, "#line 1 \"%s\"\n", name);
	for (p = f->text, end = f->text + f->len; p < end; line++) {
		const char *nl = memchr(p, '\n', end - p);
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (quoted_include(p, len, inc, sizeof(inc)) && is_composed(inc)) {
			if (!composed_already(c, inc)) {
				int err = append_file(c, inc, depth + 1);

				if (err)
					return err;
				fprintf(c->out, "#line %u \"%s\"\n", line + 1, name);
			} else {
				fputc('\n', c->out);
			}
		} else {
			fwrite(p, 1, len, c->out);
			fputc('\n', c->out);
		}
		p += len + 1;
	}
	return 0;
}

static bool source_seen_before(const struct nwt_plan *plan, size_t index, bool every_probe)
{
	for (size_t i = 0; i < index; i++)
		if ((every_probe || plan->probes[i].chosen >= 0) &&
		    !strcmp(plan->probes[i].probe->source, plan->probes[index].probe->source))
			return true;
	return false;
}

char *nwt_probe_source_compose(const struct nwt_plan *plan, bool every_probe)
{
	char *text = NULL;
	size_t len = 0;
	struct composition c = { .out = open_memstream(&text, &len) };
	int err;

	if (!c.out)
		return NULL;
	err = append_file(&c, NWT_PROBE_PRELUDE, 0);
	for (size_t i = 0; !err && i < plan->n_probes; i++) {
		if ((!every_probe && plan->probes[i].chosen < 0) ||
		    source_seen_before(plan, i, every_probe) ||
		    composed_already(&c, plan->probes[i].probe->source))
			continue;
		err = append_file(&c, plan->probes[i].probe->source, 0);
	}
	if (fclose(c.out) || err) {
		free(text);
		return NULL;
	}
	return text;
}

static bool is_plain_header(const char *name)
{
	size_t n = strlen(name);

	return n > 2 && !strcmp(name + n - 2, ".h") && !(n > 6 && !strcmp(name + n - 6, ".bpf.h"));
}

/* Calls fn with each folder of a header's name under dir, outermost first ("dir/a", "dir/a/b"). */
static int for_each_folder(const char *dir, const char *name, int (*fn)(const char *path))
{
	for (const char *slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(slash - name), name);
		if (fn(path))
			return -1;
	}
	return 0;
}

static int make_folder(const char *path)
{
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

int nwt_probe_headers_write(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/nwtrace-include.XXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	for (size_t i = 0; i < nwt_embedded_files_len; i++) {
		const struct nwt_embedded_file *f = &nwt_embedded_files[i];
		char path[512];
		int fd;
		ssize_t written;

		if (!is_plain_header(f->name))
			continue;
		if (for_each_folder(dir, f->name, make_folder))
			goto fail;
		snprintf(path, sizeof(path), "%s/%s", dir, f->name);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			goto fail;
		written = write(fd, f->text, f->len);
		close(fd);
		if (written != (ssize_t)f->len)
			goto fail;
	}
	return 0;
fail:
	nwt_probe_headers_remove(dir);
	return -EIO;
}

void nwt_probe_headers_remove(const char *dir)
{
	for (size_t i = 0; i < nwt_embedded_files_len; i++) {
		char path[512];

		if (!is_plain_header(nwt_embedded_files[i].name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, nwt_embedded_files[i].name);
		unlink(path);
	}
	/* Each header's folders, deepest first; rmdir leaves one that still holds others. */
	for (size_t i = 0; i < nwt_embedded_files_len; i++) {
		const char *name = nwt_embedded_files[i].name;

		if (!is_plain_header(name))
			continue;
		for (const char *slash = strrchr(name, '/'); slash;) {
			char path[512];

			snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(slash - name), name);
			rmdir(path);
			while (--slash >= name && *slash != '/')
				;
			if (slash < name)
				break;
		}
	}
	rmdir(dir);
}
