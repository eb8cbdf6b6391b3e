#include "kallsyms.h"

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
