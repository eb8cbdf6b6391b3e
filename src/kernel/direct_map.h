/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where a struct page's memory is: -H reads HTTP lines that TCP keeps in an
 * skb's page fragments, so the probe must turn a struct page pointer into
 * the kernel address of its bytes (the x86-64 direct map):
 *   address = page_offset_base + (page - vmemmap_base) / sizeof(struct page) * 4096
 * Both bases are kernel facts.  With CONFIG_RANDOMIZE_MEMORY they are
 * variables, found in /proc/kallsyms when it lists data symbols
 * (CONFIG_KALLSYMS_ALL); without it they are fixed constants; on a kernel
 * that randomises them and hides them, nwtrace calibrates at start (see
 * probes/http/direct_map.bpf.c).
 */
#ifndef NWT_DIRECT_MAP_H
#define NWT_DIRECT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/cflags.h"

enum nwt_direct_map_source {
	NWT_DM_UNAVAILABLE,
	NWT_DM_KALLSYMS,	/* variables read by the probe at their kallsyms addresses */
	NWT_DM_DEFAULTS,	/* not randomised: the x86-64 4-level constants */
	NWT_DM_CALIBRATE,	/* randomised and hidden: page_offset_base found at start */
	NWT_DM_CALIBRATED,
};

/* x86-64, 4-level paging, CONFIG_RANDOMIZE_MEMORY unset */
#define NWT_DM_DEFAULT_PAGE_OFFSET_BASE 0xffff888000000000ULL
#define NWT_DM_DEFAULT_VMEMMAP_BASE 0xffffea0000000000ULL
/* kaslr.c aligns each randomised region to a PUD (1 GiB) */
#define NWT_DM_REGION_ALIGN (1ULL << 30)

/* What the kernel says, gathered by nwt_direct_map_read_inputs() or a test. */
struct nwt_direct_map_inputs {
	char machine[65];		/* uname -m */
	unsigned long long page_offset_base_sym;	/* kallsyms address, 0 if not listed */
	unsigned long long vmemmap_base_sym;
	int randomize_memory;		/* CONFIG_RANDOMIZE_MEMORY: 1, 0, -1 unknown */
	bool la57;			/* 5-level paging possible */
	unsigned long long ram_end;	/* end of the highest System RAM range, 0 unknown */
	long sizeof_page;		/* from BTF, NWT_OFFSET_UNKNOWN if missing */
};

struct nwt_direct_map {
	enum nwt_direct_map_source source;
	unsigned long long page_offset_base_sym, vmemmap_base_sym;	/* NWT_DM_KALLSYMS */
	unsigned long long page_offset_base;	/* NWT_DM_DEFAULTS, NWT_DM_CALIBRATED */
	unsigned long long vmemmap_base;	/* NWT_DM_DEFAULTS; 0: derived by alignment */
	unsigned int max_gib;		/* NWT_DM_CALIBRATE: how far below to look */
	char reason[192];		/* NWT_DM_UNAVAILABLE: why */
};

void nwt_direct_map_choose(struct nwt_direct_map *dm, const struct nwt_direct_map_inputs *in);
void nwt_direct_map_read_inputs(struct nwt_direct_map_inputs *in, long sizeof_page);

/* One line for --list-probes ("page fragments: ..."). */
const char *nwt_direct_map_describe(const struct nwt_direct_map *dm, char *buf, size_t len);

/* -DNWT_DM_* for the probes; nothing when unavailable or not yet calibrated. */
int nwt_direct_map_cflags(const struct nwt_direct_map *dm, struct nwt_cflags *cf);

/*
 * A locked page of random bytes and its page frame number (needs
 * CAP_SYS_ADMIN to read /proc/self/pagemap): what calibration looks for.
 */
struct nwt_dm_magic {
	void *page;
	unsigned long long pfn;
	unsigned char bytes[16];
};

int nwt_dm_magic_create(struct nwt_dm_magic *m);
/* The page's frame number now: calibration checks it did not move. */
int nwt_dm_magic_pfn(const struct nwt_dm_magic *m, unsigned long long *pfn);
void nwt_dm_magic_free(struct nwt_dm_magic *m);

#endif
