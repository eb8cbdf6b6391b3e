/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one table engine: a table is its columns, as data (header, width,
 * alignment, how to format a row's cell), and every table nwtrace prints --
 * events, packets, connections, per-layer stats, the probe plan -- lays out
 * its header and rows through it.  Cells are separated by one space and
 * padded to their column's width (a longer cell widens its line, it is never
 * cut to the width); the last column is not padded unless the table says so.
 */
#ifndef NWT_TABLE_H
#define NWT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Room for a cell's text when its column gives none. */
#define NWT_TABLE_CELL_MAX 2048

struct nwt_table_column {
	const char *header;
	int width;
	bool right_aligned;
	/* Room for the cell's text with its NUL: longer text is cut. 0: NWT_TABLE_CELL_MAX. */
	size_t cell_len;
	/*
	 * Writes the row's cell into cell[0..len).  NULL: the row is an array
	 * of strings (const char *const *), one per column.
	 */
	void (*format)(const void *row, char *cell, size_t len);
};

struct nwt_table {
	const struct nwt_table_column *columns;
	size_t n_columns;
	bool pad_last;		/* pad the last column too (right-aligned numbers line up) */
};

void nwt_table_header(FILE *out, const struct nwt_table *t);
void nwt_table_row(FILE *out, const struct nwt_table *t, const void *row);

#endif
