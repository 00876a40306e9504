/*
 * policyd-listen.h - where spf-policyd listens: "unix:PATH" (a stale
 * socket file is replaced, never another kind of file; mode 0666) or
 * "inet:HOST:PORT" ("inet:[::1]:PORT" for IPv6), checked and bound to a
 * listening socket.  No libevent here: the server wraps the socket
 * (policyd-server.h).
 *
 * Memory: error texts and the unix path live in the caller's arena.
 */
#ifndef MA_POLICYD_LISTEN_H
#define MA_POLICYD_LISTEN_H

struct arena;

/* Check a listen spec without binding: the form, an absolute unix path
 * that fits, a port from 1 to 65535, a host getaddrinfo() knows.  0, or
 * -1 with *error_r (from `arena`) naming the spec. */
int policyd_listen_check(struct arena *arena, const char *spec,
			 const char **error_r);

/* Check the spec, then bind and listen: the socket (close-on-exec,
 * blocking) in *fd_r and, for a unix socket, its path in *unix_path_r
 * (to remove at exit; NULL for inet).  0, or -1 with *error_r (static or
 * from `arena`). */
int policyd_listen_open(struct arena *arena, const char *spec, int *fd_r,
			const char **unix_path_r, const char **error_r);

#endif
