/* SPDX-License-Identifier: Apache-2.0 */
/* Formatters: a decoded record as a table row or as one JSON Lines object. */
#ifndef NWT_OUTPUT_H
#define NWT_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode/record.h"

/* "2026-11-21T23:59:01.123456Z" */
const char *nwt_format_iso8601(uint64_t wall_ns, char *buf, size_t len);
/* Compact duration for tables: "850us", "12ms", "1.2s", "3m20s", "5h02m". */
const char *nwt_format_duration_us(uint64_t us, char *buf, size_t len);

/* The event table (output_table.c): connection lifecycle, -r, -S, -k, -e records. */
void nwt_table_print_header(FILE *out);
void nwt_table_print_record(FILE *out, const struct nwt_record *rec);

/* Drops and error packets (output_fault.c): the EVENT cell, and the JSON fields. */
void nwt_table_fault_cell(const struct nwt_record *rec, char *buf, size_t len);
struct nwt_json;
void nwt_json_add_fault(struct nwt_json *j, const struct nwt_record *rec);

/* "client" or "server": which end opened a connection; NULL for listeners and unknown. */
const char *nwt_direction_name(enum nwt_role role);

/* One line of JSON; returns 0 or -ENOMEM. */
int nwt_json_print_record(FILE *out, const struct nwt_record *rec);

#endif
