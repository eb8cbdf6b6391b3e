/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where events go: -o FILE, or stdout.  A regular file named by -o is
 * written with direct I/O (O_DIRECT) in whole aligned blocks, so that tracing
 * every packet, tens of MB/s of JSON, neither fills the page cache nor evicts
 * the traced workload's cached files, and nwtrace does not pay to copy every
 * byte into fresh page-cache pages.  The tail that does not fill a block yet
 * goes through the page cache at most once per second, so the file never lags
 * the trace by more than that; the whole file is there when it is closed.  A
 * file system that refuses direct I/O, anything that is not a regular file (a
 * FIFO, /dev/stdout), and stdout are written the ordinary way.
 *
 * Whatever it is, the output knows how much of it the kernel took and where
 * records end: a failed write stops the stream (the first error is kept), a
 * regular file is then cut back to its last whole record, and the count of
 * records says how many are in the file whole (or reached the pipe whole).
 */
#ifndef NWT_OUTPUT_FILE_H
#define NWT_OUTPUT_FILE_H

#include <stdbool.h>
#include <stdio.h>

struct nwt_output_file;

/* Creates or truncates path; NULL with errno set on failure. */
struct nwt_output_file *nwt_output_file_open(const char *path);

/* Writes to fd (stdout), which stays open; NULL with errno set on failure. */
struct nwt_output_file *nwt_output_file_adopt(int fd);

/* The stream to print to; fclose() it through nwt_output_file_close(). */
FILE *nwt_output_file_stream(struct nwt_output_file *f);

/* The path given to open, or the path of an adopted regular file; else NULL. */
const char *nwt_output_file_name(const struct nwt_output_file *f);

/* Whether the file takes direct I/O (false once a write was refused). */
bool nwt_output_file_direct(const struct nwt_output_file *f);

/* What was printed since the last call is one whole event record. */
void nwt_output_file_end_record(struct nwt_output_file *f);

/*
 * What was printed is whole (a header, a table, a stats line): fflush()es it.
 * 0, or -1 with errno the first write error: the stream writes nothing more.
 */
int nwt_output_file_flush(struct nwt_output_file *f);

/* Call after a flush: writes the unfinished block if it has waited a second. */
void nwt_output_file_tick(struct nwt_output_file *f, double now_s);

/* A pipe or FIFO whose reader has closed it (nothing written will be read). */
bool nwt_output_file_reader_gone(const struct nwt_output_file *f);

/* Event records whole in the file, or taken by the pipe, so far. */
unsigned long long nwt_output_file_records(const struct nwt_output_file *f);

/*
 * Flushes and writes the tail; after a write error, cuts a regular file back
 * to its last whole record.  0, or -1 with errno the first write error.
 */
int nwt_output_file_finish(struct nwt_output_file *f);

/* Finishes (if not yet) and closes; 0, or -1 with errno if data was lost. */
int nwt_output_file_close(struct nwt_output_file *f);

#endif
