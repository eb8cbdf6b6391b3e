/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Packet records are staged per CPU in the kernel and committed to the ring
 * buffer in batches (probes/packet/packet_path.bpf.c).  This side turns staging on
 * once it knows it can flush every CPU on demand, and flushes partly filled
 * batches each poll period and when tracing ends.
 */
#ifndef NWT_RECORD_STAGE_H
#define NWT_RECORD_STAGE_H

#include "loader/bpf_loader.h"

/* The program that commits one CPU's partial batch; run on demand, never attached. */
#define NWT_RECORD_STAGE_FLUSH_PROG NWT_PROG_PKT_FLUSH

struct nwt_record_stage {
	int flush_fd;		/* nwt_pkt_flush; -1 while staging is off */
	int ncpus;
	double flushed_at;	/* CLOCK_MONOTONIC seconds */
};

/* Turns staging on if the probes stage records and this kernel can run a program on a chosen CPU. */
void nwt_record_stage_start(struct nwt_record_stage *st, struct nwt_bpf *bpf, int verbose);

/* Commits every CPU's partial batch if period_s has passed since the last flush (0: now). */
void nwt_record_stage_flush(struct nwt_record_stage *st, double now_s, double period_s);

void nwt_record_stage_stop(struct nwt_record_stage *st);

#endif
