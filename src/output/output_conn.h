/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Formatting of the -x/-r/-S records: the connection table (its own columns,
 * printed every --interval), the EVENT cell of retransmit and transition rows
 * in the event table, and their JSON fields.
 */
#ifndef NWT_OUTPUT_CONN_H
#define NWT_OUTPUT_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode/record.h"
#include "output/json_writer.h"

/* Byte counts for tables: "512", "1.2K", "34K", "1.2M", "5.0G" (powers of 1024). */
const char *nwt_format_bytes(uint64_t bytes, char *buf, size_t len);

/* JSON fields of a NWT_REC_CONN / NWT_REC_RETRANS record (after the common ones). */
void nwt_json_add_conn(struct nwt_json *j, const struct nwt_conn_metrics *m);
void nwt_json_add_retrans(struct nwt_json *j, const struct nwt_retrans *r);

/* EVENT cells: "retrans seq=1234 ESTAB", "SYN-SENT>ESTAB 1.2ms". */
void nwt_format_retrans_cell(const struct nwt_record *rec, char *buf, size_t len);
void nwt_format_transition_cell(const struct nwt_record *rec, char *buf, size_t len);

/* The connection table: a title line with the time and count, column headers, rows. */
void nwt_conn_table_print_header(FILE *out, uint64_t wall_ns, size_t n_conns);
void nwt_conn_table_print_row(FILE *out, const struct nwt_record *rec);

#endif
