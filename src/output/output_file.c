/* SPDX-License-Identifier: Apache-2.0 */
#include "output/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/stop.h"

/*
 * Direct I/O needs the buffer, the file offset and the length aligned to the
 * device's logical block; 4096 covers 512- and 4096-byte devices.
 */
#define DIRECT_ALIGN 4096
#define DIRECT_RUN (1 << 20)	/* one write per MiB: ~0.3 ms on a virtio disk */
#define TAIL_LAG_S 1.0		/* longest an unfinished block waits to be seen */

/*
 * Offsets are counted in the stream's bytes, from its first; in the file
 * that byte is at base.  Record ends not yet written wait in a queue, each
 * stored as offset << 1 | is_event.
 */
struct nwt_output_file {
	FILE *stream;
	int fd;
	bool own_fd;		/* opened here: closed here */
	bool regular;		/* a regular file: cut back to whole records after an error */
	bool pipe;		/* a pipe or FIFO: its reader may go away */
	bool direct;		/* fd has O_DIRECT and buf is written in whole blocks */
	bool finished;
	char *name;
	char *buf;		/* run mode (-o regular file): the next run of blocks, DIRECT_RUN bytes */
	size_t len;		/* bytes in buf */
	size_t shown;		/* of those, written through the page cache already */
	off_t buf_offset;	/* offset of buf[0], block aligned (base is 0 in run mode) */
	double pending_since;	/* when unshown bytes were first seen by a tick; 0: none */
	off_t base;		/* file offset of the stream's first byte; -1: unknown */
	uint64_t given;		/* bytes the stream has handed to cookie_write() */
	uint64_t written;	/* bytes from the first that the kernel has taken, in order */
	uint64_t whole;		/* end of the last whole record or block within written */
	unsigned long long records;	/* event records within whole */
	uint64_t *ends;		/* queue of record ends beyond written */
	size_t ends_head, ends_n, ends_cap;
	int error;		/* first write error */
};

static void set_written(struct nwt_output_file *f, uint64_t written)
{
	f->written = written;
	while (f->ends_n && f->ends[f->ends_head] >> 1 <= written) {
		f->whole = f->ends[f->ends_head] >> 1;
		f->records += f->ends[f->ends_head] & 1;
		f->ends_head++;
		f->ends_n--;
	}
	if (!f->ends_n)
		f->ends_head = 0;
}

/*
 * The stream's position is a record end.  Without memory for the queue the
 * end is forgotten: the record then counts with the next end, never as whole
 * before it is.
 */
static void mark_end(struct nwt_output_file *f, bool event)
{
	uint64_t at = f->given + __fpending(f->stream);
	size_t tail = f->ends_head + f->ends_n;

	if (f->error)
		return;
	if (at <= f->written) {
		f->whole = at;
		f->records += event;
		return;
	}
	if (!event && f->ends_n && f->ends[tail - 1] >> 1 == at)
		return;
	if (tail == f->ends_cap && f->ends_head) {
		memmove(f->ends, f->ends + f->ends_head, f->ends_n * sizeof(*f->ends));
		f->ends_head = 0;
		tail = f->ends_n;
	}
	if (tail == f->ends_cap) {
		size_t cap = f->ends_cap ? 2 * f->ends_cap : 1024;
		uint64_t *grown = realloc(f->ends, cap * sizeof(*grown));

		if (!grown)
			return;
		f->ends = grown;
		f->ends_cap = cap;
	}
	f->ends[tail] = at << 1 | event;
	f->ends_n++;
}

static int set_direct(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT);
}

/* An output left non-blocking by whoever started nwtrace is waited for, as a blocking one. */
static int wait_writable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR || nwt_stop_requested())
			return -1;
	return 0;
}

/*
 * Writes all of data, the stream's bytes from offset on: at that offset in
 * run mode, else where the fd stands.  Short writes are continued; a write
 * that a stop request interrupts is given up (EINTR), so that a reader that
 * stopped reading cannot hold nwtrace.
 */
static int write_all(struct nwt_output_file *f, const char *data, size_t n, off_t offset)
{
	while (n) {
		ssize_t w = f->buf ? pwrite(f->fd, data, n, offset) : write(f->fd, data, n);

		if (w < 0 && errno == EAGAIN && !wait_writable(f->fd))
			continue;
		if (w < 0 && errno == EINTR && !nwt_stop_requested())
			continue;
		if (w == 0)
			errno = EIO;	/* no progress and no reason given */
		if (w <= 0)
			return -1;
		if ((uint64_t)offset <= f->written && (uint64_t)(offset + w) > f->written)
			set_written(f, (uint64_t)(offset + w));
		data += w;
		offset += w;
		n -= (size_t)w;
		/* a blocking pipe takes less only when a signal came while it waited */
		if (n && f->pipe && nwt_stop_requested()) {
			errno = EINTR;
			return -1;
		}
	}
	return 0;
}

/* Bytes of buf not yet in the file, through the page cache (O_DIRECT off meanwhile). */
static int write_unshown(struct nwt_output_file *f)
{
	int rc;

	if (f->len == f->shown)
		return 0;
	if (f->direct && set_direct(f->fd, false))
		return -1;
	rc = write_all(f, f->buf + f->shown, f->len - f->shown, f->buf_offset + (off_t)f->shown);
	if (f->direct && set_direct(f->fd, true))
		f->direct = false;	/* the rest goes through the page cache */
	if (!rc)
		f->shown = f->len;
	return rc;
}

/* buf is full: one direct write of the whole run, shown part included. */
static int write_run(struct nwt_output_file *f)
{
	if (f->direct) {
		if (!write_all(f, f->buf, f->len, f->buf_offset))
			f->shown = f->len;
		else if (errno == EINVAL && !set_direct(f->fd, false))
			f->direct = false;	/* O_DIRECT accepted, its writes not: page cache */
		else
			return -1;
	}
	if (write_unshown(f))
		return -1;
	f->buf_offset += (off_t)f->len;
	f->len = f->shown = 0;
	f->pending_since = 0;
	return 0;
}

static ssize_t cookie_write(void *cookie, const char *data, size_t size)
{
	struct nwt_output_file *f = cookie;
	size_t done = 0;

	if (f->error)
		return 0;
	if (!f->buf && write_all(f, data, size, (off_t)f->written)) {
		f->error = errno;
		return 0;
	}
	while (f->buf && done < size) {
		size_t n = size - done < DIRECT_RUN - f->len ? size - done : DIRECT_RUN - f->len;

		memcpy(f->buf + f->len, data + done, n);
		f->len += n;
		done += n;
		if (f->len == DIRECT_RUN && write_run(f)) {
			f->error = errno;
			return 0;
		}
	}
	f->given += size;
	return (ssize_t)size;
}

static char *path_of_fd(int fd)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return NULL;
	path[n] = '\0';
	return strdup(path);
}

static void free_file(struct nwt_output_file *f)
{
	free(f->buf);
	free(f->ends);
	free(f->name);
	free(f);
}

static struct nwt_output_file *create(int fd, bool own_fd, const char *path)
{
	cookie_io_functions_t io = { .write = cookie_write };
	struct nwt_output_file *f = calloc(1, sizeof(*f));
	struct stat st;

	if (!f)
		return NULL;
	f->fd = fd;
	f->own_fd = own_fd;
	f->base = -1;
	if (!fstat(fd, &st)) {
		f->regular = S_ISREG(st.st_mode);
		f->pipe = S_ISFIFO(st.st_mode);
	}
	if (f->regular) {
		int flags = fcntl(fd, F_GETFL);

		/* appends go to the end of whatever the file holds when the stream starts */
		f->base = flags >= 0 && (flags & O_APPEND) ? st.st_size : lseek(fd, 0, SEEK_CUR);
	}
	f->name = path ? strdup(path) : f->regular ? path_of_fd(fd) : NULL;
	/* run mode only for a file of its own, from offset 0: -o */
	if (own_fd && f->regular && f->base == 0 &&
	    !posix_memalign((void **)&f->buf, DIRECT_ALIGN, DIRECT_RUN)) {
		f->direct = !set_direct(fd, true);
		if (!f->direct) {
			free(f->buf);
			f->buf = NULL;
		}
	}
	f->stream = fopencookie(f, "w", io);
	if (!f->stream) {
		free_file(f);
		return NULL;
	}
	return f;
}

struct nwt_output_file *nwt_output_file_open(const char *path)
{
	struct nwt_output_file *f;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int saved;

	if (fd < 0)
		return NULL;
	f = create(fd, true, path);
	if (!f) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return f;
}

struct nwt_output_file *nwt_output_file_adopt(int fd)
{
	return create(fd, false, NULL);
}

FILE *nwt_output_file_stream(struct nwt_output_file *f)
{
	return f->stream;
}

const char *nwt_output_file_name(const struct nwt_output_file *f)
{
	return f->name;
}

bool nwt_output_file_direct(const struct nwt_output_file *f)
{
	return f->buf && f->direct;
}

void nwt_output_file_end_record(struct nwt_output_file *f)
{
	mark_end(f, true);
}

int nwt_output_file_flush(struct nwt_output_file *f)
{
	mark_end(f, false);
	if (fflush(f->stream) && !f->error)
		f->error = errno ? errno : EIO;
	if (f->error) {
		errno = f->error;
		return -1;
	}
	return 0;
}

void nwt_output_file_tick(struct nwt_output_file *f, double now_s)
{
	if (!f->buf)	/* written the ordinary way: the flush was enough */
		return;
	if (f->error || f->len == f->shown) {
		f->pending_since = 0;
		return;
	}
	if (!f->pending_since)
		f->pending_since = now_s;
	if (now_s - f->pending_since < TAIL_LAG_S)
		return;
	if (write_unshown(f))
		f->error = errno;
	f->pending_since = 0;
}

bool nwt_output_file_reader_gone(const struct nwt_output_file *f)
{
	struct pollfd p = { .fd = f->fd };

	return f->pipe && poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

unsigned long long nwt_output_file_records(const struct nwt_output_file *f)
{
	return f->records;
}

/*
 * After a failed write the file may end inside a record: it is cut back to
 * the last whole one, unless something else wrote the file after this stream
 * (then its end is not this stream's to cut).
 */
static void cut_to_whole(struct nwt_output_file *f)
{
	struct stat st;

	if (!f->regular || f->base < 0 || f->whole == f->written)
		return;
	if (fstat(f->fd, &st) || st.st_size != f->base + (off_t)f->written)
		return;
	if (!ftruncate(f->fd, f->base + (off_t)f->whole))
		f->written = f->whole;
}

int nwt_output_file_finish(struct nwt_output_file *f)
{
	if (!f->finished) {
		f->finished = true;
		nwt_output_file_flush(f);
		if (f->buf && !f->error && write_unshown(f))
			f->error = errno;
		if (f->error)
			cut_to_whole(f);
	}
	if (f->error) {
		errno = f->error;
		return -1;
	}
	return 0;
}

int nwt_output_file_close(struct nwt_output_file *f)
{
	int err = nwt_output_file_finish(f) ? errno : 0;

	fclose(f->stream);	/* finished: nothing left for it to write */
	if (f->own_fd && close(f->fd) && !err)
		err = errno;
	free_file(f);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
