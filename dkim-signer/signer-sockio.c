/*
 * signer-sockio.c - deadline-bounded socket I/O (signer-sockio.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "signer-sockio.h"

int64_t
signer_sockio_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
signer_sockio_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Wait until fd is ready for `events` or the deadline passes.  0 ready,
 * -1 with *error_r. */
static int
wait_fd(int fd, short events, int64_t deadline, const char **error_r)
{
	struct pollfd p = {.fd = fd, .events = events};

	for (;;) {
		int64_t left = deadline - signer_sockio_now();
		int r;

		if (left <= 0) {
			*error_r = "timed out";
			return -1;
		}
		r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR) {
			*error_r = strerror(errno);
			return -1;
		}
	}
}

int
signer_sockio_write(int fd, const void *data, size_t len, int64_t deadline,
		    const char **error_r)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w > 0) {
			p += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_fd(fd, POLLOUT, deadline, error_r) < 0)
				return -1;
			continue;
		}
		*error_r = w < 0 ? strerror(errno) : "short write";
		return -1;
	}
	return 0;
}

ssize_t
signer_sockio_read(int fd, void *buf, size_t size, int64_t deadline,
		   const char **error_r)
{
	for (;;) {
		ssize_t r = read(fd, buf, size);

		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			*error_r = strerror(errno);
			return -1;
		}
		if (wait_fd(fd, POLLIN, deadline, error_r) < 0)
			return -1;
	}
}
