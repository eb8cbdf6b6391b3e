/* SPDX-License-Identifier: Apache-2.0 */
#include "output/table.h"

#include <string.h>

static void put_cell(FILE *out, const char *text, int width, bool right, bool pad)
{
	static const char spaces[] = "                                ";
	size_t n = strlen(text);
	size_t fill = pad && width > 0 && n < (size_t)width ? (size_t)width - n : 0;

	if (!right)
		fwrite(text, 1, n, out);
	while (fill) {
		size_t k = fill < sizeof(spaces) - 1 ? fill : sizeof(spaces) - 1;

		fwrite(spaces, 1, k, out);
		fill -= k;
	}
	if (right)
		fwrite(text, 1, n, out);
}

static void put_line(FILE *out, const struct nwt_table *t, const void *row, bool header)
{
	char cell[NWT_TABLE_CELL_MAX];

	for (size_t i = 0; i < t->n_columns; i++) {
		const struct nwt_table_column *c = &t->columns[i];
		size_t len = c->cell_len && c->cell_len < sizeof(cell) ? c->cell_len : sizeof(cell);
		const char *text;

		if (header) {
			text = c->header;
		} else if (c->format) {
			cell[0] = '\0';
			c->format(row, cell, len);
			text = cell;
		} else {
			text = ((const char *const *)row)[i];
			if (c->cell_len) {
				snprintf(cell, len, "%s", text);
				text = cell;
			}
		}
		if (i)
			fputc(' ', out);
		put_cell(out, text, c->width, c->right_aligned, t->pad_last || i + 1 < t->n_columns);
	}
	fputc('\n', out);
}

void nwt_table_header(FILE *out, const struct nwt_table *t)
{
	put_line(out, t, NULL, true);
}

void nwt_table_row(FILE *out, const struct nwt_table *t, const void *row)
{
	put_line(out, t, row, false);
}
