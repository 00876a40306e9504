/*
 * policyd-limits.h - spf-policyd's descriptor budget, fitted to
 * RLIMIT_NOFILE at start-up.
 *
 * Every client connection is one descriptor, every DNS query in flight
 * may be another (libunbound opens a UDP socket per outstanding query,
 * up to its outgoing-range), and the process needs a few of its own
 * (listeners, the event loop, syslog, libunbound's TCP sockets).  When
 * clients may take every descriptor, accept() and libunbound's socket()
 * fail together.  So the budget is
 *
 *     max_connections + dns_sockets + POLICYD_FD_RESERVE <= soft limit
 *
 * The soft limit is raised towards the hard limit when that makes it
 * fit; otherwise max_connections (and, below a quarter of what is left,
 * dns_sockets) are lowered and the caller is told so.
 *
 * Memory: the note is allocated from the arena given.
 */
#ifndef MA_POLICYD_LIMITS_H
#define MA_POLICYD_LIMITS_H

struct arena;
struct policyd_config;

/* Descriptors besides clients and DNS queries: stdio, listeners, the
 * event loop's, syslog, libunbound's (10 outgoing TCP by default). */
#define POLICYD_FD_RESERVE 48
/* Fewer client connections than this is no service. */
#define POLICYD_MIN_CONNECTIONS 8

struct policyd_limits {
	unsigned int max_connections; /* in effect */
	unsigned int dns_sockets;     /* in effect (libunbound outgoing-range) */
	unsigned long nofile;	      /* soft RLIMIT_NOFILE in effect */
};

/* Fit the configured max_connections and dns_sockets to RLIMIT_NOFILE,
 * raising the soft limit if allowed and useful.  0 with *limits_r and
 * *note_r (NULL, or a sentence saying what was raised or lowered, for
 * the log); -1 with *error_r when not even POLICYD_MIN_CONNECTIONS fit. */
int policyd_limits_fit(const struct policyd_config *config,
		       struct arena *arena, struct policyd_limits *limits_r,
		       const char **note_r, const char **error_r);

#endif
