/* SPDX-License-Identifier: Apache-2.0 */
/* output_file: -o FILE written in direct-I/O runs, the tail shown within a second. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/output_file.h"
#include "tmp_tree.h"

#define MIB (1 << 20)

static char path[512];

static int make_path(void **state)
{
	const char *tree = tmp_tree_create("nwt-output-file");

	(void)state;
	if (!tree)
		return -1;
	snprintf(path, sizeof(path), "%s/trace.jsonl", tree);
	return 0;
}

static int remove_tree(void **state)
{
	(void)state;
	return tmp_tree_remove();
}

static long file_size(void)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long)st.st_size;
}

/* The whole file, NUL-terminated; *len its size. */
static char *slurp(size_t *len)
{
	FILE *f = fopen(path, "r");
	char *data;
	long size = file_size();

	assert_non_null(f);
	assert_true(size >= 0);
	data = malloc((size_t)size + 1);
	assert_non_null(data);
	*len = fread(data, 1, (size_t)size, f);
	data[*len] = '\0';
	fclose(f);
	return data;
}

/* Line i of the reference stream: lengths vary so that lines straddle blocks and runs. */
static int print_line(FILE *out, char *expect, int i)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "{\"n\":%d,\"pad\":\"%.*s\"}\n", i, i % 97,
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");

	fputs(line, out);
	if (expect)
		memcpy(expect, line, (size_t)n);
	return n;
}

/* Closes f; the file must then hold exactly the total bytes of expect (freed). */
static void close_and_expect(struct nwt_output_file *f, char *expect, size_t total)
{
	size_t len;
	char *got;

	assert_int_equal(nwt_output_file_close(f), 0);
	got = slurp(&len);
	assert_int_equal(len, total);
	assert_memory_equal(got, expect, total);
	free(got);
	free(expect);
}

static void test_stream_arrives_whole(void **state)
{
	struct nwt_output_file *f = nwt_output_file_open(path);
	char *expect = malloc(4 * MIB);
	size_t total = 0;
	FILE *out;
	int i;

	(void)state;
	assert_non_null(f);
	assert_non_null(expect);
	out = nwt_output_file_stream(f);
	for (i = 0; total < 3 * MIB + 12345; i++)
		total += (size_t)print_line(out, expect + total, i);
	assert_int_equal(fflush(out), 0);
	if (nwt_output_file_direct(f))	/* only whole 1 MiB runs so far */
		assert_int_equal(file_size(), (long)(total / MIB * MIB));
	else
		assert_int_equal(file_size(), (long)total);
	close_and_expect(f, expect, total);
}

static void test_tail_shown_after_a_second(void **state)
{
	struct nwt_output_file *f = nwt_output_file_open(path);
	char *expect = malloc(2 * MIB);
	size_t total = 0;
	FILE *out;
	int i;

	(void)state;
	assert_non_null(f);
	assert_non_null(expect);
	out = nwt_output_file_stream(f);
	total += (size_t)print_line(out, expect, 1);
	fflush(out);
	nwt_output_file_tick(f, 100.0);
	nwt_output_file_tick(f, 100.5);
	if (nwt_output_file_direct(f))
		assert_int_equal(file_size(), 0);
	nwt_output_file_tick(f, 101.1);
	assert_int_equal(file_size(), (long)total);

	/* the run that takes in the shown line goes out directly over it */
	for (i = 2; total < MIB + 100; i++)
		total += (size_t)print_line(out, expect + total, i);
	fflush(out);
	nwt_output_file_tick(f, 101.2);
	if (nwt_output_file_direct(f))
		assert_int_equal(file_size(), MIB);
	close_and_expect(f, expect, total);
}

static void test_busy_stream_never_waits_for_a_tick(void **state)
{
	struct nwt_output_file *f = nwt_output_file_open(path);
	size_t total = 0;
	double t = 200.0;
	FILE *out;
	int i = 0;

	(void)state;
	assert_non_null(f);
	out = nwt_output_file_stream(f);
	/* a run fills between every two ticks: its tail is never written twice */
	for (; t < 205.0; t += 0.1) {
		size_t run_end = (total / MIB + 1) * MIB + 7;

		while (total < run_end)
			total += (size_t)print_line(out, NULL, i++);
		fflush(out);
		nwt_output_file_tick(f, t);
		if (nwt_output_file_direct(f))
			assert_int_equal(file_size(), (long)(total / MIB * MIB));
	}
	assert_int_equal(nwt_output_file_close(f), 0);
	assert_int_equal(file_size(), (long)total);
}

static void test_not_a_regular_file(void **state)
{
	struct nwt_output_file *f = nwt_output_file_open("/dev/null");

	(void)state;
	assert_non_null(f);
	assert_false(nwt_output_file_direct(f));
	fputs("discarded\n", nwt_output_file_stream(f));
	nwt_output_file_tick(f, 1.0);
	assert_int_equal(nwt_output_file_close(f), 0);
}

/* n lines as records of f; returns the bytes printed. */
static size_t print_records(struct nwt_output_file *f, char *expect, int first, int n)
{
	size_t total = 0;

	for (int i = first; i < first + n; i++) {
		total += (size_t)print_line(nwt_output_file_stream(f), expect ? expect + total : NULL, i);
		nwt_output_file_end_record(f);
	}
	return total;
}

static void test_reader_gone(void **state)
{
	struct nwt_output_file *f;
	char buf[8192];
	int p[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	f = nwt_output_file_adopt(p[1]);
	assert_non_null(f);
	assert_null(nwt_output_file_name(f));
	print_records(f, NULL, 0, 3);
	assert_int_equal(nwt_output_file_flush(f), 0);
	assert_int_equal(nwt_output_file_records(f), 3);
	assert_false(nwt_output_file_reader_gone(f));
	assert_true(read(p[0], buf, sizeof(buf)) > 0);
	close(p[0]);
	assert_true(nwt_output_file_reader_gone(f));	/* seen without writing */
	print_records(f, NULL, 3, 2);
	assert_int_equal(nwt_output_file_flush(f), -1);
	assert_int_equal(errno, EPIPE);
	print_records(f, NULL, 5, 2);	/* the stream takes no more */
	assert_int_equal(nwt_output_file_close(f), -1);
	assert_int_equal(errno, EPIPE);
	close(p[1]);
}

static void test_device_full(void **state)
{
	struct nwt_output_file *f = nwt_output_file_open("/dev/full");

	(void)state;
	assert_non_null(f);
	print_records(f, NULL, 0, 5);
	assert_int_equal(nwt_output_file_flush(f), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(nwt_output_file_records(f), 0);
	assert_int_equal(nwt_output_file_close(f), -1);
	assert_int_equal(errno, ENOSPC);
}

/*
 * A file that can grow only to limit bytes (RLIMIT_FSIZE: the write that
 * crosses it is cut short, the next fails with EFBIG, as on a full disk):
 * after a header block and records it holds whole lines only, exactly those
 * the count says, and the cut is at the last record end before the limit.
 */
static void expect_cut_to_whole(struct nwt_output_file *f, long limit, size_t chunk)
{
	struct rlimit saved, low;
	size_t total, len, header;
	char *expect = malloc(limit * 2 + 4 * MIB), *got;
	unsigned long long lines = 0;
	int i = 0, rc;

	assert_non_null(f);
	assert_non_null(expect);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &saved);
	low = saved;
	low.rlim_cur = (rlim_t)limit;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &low), 0);

	header = total = (size_t)sprintf(expect, "HEADER\n");
	fputs(expect, nwt_output_file_stream(f));
	nwt_output_file_flush(f);
	do {
		total += print_records(f, expect + total, i, (int)chunk);
		i += (int)chunk;
		rc = nwt_output_file_flush(f);
	} while (!rc && total < (size_t)limit * 2);
	assert_int_equal(rc, -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(nwt_output_file_finish(f), -1);
	assert_int_equal(errno, EFBIG);
	setrlimit(RLIMIT_FSIZE, &saved);

	got = slurp(&len);
	assert_true(len > header && len <= (size_t)limit);
	assert_true(len > (size_t)limit - 200);	/* print_line()'s lines are < 200 bytes */
	assert_memory_equal(got, expect, len);
	assert_int_equal(got[len - 1], '\n');
	for (size_t k = header; k < len; k++)
		lines += got[k] == '\n';
	assert_int_equal(nwt_output_file_records(f), lines);
	assert_int_equal(nwt_output_file_close(f), -1);
	free(got);
	free(expect);
}

static void test_direct_file_cut_to_whole_records(void **state)
{
	(void)state;
	expect_cut_to_whole(nwt_output_file_open(path), MIB + MIB / 2 + 333, 1000);
}

static void test_stdout_file_cut_to_whole_records(void **state)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct nwt_output_file *f;

	(void)state;
	assert_true(fd >= 0);
	f = nwt_output_file_adopt(fd);
	assert_non_null(f);
	assert_false(nwt_output_file_direct(f));
	assert_string_equal(nwt_output_file_name(f), path);
	expect_cut_to_whole(f, 100000 + 37, 7);
	close(fd);
}

static void test_missing_directory(void **state)
{
	char missing[600];

	(void)state;
	snprintf(missing, sizeof(missing), "%s.absent/trace", path);
	errno = 0;
	assert_null(nwt_output_file_open(missing));
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_arrives_whole),
		cmocka_unit_test(test_tail_shown_after_a_second),
		cmocka_unit_test(test_busy_stream_never_waits_for_a_tick),
		cmocka_unit_test(test_not_a_regular_file),
		cmocka_unit_test(test_reader_gone),
		cmocka_unit_test(test_device_full),
		cmocka_unit_test(test_direct_file_cut_to_whole_records),
		cmocka_unit_test(test_stdout_file_cut_to_whole_records),
		cmocka_unit_test(test_missing_directory),
	};

	return cmocka_run_group_tests(tests, make_path, remove_tree);
}
