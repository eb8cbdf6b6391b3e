/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The names the two sides share, checked against each other: every catalog
 * alternative's program and NWT_USE_* define exist in the probe source it
 * names, every NWT_USE_* define the probes test is an alternative's, and the
 * NWT_OFF_* / NWT_SIZEOF_* defines the probes read are exactly the kernel
 * fields user space resolves from BTF; the maps and programs user space
 * reaches by name (probes/nwtrace_events.h) are declared.  A rename on one
 * side fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "kernel/kernel_offsets.h"
#include "plan/probe_plan.h"
#include "plan/probe_source.h"
#include "probes/nwtrace_events.h"

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Whether text holds word as a whole identifier. */
static bool has_word(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = text; (p = memmem(p, len - (size_t)(p - text), word, n)); p++)
		if ((p == text || !is_word(p[-1])) && (p + n == text + len || !is_word(p[n])))
			return true;
	return false;
}

/* Calls fn for each identifier starting with prefix in every embedded probe file. */
static void each_identifier(const char *prefix, void (*fn)(const char *name, const char *file))
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; i < nwt_embedded_files_len; i++) {
		const struct nwt_embedded_file *f = &nwt_embedded_files[i];

		for (size_t at = 0; at + plen <= f->len; at++) {
			char name[96];
			size_t n = 0;

			if (strncmp(f->text + at, prefix, plen) || (at && is_word(f->text[at - 1])))
				continue;
			while (at + n < f->len && is_word(f->text[at + n]) && n < sizeof(name) - 1) {
				name[n] = f->text[at + n];
				n++;
			}
			name[n] = '\0';
			if (name[n - 1] != '_')	/* "NWT_OFF_*" in a comment names a family */
				fn(name, f->name);
			at += n;
		}
	}
}

/*
 * Whether word is in file or in a part it includes with #include "X.bpf.h"
 * (the composer puts a part's text in place of its include).
 */
static bool in_source(const struct nwt_embedded_file *file, const char *word, int depth)
{
	const char *p = file->text, *end = file->text + file->len;

	if (has_word(file->text, file->len, word))
		return true;
	while (depth && (p = memmem(p, (size_t)(end - p), "#include \"", 10))) {
		const char *name = p + 10, *close = memchr(name, '"', (size_t)(end - name));
		char part[128];

		p = name;
		if (!close || (size_t)(close - name) >= sizeof(part) || close - name < 6 ||
		    memcmp(close - 6, ".bpf.h", 6))
			continue;
		memcpy(part, name, (size_t)(close - name));
		part[close - name] = '\0';
		if (nwt_embedded_find(part) && in_source(nwt_embedded_find(part), word, depth - 1))
			return true;
	}
	return false;
}

static void catalog_names_are_in_their_sources(void **state)
{
	(void)state;
	for (size_t i = 0; i < nwt_probe_catalog_len; i++) {
		const struct nwt_probe *p = &nwt_probe_catalog[i];
		const struct nwt_embedded_file *src = nwt_embedded_find(p->source);

		if (!src)
			fail_msg("probe %s: source %s is not embedded", p->name, p->source);
		for (int a = 0; a < NWT_MAX_ALTERNATIVES && p->alts[a].target; a++) {
			const struct nwt_attach_alt *alt = &p->alts[a];

			if (!in_source(src, alt->program, 2))
				fail_msg("probe %s: program %s is not in %s", p->name, alt->program,
					 p->source);
			if (!in_source(src, alt->use_define, 2))
				fail_msg("probe %s: %s is not tested in %s", p->name, alt->use_define,
					 p->source);
		}
	}
}

static bool is_use_define(const char *name)
{
	for (size_t i = 0; i < nwt_probe_catalog_len; i++)
		for (int a = 0; a < NWT_MAX_ALTERNATIVES && nwt_probe_catalog[i].alts[a].target; a++)
			if (!strcmp(nwt_probe_catalog[i].alts[a].use_define, name))
				return true;
	return false;
}

static void check_use_define(const char *name, const char *file)
{
	if (!is_use_define(name))
		fail_msg("%s: %s is no catalog alternative's define", file, name);
}

static void probes_test_only_catalog_alternatives(void **state)
{
	(void)state;
	each_identifier("NWT_USE_", check_use_define);
}

static bool is_kernel_field(const char *name)
{
	for (size_t i = 0; i < nwt_kernel_fields_len; i++)
		if (!strcmp(nwt_kernel_fields[i].define, name))
			return true;
	return false;
}

static void check_field(const char *name, const char *file)
{
	if (!is_kernel_field(name))
		fail_msg("%s: %s is not a field kernel_offsets.c resolves", file, name);
}

static void probes_read_only_resolved_fields(void **state)
{
	(void)state;
	each_identifier("NWT_OFF_", check_field);
	each_identifier("NWT_SIZEOF_", check_field);
}

static void every_resolved_field_is_read(void **state)
{
	(void)state;
	for (size_t i = 0; i < nwt_kernel_fields_len; i++) {
		const char *define = nwt_kernel_fields[i].define;
		bool used = false;

		for (size_t f = 0; f < nwt_embedded_files_len && !used; f++)
			used = has_word(nwt_embedded_files[f].text, nwt_embedded_files[f].len, define);
		if (!used)
			fail_msg("%s is resolved from BTF but no probe reads it", define);
	}
}

static void catalog_offsets_are_resolved_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < nwt_probe_catalog_len; i++)
		for (int a = 0; a < NWT_MAX_ALTERNATIVES && nwt_probe_catalog[i].alts[a].target; a++)
			for (int k = 0; k < NWT_MAX_OFFSETS_PER_ALT &&
					nwt_probe_catalog[i].alts[a].offsets[k];
			     k++)
				if (!is_kernel_field(nwt_probe_catalog[i].alts[a].offsets[k]))
					fail_msg("probe %s: %s is not a resolved field",
						 nwt_probe_catalog[i].name,
						 nwt_probe_catalog[i].alts[a].offsets[k]);
}

/* Whether some probe file declares a map called name: BPF_...(name, ...) or BPF_TABLE(..., name, ...). */
static bool map_declared(const char *name)
{
	char as_first[96], as_later[96];

	snprintf(as_first, sizeof(as_first), "(%s,", name);
	snprintf(as_later, sizeof(as_later), ", %s,", name);
	for (size_t i = 0; i < nwt_embedded_files_len; i++) {
		const struct nwt_embedded_file *f = &nwt_embedded_files[i];

		if (memmem(f->text, f->len, as_first, strlen(as_first)) ||
		    memmem(f->text, f->len, as_later, strlen(as_later)))
			return true;
	}
	return false;
}

static bool program_defined(const char *name)
{
	char def[96];

	snprintf(def, sizeof(def), " %s(", name);
	for (size_t i = 0; i < nwt_embedded_files_len; i++)
		if (memmem(nwt_embedded_files[i].text, nwt_embedded_files[i].len, def, strlen(def)))
			return true;
	return false;
}

static void names_user_space_reaches_exist(void **state)
{
	const char *maps[] = { NWT_MAP_EVENTS,	     NWT_MAP_COUNTERS,	   NWT_MAP_LISTENERS,
			       NWT_MAP_DROP_COUNTS,  NWT_MAP_FAULT_COUNTS, NWT_MAP_PKT_STAGE_ON,
			       NWT_MAP_DM_SEARCH };
	const char *progs[] = { NWT_PROG_PKT_FLUSH, NWT_PROG_DM_CALIBRATE };

	(void)state;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (!map_declared(maps[i]))
			fail_msg("no probe file declares map %s", maps[i]);
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		if (!program_defined(progs[i]))
			fail_msg("no probe file defines program %s", progs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalog_names_are_in_their_sources),
		cmocka_unit_test(probes_test_only_catalog_alternatives),
		cmocka_unit_test(probes_read_only_resolved_fields),
		cmocka_unit_test(every_resolved_field_is_read),
		cmocka_unit_test(catalog_offsets_are_resolved_fields),
		cmocka_unit_test(names_user_space_reaches_exist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
