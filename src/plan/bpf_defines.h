/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The -D defines that configure the probes: filters, feature switches, the
 * chosen attach alternatives and kernel struct offsets.  The probe source is
 * never edited; everything variable reaches it here.
 */
#ifndef NWT_BPF_DEFINES_H
#define NWT_BPF_DEFINES_H

#include "kernel/kernel_offsets.h"
#include "plan/options.h"
#include "plan/probe_plan.h"
#include "util/cflags.h"

#define NWT_RINGBUF_MIN_PAGES 256	/* 1 MiB of ring buffer */
#define NWT_RINGBUF_MAX_PAGES 16384	/* 64 MiB */
#define NWT_WAKEUP_EVENTS 1024	/* records per CPU between reader wake-ups */
#define NWT_MAX_CONNS 65536	/* tracked sockets (LRU) */

/*
 * Ring buffer pages for ncpus CPUs: each CPU may commit NWT_WAKEUP_EVENTS
 * records before it wakes the reader, so the ring holds four times that for
 * all CPUs at once (a power of two, within the limits above).
 */
int nwt_ringbuf_pages(long ncpus);

/* CPU numbers the kernel may hand out: bpf_get_smp_processor_id() stays below. */
long nwt_possible_cpus(void);

int nwt_cflags_build(struct nwt_cflags *cf, const struct nwt_options *opts,
		     const struct nwt_plan *plan, const struct nwt_kernel_offsets *offs);


#endif
