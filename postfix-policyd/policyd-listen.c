/*
 * policyd-listen.c - spf-policyd's listen specs, checked and bound (see
 * policyd-listen.h).
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "policyd-listen.h"
#include "util/arena.h"
#include "util/strparse.h"

/* "inet:" HOST:PORT split; the port 1..65535 in decimal.  0 or -1. */
static int
split_hostport(struct arena *arena, const char *hostport, char **host_r,
	       const char **port_r, const char **error_r)
{
	char *host = arena_strdup(arena, hostport);
	char *port = strrchr(host, ':');
	struct strparse sp;
	uint64_t n;

	if (port == NULL || port == host) {
		*error_r = arena_printf(arena, "inet:%s: expected HOST:PORT",
					hostport);
		return -1;
	}
	*port++ = '\0';
	sp_init_str(&sp, port);
	if (!sp_uint(&sp, 5, 65535, &n) || !sp_eof(&sp) || n == 0) {
		*error_r = arena_printf(arena,
					"inet:%s: port '%s' is not a number "
					"from 1 to 65535",
					hostport, port);
		return -1;
	}
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host++;
		host[strlen(host) - 1] = '\0';
	}
	*host_r = host;
	*port_r = port;
	return 0;
}

int
policyd_listen_check(struct arena *arena, const char *spec,
		     const char **error_r)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_un sun;
	struct stat st;
	const char *port, *dir;
	char *host, *path;
	int r;

	if (strncmp(spec, "unix:", 5) == 0) {
		if (spec[5] != '/') {
			*error_r = arena_printf(arena,
						"%s: expected an absolute path",
						spec);
			return -1;
		}
		if (strlen(spec + 5) >= sizeof(sun.sun_path)) {
			*error_r = arena_printf(arena,
						"%s: socket path too long", spec);
			return -1;
		}
		errno = 0;
		path = arena_strdup(arena, spec + 5);
		*strrchr(path, '/') = '\0';
		dir = path[0] != '\0' ? path : "/";
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			*error_r = arena_printf(arena, "%s: directory %s: %s",
						spec, dir,
						errno == 0 ? "not a directory"
							   : strerror(errno));
			return -1;
		}
		return 0;
	}
	if (strncmp(spec, "inet:", 5) != 0) {
		*error_r = arena_printf(arena,
					"%s: expected unix:PATH or "
					"inet:HOST:PORT",
					spec);
		return -1;
	}
	if (split_hostport(arena, spec + 5, &host, &port, error_r) < 0)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if ((r = getaddrinfo(host, port, &hints, &ai)) != 0) {
		*error_r = arena_printf(arena, "%s: %s", spec, gai_strerror(r));
		return -1;
	}
	freeaddrinfo(ai);
	return 0;
}

static int
listen_unix(struct arena *arena, const char *path, int *fd_r,
	    const char **error_r)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		*error_r = "unix socket path too long";
		return -1;
	}
	strcpy(sun.sun_path, path);
	/* replace a stale socket, never another kind of file */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(path, 0666) < 0 || listen(fd, 128) < 0) {
		*error_r = arena_printf(arena, "unix:%s: %s", path,
					strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*fd_r = fd;
	return 0;
}

static int
listen_inet(struct arena *arena, const char *hostport, int *fd_r,
	    const char **error_r)
{
	struct addrinfo hints, *ai = NULL;
	const char *port;
	char *host;
	int fd = -1, on = 1, r;

	if (split_hostport(arena, hostport, &host, &port, error_r) < 0)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if ((r = getaddrinfo(host, port, &hints, &ai)) != 0) {
		*error_r = arena_printf(arena, "inet:%s: %s", hostport,
					gai_strerror(r));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, 511) < 0) {
		*error_r = arena_printf(arena, "inet:%s: %s", hostport,
					strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	*fd_r = fd;
	return 0;
}

int
policyd_listen_open(struct arena *arena, const char *spec, int *fd_r,
		    const char **unix_path_r, const char **error_r)
{
	*unix_path_r = NULL;
	if (policyd_listen_check(arena, spec, error_r) < 0)
		return -1;
	if (strncmp(spec, "unix:", 5) == 0) {
		if (listen_unix(arena, spec + 5, fd_r, error_r) < 0)
			return -1;
		*unix_path_r = spec + 5;
		return 0;
	}
	return listen_inet(arena, spec + 5, fd_r, error_r);
}
