/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The session's part for drops and error packets (-k, -e, -T): the running
 * kernel's reason names, kallsyms, the probes' -D switches, and the per-reason
 * and per-kind counts reported at exit.
 */
#ifndef NWT_FAULT_NAMES_H
#define NWT_FAULT_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "plan/bpf_defines.h"
#include "kernel/drop_reasons.h"
#include "kernel/kallsyms.h"
#include "plan/kernel_env.h"
#include "plan/options.h"
#include "decode/record.h"

struct nwt_bpf;

struct nwt_faults {
	bool enabled;			/* -k or -e */
	bool have_ksyms;
	struct nwt_drop_reasons reasons;
	struct nwt_ksyms ksyms;
};

/* Loads what -k/-e/-T need; notes go to stderr. Never fails: what is missing is absent. */
void nwt_faults_init(struct nwt_faults *fs, const struct nwt_options *opts,
		     const struct nwt_kernel_env *env);
int nwt_faults_cflags(const struct nwt_faults *fs, struct nwt_cflags *cf,
		      const struct nwt_options *opts);
/* Names the reason and resolves the location of a decoded record. */
void nwt_faults_resolve(const struct nwt_faults *fs, struct nwt_record *rec);
/* "drops by reason: ..." and "error packets: ..." lines. */
void nwt_faults_print_summary(const struct nwt_faults *fs, struct nwt_bpf *bpf,
			      const struct nwt_options *opts, FILE *out);
/* -s: the kernel's drop counts per reason and error counts per kind since start. */
void nwt_faults_print_stats(const struct nwt_faults *fs, struct nwt_bpf *bpf,
			    const struct nwt_options *opts, FILE *out, uint64_t wall_ns);
void nwt_faults_free(struct nwt_faults *fs);

#endif
