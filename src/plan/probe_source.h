/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The BPF source embedded in the binary (probes/ at build time) and how a
 * translation unit is put together from it for the chosen probes.
 */
#ifndef NWT_PROBE_SOURCE_H
#define NWT_PROBE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/probe_plan.h"

struct nwt_embedded_file {
	const char *name;
	const char *text;
	size_t len;
};

extern const struct nwt_embedded_file nwt_embedded_files[];
extern const size_t nwt_embedded_files_len;

/* The file every translation unit starts with: maps, counters, filters. */
#define NWT_PROBE_PRELUDE "lib/common.bpf.h"

const struct nwt_embedded_file *nwt_embedded_find(const char *name);

/*
 * The prelude followed by each source file the plan's chosen probes (or with
 * every_probe, all its probes) live in,
 * each once, with #line markers so diagnostics name the real file.
 * libbcc only turns functions of the main file into programs, hence one file.
 * Returns a malloc'd string or NULL.
 */
char *nwt_probe_source_compose(const struct nwt_plan *plan, bool every_probe);

/* Writes the embedded plain headers (*.h but not *.bpf.h) into a new temp dir. */
int nwt_probe_headers_write(char *dir, size_t len);
void nwt_probe_headers_remove(const char *dir);

#endif
