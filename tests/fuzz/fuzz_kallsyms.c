/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /proc/kallsyms as kallsyms.c reads it: the symbol table behind -T
 * (kernel address -> function+offset in drop and error records) and the
 * kprobe target look-up that accepts a compiler clone (fn.isra.N) of a
 * function.  The text is the kernel's, but it is long (lines from modules,
 * zero addresses when read without privileges) and the code keeps parts of
 * it: the harness loads the symbols from an in-memory stream, checks they
 * come out sorted, formats addresses around each one and beyond both ends,
 * and resolves a few kprobe targets with small and normal buffers.
 *
 * Input: kallsyms text ("ADDR TYPE NAME [MODULE]" lines).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kallsyms.h"

#define MAX_FORMATS 64

static const char *const functions[] = { "tcp_v4_rcv", "tcp_validate_incoming", "ip_rcv_core",
					 "kfree_skb_reason", "" };

static void format_around(const struct nwt_ksyms *ksyms)
{
	char buf[160], tiny[6];

	nwt_ksyms_format(ksyms, 0, buf, sizeof(buf));
	nwt_ksyms_format(ksyms, ~0ULL, buf, sizeof(buf));
	for (size_t i = 0; i < ksyms->n && i < MAX_FORMATS; i++) {
		unsigned long long addr = ksyms->syms[i].addr;

		if (i && ksyms->syms[i - 1].addr > addr) {
			fprintf(stderr, "fuzz_kallsyms: symbols not sorted at %zu\n", i);
			abort();
		}
		nwt_ksyms_format(ksyms, addr - 1, buf, sizeof(buf));
		nwt_ksyms_format(ksyms, addr, buf, sizeof(buf));
		nwt_ksyms_format(ksyms, addr + 0x8c, tiny, sizeof(tiny));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nwt_ksyms ksyms;
	char symbol[128], small[8];
	char *text;
	FILE *f;

	if (!size)
		return 0;	/* fmemopen() takes no empty buffer */
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data, size);
	f = fmemopen(text, size, "r");
	if (!f) {
		free(text);
		return 0;
	}
	if (!nwt_ksyms_load(&ksyms, f)) {
		format_around(&ksyms);
		nwt_ksyms_free(&ksyms);
	}
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
		rewind(f);
		nwt_kallsyms_resolve(f, functions[i], symbol, sizeof(symbol));
		rewind(f);
		nwt_kallsyms_resolve(f, functions[i], small, sizeof(small));
	}
	fclose(f);
	free(text);
	return 0;
}
