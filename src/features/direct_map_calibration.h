/* SPDX-License-Identifier: Apache-2.0 */
/* Calibrating the direct map for -H on kernels that randomise and hide it. */
#ifndef NWT_DIRECT_MAP_CALIBRATION_H
#define NWT_DIRECT_MAP_CALIBRATION_H

#include <stdio.h>

#include "kernel/direct_map.h"

/*
 * NWT_DM_CALIBRATE -> NWT_DM_CALIBRATED, or NWT_DM_UNAVAILABLE with a
 * reason (printed with -v; -H then reads the linear area only).
 */
void nwt_direct_map_calibrate(struct nwt_direct_map *dm, int verbose);

/*
 * --verify-probes: compiles the calibration probe and loads it (verifier
 * only, not run) for a machine that would need it; one line on report.
 * Returns the number of failures.
 */
int nwt_direct_map_verify(const struct nwt_direct_map *dm, int verbose, FILE *report);

#endif
