/*
 * signer-sockio.h - reads and writes on a non-blocking socket that never
 * wait past a deadline (the SigningSocket client and service,
 * signer-client.h, signer-service.h): a peer that stalls costs at most
 * the time left, never a hang.
 *
 * Deadlines are CLOCK_MONOTONIC milliseconds (signer_sockio_now()).
 */
#ifndef SIGNER_SOCKIO_H
#define SIGNER_SOCKIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t signer_sockio_now(void);

/* Make fd non-blocking.  0, or -1 (errno). */
int signer_sockio_nonblock(int fd);

/* Write all of data.  0, or -1 with *error_r (static text): the peer
 * closed, an error, or "timed out". */
int signer_sockio_write(int fd, const void *data, size_t len,
			int64_t deadline, const char **error_r);

/* Read what is there (at most size bytes, waiting for some).  Returns
 * the count, 0 at end of file, or -1 with *error_r ("timed out", or the
 * error). */
ssize_t signer_sockio_read(int fd, void *buf, size_t size, int64_t deadline,
			   const char **error_r);

#endif
