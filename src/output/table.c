/* SPDX-License-Identifier: Apache-2.0 */
#include "output/table.h"

#include <string.h>

/* A line is put together here and written at once; what does not fit goes out as it comes. */
struct line {
	FILE *out;
	size_t n;
	char buf[4096];
};

static void put(struct line *l, const char *s, size_t n)
{
	if (l->n + n > sizeof(l->buf)) {
		fwrite(l->buf, 1, l->n, l->out);
		l->n = 0;
		if (n > sizeof(l->buf)) {
			fwrite(s, 1, n, l->out);
			return;
		}
	}
	memcpy(l->buf + l->n, s, n);
	l->n += n;
}

static void put_cell(struct line *l, const char *text, int width, bool right, bool pad)
{
	static const char spaces[] = "                                ";
	size_t n = strlen(text);
	size_t fill = pad && width > 0 && n < (size_t)width ? (size_t)width - n : 0;

	if (!right)
		put(l, text, n);
	while (fill) {
		size_t k = fill < sizeof(spaces) - 1 ? fill : sizeof(spaces) - 1;

		put(l, spaces, k);
		fill -= k;
	}
	if (right)
		put(l, text, n);
}

static void put_line(FILE *out, const struct nwt_table *t, const void *row, bool header)
{
	struct line l = { .out = out };
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
			put(&l, " ", 1);
		put_cell(&l, text, c->width, c->right_aligned, t->pad_last || i + 1 < t->n_columns);
	}
	put(&l, "\n", 1);
	fwrite(l.buf, 1, l.n, out);
}

void nwt_table_header(FILE *out, const struct nwt_table *t)
{
	put_line(out, t, NULL, true);
}

void nwt_table_row(FILE *out, const struct nwt_table *t, const void *row)
{
	put_line(out, t, row, false);
}
