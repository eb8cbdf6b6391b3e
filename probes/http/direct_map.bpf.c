/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Finds page_offset_base on a kernel that randomises it and does not list
 * it in /proc/kallsyms.  Compiled on its own and run once with
 * BPF_PROG_TEST_RUN in nwtrace's own thread, before the real probes.
 *
 * User space locked a page of random bytes and read its frame number from
 * /proc/self/pagemap.  The direct map holds that page at
 * page_offset_base + pfn * 4096, and page_offset_base is 1 GiB aligned and
 * lies at most the machine's RAM size below any direct-map address, such as
 * the current task_struct's.  Each candidate is a bounded, faulting-safe
 * read compared with the random bytes: only the true base can match.
 * Every address read lies within twice the RAM size above the lowest
 * candidate, far below the vmalloc area (and its device mappings).
 */
#ifndef NWT_DM_MAX_GIB
#define NWT_DM_MAX_GIB 1024
#endif

struct nwt_dm_search {
	u64 pfn;
	u64 magic[2];
	u64 found;		/* out: page_offset_base, 0 if no candidate matched */
};

BPF_ARRAY(dm_search, struct nwt_dm_search, 1);

int nwt_dm_calibrate(struct bpf_raw_tracepoint_args *ctx)
{
	u32 zero = 0;
	struct nwt_dm_search *s = dm_search.lookup(&zero);
	u64 top = bpf_get_current_task() & ~((1ULL << 30) - 1);

	if (!s || !top)
		return 0;
	for (u32 k = 0; k <= NWT_DM_MAX_GIB; k++) {
		u64 cand = top - ((u64)k << 30);
		u64 got[2] = {};

		if (bpf_probe_read_kernel(got, sizeof(got), (void *)(cand + (s->pfn << 12))))
			continue;
		if (got[0] == s->magic[0] && got[1] == s->magic[1]) {
			s->found = cand;
			break;
		}
	}
	return 0;
}
