/*
 * -o FILE.  A regular file is written with direct I/O (O_DIRECT) in whole
 * aligned blocks, so that tracing every packet, tens of MB/s of JSON, neither
 * fills the page cache nor evicts the traced workload's cached files, and
 * nwtrace does not pay to copy every byte into fresh page-cache pages.  The
 * tail that does not fill a block yet goes through the page cache at most once
 * per second, so the file never lags the trace by more than that; the whole
 * file is there when the stream is closed.  A file system that refuses direct
 * I/O, or any file that is not a regular file (a FIFO, /dev/stdout), is written
 * the ordinary way.
 */
#ifndef NWT_OUTPUT_FILE_H
#define NWT_OUTPUT_FILE_H

#include <stdbool.h>
#include <stdio.h>

struct nwt_output_file;

/* Creates or truncates path; NULL with errno set on failure. */
struct nwt_output_file *nwt_output_file_open(const char *path);

/* The stream to print to; fclose() it through nwt_output_file_close(). */
FILE *nwt_output_file_stream(struct nwt_output_file *f);

/* Whether the file takes direct I/O (false once a write was refused). */
bool nwt_output_file_direct(const struct nwt_output_file *f);

/* Call after fflush(): writes the unfinished block if it has waited a second. */
void nwt_output_file_tick(struct nwt_output_file *f, double now_s);

/* Flushes, writes the tail and closes; 0, or -1 with errno if data was lost. */
int nwt_output_file_close(struct nwt_output_file *f);

#endif
