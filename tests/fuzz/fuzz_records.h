/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The input layout of fuzz_records, shared with the seed generator
 * (gen_corpus.c): one byte of switches, the eight-byte clock offset, then
 * entries, each a little-endian u16 head and its bytes.
 */
#ifndef NWT_FUZZ_RECORDS_H
#define NWT_FUZZ_RECORDS_H

/* The first byte: which options the session runs with. */
enum fuzz_switch {
	SW_JSON = 1 << 0,		/* -j */
	SW_STATS = 1 << 1,		/* -s */
	SW_STATE = 1 << 2,		/* -S: lifecycle records as transitions */
	SW_CONN = 1 << 3,		/* -x */
	SW_KEEP_CLOSED = 1 << 4,	/* -a */
	SW_REASONS = 1 << 5,		/* the kernel's drop reason names are known */
	SW_KSYMS = 1 << 6,		/* -T */
	SW_UNORDERED = 1 << 7,		/* records pass through as they come (no order buffer) */
};

/* An entry's head: its length, and what it is. */
#define ENTRY_LEN_MASK 0x3fff
#define ENTRY_ITER 0x4000	/* the bytes of the next -x iterator pass, not a ring entry */
#define ENTRY_POLL_END 0x8000	/* the poll ends after it; a u64 "now" (ns) follows */

#endif
