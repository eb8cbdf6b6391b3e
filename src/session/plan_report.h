/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --list-probes and -v: the kernel's facts and the probe plan handed to
 * output/output_plan.c as plain rows, the form the output layer can include.
 */
#ifndef NWT_PLAN_REPORT_H
#define NWT_PLAN_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "plan/kernel_env.h"
#include "plan/probe_plan.h"

void nwt_plan_print(FILE *out, const struct nwt_plan *plan);
/*
 * One JSON object per probe: feature, probe, chosen (with loaded, and the
 * reason when not loaded), alternatives[kind,target,usable,reason].
 */
void nwt_plan_print_json(FILE *out, const struct nwt_plan *plan);

/* The --list-probes report: kernel facts then the plan (JSON Lines with json). */
void nwt_kernel_env_print(FILE *out, const struct nwt_kernel_env *env, bool json);

#endif
