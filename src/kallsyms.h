/* /proc/kallsyms: kprobe target resolution and address-to-function lookup. */
#ifndef NWT_KALLSYMS_H
#define NWT_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Finds the text symbol for fn in a kallsyms stream: fn itself, or the
 * compiler's clone of it (fn.isra.N, fn.constprop.N).  Writes it to symbol.
 */
bool nwt_kallsyms_resolve(FILE *kallsyms, const char *fn, char *symbol, size_t len);

#endif
