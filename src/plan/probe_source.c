/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/probe_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct nwt_embedded_file *nwt_embedded_find(const char *name)
{
	for (size_t i = 0; i < nwt_embedded_files_len; i++)
		if (!strcmp(nwt_embedded_files[i].name, name))
			return &nwt_embedded_files[i];
	return NULL;
}

static int append_file(FILE *out, const char *name)
{
	const struct nwt_embedded_file *f = nwt_embedded_find(name);

	if (!f)
		return -ENOENT;
	fprintf(out, "#line 1 \"%s\"\n", name);
	fwrite(f->text, 1, f->len, out);
	fputc('\n', out);
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
	FILE *out = open_memstream(&text, &len);
	int err;

	if (!out)
		return NULL;
	err = append_file(out, NWT_PROBE_PRELUDE);
	for (size_t i = 0; !err && i < plan->n_probes; i++) {
		if ((!every_probe && plan->probes[i].chosen < 0) ||
		    source_seen_before(plan, i, every_probe))
			continue;
		err = append_file(out, plan->probes[i].probe->source);
	}
	if (fclose(out) || err) {
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
	rmdir(dir);
}
