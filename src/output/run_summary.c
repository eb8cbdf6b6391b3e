/* SPDX-License-Identifier: Apache-2.0 */
#include "output/run_summary.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "output/diag.h"

struct line {
	char text[1024];
	size_t len;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->text))
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->text + l->len, sizeof(l->text) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
}

/* How the output ended, ahead of the counts. */
static void add_output_end(struct line *l, const struct nwt_run_summary *sum)
{
	const char *path = sum->output_path;

	if (sum->output_end == EPIPE)
		add(l, path ? "the reader of '%s' went away; " : "the reader of %s went away; ",
		    path ? path : "stdout");
	else if (sum->output_end == EINTR)
		add(l, path ? "stopped while '%s' was not being read; "
			    : "stopped while %s was not being read; ",
		    path ? path : "stdout");
}

void nwt_run_summary_print(const struct nwt_run_summary *sum)
{
	const struct nwt_counts *c = &sum->counts;
	struct line l = { .len = 0 };

	add_output_end(&l, sum);
	add(&l, "%llu events printed", sum->printed);
	if (sum->have_counts) {
		add(&l,
		    "; in kernel: %llu generated, %llu delivered, %llu suppressed by rate limit, %llu lost (ring buffer full), %llu filtered out",
		    (unsigned long long)c->generated, (unsigned long long)c->delivered,
		    (unsigned long long)c->suppressed, (unsigned long long)c->lost,
		    (unsigned long long)c->filtered);
		if (sum->undecodable)
			add(&l, ", %llu undecodable", sum->undecodable);
		if (c->reads_lost)
			add(&l, "; %llu socket reads lost (ring buffer full: their data shows no tcp_us)",
			    (unsigned long long)c->reads_lost);
	}
	nwt_diag("%s", l.text);
}

void nwt_run_summary_print_early_stop(const char *phase)
{
	nwt_diag("stopped while %s, before tracing began; nothing is attached", phase);
}
