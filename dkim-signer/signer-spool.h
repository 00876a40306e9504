/*
 * signer-spool.h - where dkim-signer keeps the message between reading it
 * and writing it out: in memory up to SIGNER_SPOOL_MEMORY bytes, then in
 * an unlinked temporary file, so a 50 MB message needs no 50 MB of RAM.
 * The bytes come back exactly as they went in.
 *
 * Memory: the spool owns its buffer and file descriptor;
 * signer_spool_free() closes and frees (the temp file is already
 * unlinked, so nothing is left behind even after SIGKILL).
 */
#ifndef SIGNER_SPOOL_H
#define SIGNER_SPOOL_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

/* Bytes kept in memory before the spool moves to a temporary file. */
#define SIGNER_SPOOL_MEMORY (256 * 1024)

struct signer_spool {
	const char *tmpdir;
	size_t memory_max;
	struct buf mem; /* the whole message while it fits */
	int fd;		/* -1 while in memory */
	off_t size;
	off_t read_pos; /* signer_spool_read position */
};

/* A spool spilling to an unlinked file in `tmpdir` (borrowed) after
 * memory_max bytes (0: SIGNER_SPOOL_MEMORY). */
void signer_spool_init(struct signer_spool *spool, const char *tmpdir,
		       size_t memory_max);
void signer_spool_deinit(struct signer_spool *spool);

/* Append bytes.  -1 with *error_r (static or strerror) when the temp
 * file cannot be made or written. */
int signer_spool_write(struct signer_spool *spool, const void *data,
		       size_t len, const char **error_r);

/* Rewind for reading. */
void signer_spool_rewind(struct signer_spool *spool);
/* Up to `size` next bytes into buf: returns the count (0 at the end) or
 * -1 with *error_r. */
ssize_t signer_spool_read(struct signer_spool *spool, void *buf, size_t size,
			  const char **error_r);

/* Whether the message went to a file (for tests and the log). */
int signer_spool_on_disk(const struct signer_spool *spool);

#endif
