/*
 * policyd-limits.c - the descriptor budget (see policyd-limits.h).
 */
#include "config.h"

#include <sys/resource.h>

#include "util/arena.h"
#include "policyd-config.h"
#include "policyd-limits.h"

static unsigned long
want_fds(unsigned int conns, unsigned int dns)
{
	return (unsigned long)conns + dns + POLICYD_FD_RESERVE;
}

int
policyd_limits_fit(const struct policyd_config *cfg, struct arena *arena,
		   struct policyd_limits *lim, const char **note_r,
		   const char **error_r)
{
	unsigned long want = want_fds(cfg->max_connections, cfg->dns_sockets);
	unsigned long avail;
	struct rlimit rl;

	*note_r = NULL;
	lim->max_connections = cfg->max_connections;
	lim->dns_sockets = cfg->dns_sockets;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		lim->nofile = want;
		return 0;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		struct rlimit up = rl;

		up.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want
				      ? want
				      : rl.rlim_max;
		if (up.rlim_cur > rl.rlim_cur && setrlimit(RLIMIT_NOFILE, &up) == 0) {
			*note_r = arena_printf(arena,
					       "descriptor limit raised from %lu "
					       "to %lu",
					       (unsigned long)rl.rlim_cur,
					       (unsigned long)up.rlim_cur);
			rl = up;
		}
	}
	lim->nofile = rl.rlim_cur == RLIM_INFINITY ? want
						   : (unsigned long)rl.rlim_cur;
	if (lim->nofile >= want)
		return 0;
	/* lower the caps: DNS keeps at most a quarter of what is left */
	avail = lim->nofile > POLICYD_FD_RESERVE
			? lim->nofile - POLICYD_FD_RESERVE
			: 0;
	if (lim->dns_sockets > avail / 4)
		lim->dns_sockets = avail / 4;
	if (lim->dns_sockets < 1)
		lim->dns_sockets = 1;
	lim->max_connections = avail > lim->dns_sockets
				       ? (unsigned int)(avail - lim->dns_sockets)
				       : 0;
	if (lim->max_connections < POLICYD_MIN_CONNECTIONS) {
		*error_r = arena_printf(arena,
					"descriptor limit %lu is too low: "
					"%u client connections need %lu",
					lim->nofile, POLICYD_MIN_CONNECTIONS,
					want_fds(POLICYD_MIN_CONNECTIONS, 8));
		return -1;
	}
	*note_r = arena_printf(arena,
			       "descriptor limit %lu (hard limit %lu): "
			       "max_connections lowered from %u to %u, "
			       "dns_sockets from %u to %u",
			       lim->nofile,
			       rl.rlim_max == RLIM_INFINITY
				       ? 0UL
				       : (unsigned long)rl.rlim_max,
			       cfg->max_connections, lim->max_connections,
			       cfg->dns_sockets, lim->dns_sockets);
	return 0;
}
