/*
 * spf-policyd.c - the SPF policy service for Postfix (check_policy_service).
 *
 * SYNOPSIS
 *	spf-policyd [-nv] [-c FILE] [-o NAME=VALUE]...
 *	spf-policyd [-nev] [-c FILE] --listen unix:PATH|inet:HOST:PORT ...
 *
 * Without --listen, and when fd 0 is a socket or the config has no
 * `listen`, it serves one connection on stdin/stdout the way spawn(8)
 * runs it: fds 0, 1 and 2 are
 * all the socket, so nothing is ever written to stderr; logs go to
 * syslog.  With --listen it is a standalone daemon serving many smtpd
 * processes from one event loop, dropping privileges to `user` after
 * binding.  -n checks the configuration and exits (errors on stderr).
 * See spf-policyd(8) and spf-policyd.conf(5).
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "dns.h"
#include "log.h"
#include "logsink.h"
#include "policyd-config.h"
#include "policyd-server.h"

#define PROGNAME "spf-policyd"
#define MAX_CLI_LISTEN 16
#define MAX_CLI_OVERRIDES 32

struct options {
	const char *config_path;
	const char *listen[MAX_CLI_LISTEN + 1];
	size_t nlisten;
	const char *overrides[MAX_CLI_OVERRIDES];
	size_t noverrides;
	bool check_only, verbose, log_stderr;
};

static void
usage(void)
{
	fprintf(stderr,
		"usage: " PROGNAME " [-nev] [-c FILE] [-o NAME=VALUE] "
		"[--listen unix:PATH|inet:HOST:PORT]...\n");
	exit(64);
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-c") == 0 && i + 1 < argc)
			o->config_path = argv[++i];
		else if (strcmp(a, "-o") == 0 && i + 1 < argc &&
			 o->noverrides < MAX_CLI_OVERRIDES)
			o->overrides[o->noverrides++] = argv[++i];
		else if ((strcmp(a, "--listen") == 0 || strcmp(a, "-l") == 0) &&
			 i + 1 < argc && o->nlisten < MAX_CLI_LISTEN)
			o->listen[o->nlisten++] = argv[++i];
		else if (strcmp(a, "-n") == 0)
			o->check_only = true;
		else if (strcmp(a, "-v") == 0)
			o->verbose = true;
		else if (strcmp(a, "-e") == 0)
			o->log_stderr = true;
		else
			usage();
	}
}

/* Switch to `user` (after binding).  Refuses to go on as root when a
 * user is configured and the switch fails. */
static int
drop_privileges(const char *user, const char **error_r)
{
	struct passwd *pw;

	if (user == NULL || user[0] == '\0')
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		*error_r = "user: no such user";
		return -1;
	}
	if (geteuid() != 0) {
		if (geteuid() == pw->pw_uid)
			return 0;
		*error_r = "user: not running as root, cannot switch";
		return -1;
	}
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 ||
	    initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		*error_r = "user: cannot switch user";
		return -1;
	}
	if (pw->pw_uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
		*error_r = "user: root privileges could be regained";
		return -1;
	}
	return 0;
}

static bool
fd_is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void
on_signal(evutil_socket_t sig, short what, void *context)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(context);
}

struct daemon_state {
	struct arena *arena;
	struct policyd_config *cfg;
	struct logsink sink;
	struct ma_log log;
	struct event_base *base;
	struct dns_resolver *resolver;
	struct policyd_server *server;
};

static int
load_config(const struct options *o, struct daemon_state *d,
	    const char **error_r)
{
	size_t i;

	if (policyd_config_load(d->arena, o->config_path, &d->cfg, error_r) <
	    0)
		return -1;
	for (i = 0; i < o->noverrides; i++) {
		char *nv = arena_strdup(d->arena, o->overrides[i]);
		char *eq = strchr(nv, '=');

		if (eq == NULL) {
			*error_r = "-o: expected NAME=VALUE";
			return -1;
		}
		*eq = '\0';
		if (policyd_config_set(d->cfg, d->arena, nv, eq + 1, error_r) <
		    0)
			return -1;
	}
	return 0;
}

static int
start(const struct options *o, struct daemon_state *d, bool stdio,
      const char **error_r)
{
	struct dns_settings ds;
	size_t i;

	memset(&ds, 0, sizeof(ds));
	ds.resolver_config = d->cfg->resolver_config;
	ds.forwarders = d->cfg->forwarders[0] != NULL ? d->cfg->forwarders
						      : NULL;
	ds.timeout_ms = d->cfg->dns_timeout_ms;
	d->base = event_base_new();
	if (d->base == NULL) {
		*error_r = "event_base_new failed";
		return -1;
	}
	if (dns_resolver_new(&ds, d->base, &d->log, &d->resolver, error_r) <
	    0)
		return -1;
	policyd_server_new(d->base, d->cfg, d->resolver, &d->log,
			   &d->server);
	if (stdio)
		return policyd_server_add_stdio(d->server, 0, 1, error_r);
	for (i = 0; i < o->nlisten; i++) {
		if (policyd_server_listen(d->server, o->listen[i], error_r) <
		    0)
			return -1;
	}
	for (i = 0; o->nlisten == 0 && d->cfg->listen[i] != NULL; i++) {
		if (policyd_server_listen(d->server, d->cfg->listen[i],
					  error_r) < 0)
			return -1;
	}
	return drop_privileges(d->cfg->user, error_r);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct daemon_state d;
	struct event *sigterm = NULL, *sigint = NULL;
	const char *err = NULL;
	bool stdio;
	int ret = 1;

	parse_args(argc, argv, &o);
	memset(&d, 0, sizeof(d));
	d.arena = arena_new(0);
	signal(SIGPIPE, SIG_IGN);
	if (load_config(&o, &d, &err) < 0) {
		/* spawn mode: stderr is the policy socket, never write it */
		if (o.check_only || o.nlisten > 0 || o.log_stderr)
			fprintf(stderr, PROGNAME ": fatal: %s\n", err);
		else {
			logsink_init(&d.sink, &d.log, PROGNAME, LOGSINK_SYSLOG,
				     NULL, false);
			ma_log_error(&d.log, "fatal: %s", err);
		}
		arena_free(&d.arena);
		return 78; /* EX_CONFIG */
	}
	if (o.check_only) {
		arena_free(&d.arena);
		return 0;
	}
	/* spawn(8) hands us a socket on fd 0; a daemon started from an
	 * init system has no socket there */
	stdio = o.nlisten == 0 &&
		(d.cfg->listen[0] == NULL || fd_is_socket(0));
	logsink_init(&d.sink, &d.log, PROGNAME,
		     o.log_stderr && !stdio ? LOGSINK_STDERR : LOGSINK_SYSLOG,
		     d.cfg->syslog_facility,
		     o.verbose || d.cfg->debug_level >= 2);
	if (start(&o, &d, stdio, &err) < 0) {
		ma_log_error(&d.log, "fatal: %s", err);
		ret = 1;
		goto out;
	}
	sigterm = evsignal_new(d.base, SIGTERM, on_signal, d.base);
	sigint = evsignal_new(d.base, SIGINT, on_signal, d.base);
	event_add(sigterm, NULL);
	event_add(sigint, NULL);
	if (!stdio)
		ma_log_info(&d.log, "ready");
	event_base_dispatch(d.base);
	ret = 0;
out:
	if (sigterm != NULL)
		event_free(sigterm);
	if (sigint != NULL)
		event_free(sigint);
	policyd_server_free(&d.server);
	dns_resolver_free(&d.resolver);
	if (d.base != NULL)
		event_base_free(d.base);
	arena_free(&d.arena);
	return ret;
}
