/*
 * signer-spool.c - memory-then-temp-file message spool (signer-spool.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "signer-spool.h"

void
signer_spool_init(struct signer_spool *spool, const char *tmpdir,
		  size_t memory_max)
{
	memset(spool, 0, sizeof(*spool));
	spool->tmpdir = tmpdir;
	spool->memory_max = memory_max != 0 ? memory_max : SIGNER_SPOOL_MEMORY;
	spool->fd = -1;
}

void
signer_spool_deinit(struct signer_spool *spool)
{
	if (spool->fd >= 0)
		close(spool->fd);
	spool->fd = -1;
	buf_free(&spool->mem);
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Move to an unlinked temp file, writing what memory holds. */
static int
spool_spill(struct signer_spool *spool, const char **error_r)
{
	char path[4096];

	if (snprintf(path, sizeof(path), "%s/dkim-signer.XXXXXX",
		     spool->tmpdir) >= (int)sizeof(path)) {
		*error_r = "TemporaryDirectory: path too long";
		return -1;
	}
	if ((spool->fd = mkostemp(path, O_CLOEXEC)) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	(void)unlink(path);
	if (spool->mem.len > 0 &&
	    write_all(spool->fd, spool->mem.data, spool->mem.len) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	buf_free(&spool->mem);
	return 0;
}

int
signer_spool_write(struct signer_spool *spool, const void *data, size_t len,
		   const char **error_r)
{
	if (spool->fd < 0 && spool->mem.len + len > spool->memory_max &&
	    spool_spill(spool, error_r) < 0)
		return -1;
	if (spool->fd < 0) {
		buf_append(&spool->mem, data, len);
	} else if (write_all(spool->fd, data, len) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	spool->size += (off_t)len;
	return 0;
}

void
signer_spool_rewind(struct signer_spool *spool)
{
	spool->read_pos = 0;
}

ssize_t
signer_spool_read(struct signer_spool *spool, void *buf, size_t size,
		  const char **error_r)
{
	size_t left = (size_t)(spool->size - spool->read_pos);
	ssize_t n;

	if (size > left)
		size = left;
	if (size == 0)
		return 0;
	if (spool->fd < 0) {
		memcpy(buf, spool->mem.data + spool->read_pos, size);
		n = (ssize_t)size;
	} else {
		do {
			n = pread(spool->fd, buf, size, spool->read_pos);
		} while (n < 0 && errno == EINTR);
		if (n <= 0) {
			*error_r = n < 0 ? strerror(errno) :
					   "temporary file shrank";
			return -1;
		}
	}
	spool->read_pos += n;
	return n;
}

int
signer_spool_on_disk(const struct signer_spool *spool)
{
	return spool->fd >= 0;
}
