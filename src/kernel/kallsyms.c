/* SPDX-License-Identifier: Apache-2.0 */
#include "kernel/kallsyms.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Clone suffixes that keep the function's entry semantics (.cold/.part do not). */
static const char *const clone_suffixes[] = { ".isra.", ".constprop." };

static bool is_clone_of(const char *name, const char *fn)
{
	size_t len = strlen(fn);

	if (strncmp(name, fn, len))
		return false;
	for (size_t i = 0; i < sizeof(clone_suffixes) / sizeof(clone_suffixes[0]); i++)
		if (!strncmp(name + len, clone_suffixes[i], strlen(clone_suffixes[i])))
			return true;
	return false;
}

bool nwt_kallsyms_resolve(FILE *kallsyms, const char *fn, char *symbol, size_t len)
{
	char line[512], name[256], type;
	unsigned long long addr;
	bool have_clone = false;

	while (fgets(line, sizeof(line), kallsyms)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (type != 't' && type != 'T')
			continue;
		if (!strcmp(name, fn)) {
			snprintf(symbol, len, "%s", name);
			return true;
		}
		if (!have_clone && is_clone_of(name, fn)) {
			snprintf(symbol, len, "%s", name);
			have_clone = true;
		}
	}
	return have_clone;
}

static int by_address(const void *a, const void *b)
{
	const struct nwt_ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int nwt_ksyms_load(struct nwt_ksyms *ksyms, FILE *kallsyms)
{
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;

	ksyms->syms = NULL;
	ksyms->n = 0;
	while (fgets(line, sizeof(line), kallsyms)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (type != 't' && type != 'T')
			continue;
		if (ksyms->n == cap) {
			struct nwt_ksym *grown = realloc(ksyms->syms, (cap = cap ? cap * 2 : 4096) *
								      sizeof(*grown));

			if (!grown)
				goto nomem;
			ksyms->syms = grown;
		}
		ksyms->syms[ksyms->n].addr = addr;
		ksyms->syms[ksyms->n].name = strdup(name);
		if (!ksyms->syms[ksyms->n].name)
			goto nomem;
		ksyms->n++;
	}
	if (!ksyms->n)
		return -ENOENT;
	qsort(ksyms->syms, ksyms->n, sizeof(*ksyms->syms), by_address);
	return 0;
nomem:
	nwt_ksyms_free(ksyms);
	return -ENOMEM;
}

const char *nwt_ksyms_format(const struct nwt_ksyms *ksyms, unsigned long long addr, char *buf,
			     size_t len)
{
	size_t lo = 0, hi = ksyms->n;

	/* The last symbol at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ksyms->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	snprintf(buf, len, "%s+0x%llx", ksyms->syms[lo - 1].name, addr - ksyms->syms[lo - 1].addr);
	return buf;
}

void nwt_ksyms_free(struct nwt_ksyms *ksyms)
{
	for (size_t i = 0; i < ksyms->n; i++)
		free(ksyms->syms[i].name);
	free(ksyms->syms);
	ksyms->syms = NULL;
	ksyms->n = 0;
}
