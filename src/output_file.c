#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Direct I/O needs the buffer, the file offset and the length aligned to the
 * device's logical block; 4096 covers 512- and 4096-byte devices.
 */
#define DIRECT_ALIGN 4096
#define DIRECT_RUN (1 << 20)	/* one write per MiB: ~0.3 ms on a virtio disk */
#define TAIL_LAG_S 1.0		/* longest an unfinished block waits to be seen */

struct nwt_output_file {
	FILE *stream;
	int fd;
	bool direct;		/* fd has O_DIRECT and buf is written in whole blocks */
	char *buf;		/* direct mode: the next run of blocks, DIRECT_RUN bytes */
	size_t len;		/* bytes in buf */
	size_t shown;		/* of those, written through the page cache already */
	off_t buf_offset;	/* file offset of buf[0], block aligned */
	double pending_since;	/* when unshown bytes were first seen by a tick; 0: none */
	int error;		/* first write error */
};

static int set_direct(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT);
}

/* pwrite() all of data at offset; short writes are continued. */
static int write_all(int fd, const char *data, size_t n, off_t offset)
{
	while (n) {
		ssize_t w = pwrite(fd, data, n, offset);

		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0)
			errno = EIO;	/* no progress and no reason given */
		if (w <= 0)
			return -1;
		data += w;
		offset += w;
		n -= (size_t)w;
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
	rc = write_all(f->fd, f->buf + f->shown, f->len - f->shown, f->buf_offset + (off_t)f->shown);
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
		if (!write_all(f->fd, f->buf, f->len, f->buf_offset))
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
	while (done < size) {
		size_t n = size - done < DIRECT_RUN - f->len ? size - done : DIRECT_RUN - f->len;

		memcpy(f->buf + f->len, data + done, n);
		f->len += n;
		done += n;
		if (f->len == DIRECT_RUN && write_run(f)) {
			f->error = errno;
			return 0;
		}
	}
	return (ssize_t)size;
}

static int cookie_close(void *cookie)
{
	struct nwt_output_file *f = cookie;
	int rc = 0;

	if (!f->error && write_unshown(f))
		f->error = errno;
	if (close(f->fd) && !f->error)
		f->error = errno;
	if (f->error) {
		errno = f->error;
		rc = -1;
	}
	free(f->buf);
	free(f);
	return rc;
}

struct nwt_output_file *nwt_output_file_open(const char *path)
{
	struct nwt_output_file *f = calloc(1, sizeof(*f));
	cookie_io_functions_t io = { .write = cookie_write, .close = cookie_close };
	struct stat st;
	int saved;

	if (!f)
		return NULL;
	f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (f->fd < 0)
		goto fail;
	f->direct = !fstat(f->fd, &st) && S_ISREG(st.st_mode) &&
		    !posix_memalign((void **)&f->buf, DIRECT_ALIGN, DIRECT_RUN) &&
		    !set_direct(f->fd, true);
	if (f->direct)
		f->stream = fopencookie(f, "w", io);
	else
		f->stream = fdopen(f->fd, "w");
	if (f->stream) {
		if (!f->direct) {	/* the stream owns the fd now */
			free(f->buf);
			f->buf = NULL;
		}
		return f;
	}
fail:
	saved = errno;
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	free(f);
	errno = saved;
	return NULL;
}

FILE *nwt_output_file_stream(struct nwt_output_file *f)
{
	return f->stream;
}

bool nwt_output_file_direct(const struct nwt_output_file *f)
{
	return f->buf && f->direct;
}

void nwt_output_file_tick(struct nwt_output_file *f, double now_s)
{
	if (!f->buf)	/* written the ordinary way: fflush() was enough */
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

int nwt_output_file_close(struct nwt_output_file *f)
{
	bool cookie = f->buf != NULL;	/* only the cookie stream has a run buffer */
	int rc = fclose(f->stream);	/* a cookie stream frees f in cookie_close() */

	if (!cookie)
		free(f);
	return rc;
}
