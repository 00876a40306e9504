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
 * binding.  -n checks everything start-up checks (the configuration,
 * listen specs, the user, the resolver configuration as libunbound reads
 * it) and exits.  Errors go to syslog and also to stderr when stderr is
 * not a socket (a terminal, a file, a pipe); configuration errors exit
 * 78 (EX_CONFIG).  See spf-policyd(8) and spf-policyd.conf(5).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <event2/event.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "dns/dns.h"
#include "util/log.h"
#include "logsink.h"
#include "progfatal.h"
#include "progopt.h"
#include "policyd-config.h"
#include "policyd-limits.h"
#include "policyd-listen.h"
#include "policyd-ratelog.h"
#include "policyd-server.h"

#define PROGNAME "spf-policyd"
#define MAX_CLI_LISTEN 16
#define MAX_CLI_OVERRIDES 32
/* sysexits.h */
#define EXIT_USAGE 64
#define EXIT_CONFIG 78

struct options {
	const char *config_path;
	const char *listen[MAX_CLI_LISTEN + 1];
	size_t nlisten;
	const char *overrides[MAX_CLI_OVERRIDES];
	size_t noverrides;
	bool check_only, verbose, log_stderr;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
		"usage: " PROGNAME " [-nev] [-c FILE] [-o NAME=VALUE]... "
		"[--listen unix:PATH|inet:HOST:PORT]...\n"
		"  -c FILE        configuration file (spf-policyd.conf(5))\n"
		"  -o NAME=VALUE  override one option (spaces around = are "
		"allowed)\n"
		"  --listen SPEC  daemon mode: listen on SPEC (repeatable)\n"
		"  -n             check the configuration and exit (0, or 78)\n"
		"  -e             daemon mode: log to stderr, not syslog\n"
		"  -v             verbose logging\n"
		"  --version      print the version and exit\n"
		"  --help         print this help and exit\n");
}

static void
usage_error(const char *problem, const char *arg)
{
	fprintf(stderr, PROGNAME ": %s: %s\n", problem, arg);
	usage(stderr);
	exit(EXIT_USAGE);
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_arg = i + 1 < argc;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(a, "--version") == 0) {
			progopt_version(PROGNAME);
			exit(0);
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "-o") == 0 ||
			   strcmp(a, "--listen") == 0 || strcmp(a, "-l") == 0) {
			if (!has_arg)
				usage_error("option needs an argument", a);
			if (a[1] == 'c')
				o->config_path = argv[++i];
			else if (a[1] == 'o') {
				if (o->noverrides >= MAX_CLI_OVERRIDES)
					usage_error("too many", a);
				o->overrides[o->noverrides++] = argv[++i];
			} else {
				if (o->nlisten >= MAX_CLI_LISTEN)
					usage_error("too many", a);
				o->listen[o->nlisten++] = argv[++i];
			}
		} else if (strcmp(a, "-n") == 0)
			o->check_only = true;
		else if (strcmp(a, "-v") == 0)
			o->verbose = true;
		else if (strcmp(a, "-e") == 0)
			o->log_stderr = true;
		else
			usage_error("unknown option", a);
	}
}

/* Switch to `user` (after binding).  Refuses to go on as root when a
 * user is configured and the switch fails. */
static int
drop_privileges(const char *user, bool check_only, const char **error_r)
{
	struct passwd *pw;

	if (user == NULL || user[0] == '\0')
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		*error_r = "user: no such user";
		return -1;
	}
	if (check_only)
		return 0;
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

static bool
fd_is_regular(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* spawn(8): fd 2 is the policy socket.  Whatever a library might print
 * there (libunbound, libevent) would corrupt the protocol, so it goes
 * to /dev/null; our own lines go to syslog. */
static void
silence_stderr(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		dup2(fd, 2);
		close(fd);
	}
}

static const struct ma_log *event_log;

static void
on_event_log(int severity, const char *msg)
{
	ma_log(event_log, severity >= EVENT_LOG_WARN ? MA_LOG_WARN : MA_LOG_DEBUG,
	       "libevent: %s", msg);
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
	struct ma_log log;	   /* the sink itself */
	const struct ma_log *rlog; /* rate-limited, for the event loop */
	struct policyd_ratelog *ratelog;
	struct event_base *base;
	struct dns_resolver *resolver;
	struct policyd_server *server;
	bool stderr_ok;	    /* fd 2 is no socket: fatal errors go there too */
	bool logging;	    /* the sink is set up */
};

/* Say why we stop: syslog (unless -n) and stderr when it is no socket. */
static void
fatal_message(struct daemon_state *d, bool check_only, const char *err)
{
	if (d->logging && !check_only)
		ma_log_error(&d->log, "fatal: %s", err);
	if (d->stderr_ok && (check_only || !d->logging ||
			     d->sink.target != LOGSINK_STDERR))
		fprintf(stderr, PROGNAME ": fatal: %s\n", err);
}

static char *
trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

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
			*error_r = arena_printf(d->arena,
						"-o %s: expected NAME=VALUE",
						o->overrides[i]);
			return -1;
		}
		/* the same "NAME = VALUE" the file allows */
		*eq = '\0';
		if (policyd_config_set(d->cfg, d->arena, trim(nv),
				       trim(eq + 1), error_r) < 0) {
			*error_r = arena_printf(d->arena, "-o %s: %s",
						o->overrides[i], *error_r);
			return -1;
		}
	}
	return 0;
}

static const char *const *
listen_specs(const struct options *o, const struct daemon_state *d)
{
	return o->nlisten > 0 ? o->listen : d->cfg->listen;
}

/* libevent's epoll backend cannot watch a regular file: a file on stdin
 * (spf-policyd < requests) is read through poll(2), always ready. */
static struct event_base *
new_event_base(bool stdio)
{
	struct event_config *ec;
	struct event_base *base;

	if (!stdio || (!fd_is_regular(0) && !fd_is_regular(1)))
		return event_base_new();
	if ((ec = event_config_new()) == NULL)
		return NULL;
	event_config_avoid_method(ec, "epoll");
	base = event_base_new_with_config(ec);
	event_config_free(ec);
	return base;
}

/* Everything start-up checks, without binding or switching user.
 * EXIT_CONFIG with *error_r, or 0. */
static int
check_setup(const struct options *o, struct daemon_state *d, bool stdio,
	    bool check_only, const char **error_r)
{
	const char *const *spec = listen_specs(o, d);
	struct policyd_limits lim = {d->cfg->max_connections,
				     d->cfg->dns_sockets, 0};
	struct dns_settings ds;
	const char *note = NULL;

	for (; !stdio && *spec != NULL; spec++) {
		if (policyd_listen_check(d->arena, *spec, error_r) < 0)
			return EXIT_CONFIG;
	}
	if (!stdio && drop_privileges(d->cfg->user, true, error_r) < 0)
		return EXIT_CONFIG;
	if (!stdio &&
	    policyd_limits_fit(d->cfg, d->arena, &lim, &note, error_r) < 0)
		return EXIT_CONFIG;
	if (note != NULL && check_only && d->stderr_ok)
		fprintf(stderr, PROGNAME ": warning: %s\n", note);
	else if (note != NULL)
		ma_log_warn(&d->log, "%s", note);
	d->base = new_event_base(stdio);
	if (d->base == NULL) {
		*error_r = "event_base_new failed";
		return 1;
	}
	memset(&ds, 0, sizeof(ds));
	ds.resolver_config = d->cfg->resolver_config;
	ds.forwarders = d->cfg->forwarders[0] != NULL ? d->cfg->forwarders
						      : NULL;
	ds.timeout_ms = d->cfg->dns_timeout_ms;
	ds.max_sockets = stdio ? 0 : lim.dns_sockets;
	ds.cache_entries = d->cfg->dns_cache_size;
	ds.error_arena = d->arena;
	if (!check_only) {
		d->ratelog = policyd_ratelog_new(d->base, &d->log,
						 d->cfg->log_interval_ms,
						 &d->rlog);
	}
	if (dns_resolver_new(&ds, d->base, check_only ? NULL : d->rlog,
			     &d->resolver, error_r) < 0)
		return EXIT_CONFIG;
	if (!check_only) {
		policyd_server_new(d->base, d->cfg, d->resolver, d->rlog,
				   &d->server);
		policyd_server_set_max_connections(d->server,
						   lim.max_connections);
	}
	return 0;
}

/* 0, or an exit code with *error_r. */
static int
start(const struct options *o, struct daemon_state *d, bool stdio,
      const char **error_r)
{
	const char *const *spec;
	int ret;

	if ((ret = check_setup(o, d, stdio, false, error_r)) != 0)
		return ret;
	if (stdio)
		return policyd_server_add_stdio(d->server, 0, 1, error_r) < 0;
	for (spec = listen_specs(o, d); *spec != NULL; spec++) {
		if (policyd_server_listen(d->server, *spec, error_r) < 0)
			return 1;
	}
	return drop_privileges(d->cfg->user, false, error_r) < 0 ? 1 : 0;
}

static void
daemon_free(struct daemon_state *d)
{
	policyd_server_free(&d->server);
	dns_resolver_free(&d->resolver);
	policyd_ratelog_free(&d->ratelog);
	if (d->base != NULL)
		event_base_free(d->base);
	arena_free(&d->arena);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct daemon_state d;
	struct event *sigterm = NULL, *sigint = NULL;
	const char *err = NULL;
	bool stdio;
	int ret;

	parse_args(argc, argv, &o);
	memset(&d, 0, sizeof(d));
	d.arena = arena_new(0);
	/* spawn(8): fd 2 is the policy socket, never write there */
	d.stderr_ok = !fd_is_socket(2);
	if (!o.check_only && o.nlisten == 0 && !o.log_stderr && fd_is_socket(0))
		silence_stderr();
	signal(SIGPIPE, SIG_IGN);
	if (!o.check_only) {
		/* config errors in spawn mode reach syslog at least */
		logsink_init(&d.sink, &d.log, PROGNAME,
			     o.log_stderr ? LOGSINK_STDERR : LOGSINK_SYSLOG,
			     NULL, false);
		d.logging = true;
	} else {
		d.sink.progname = PROGNAME; /* -n: the fatal line on stderr */
		d.sink.target = LOGSINK_STDERR;
	}
	/* out of memory or a bug: one line through d.sink (re-initialised in
	 * place below), exit 1 */
	progfatal_install(&d.sink, 1);
	if (load_config(&o, &d, &err) < 0) {
		fatal_message(&d, o.check_only, err);
		arena_free(&d.arena);
		return EXIT_CONFIG;
	}
	/* spawn(8) hands us a socket on fd 0; a daemon started from an
	 * init system has no socket there */
	stdio = o.nlisten == 0 &&
		(d.cfg->listen[0] == NULL || fd_is_socket(0));
	if (o.check_only) {
		ret = check_setup(&o, &d, stdio, true, &err);
		if (ret != 0)
			fatal_message(&d, true, err);
		daemon_free(&d);
		return ret;
	}
	logsink_init(&d.sink, &d.log, PROGNAME,
		     o.log_stderr && !stdio ? LOGSINK_STDERR : LOGSINK_SYSLOG,
		     d.cfg->syslog_facility,
		     o.verbose || d.cfg->debug_level >= 2);
	/* policyd-spf.conf(5): debugLevel 0 logs errors only */
	if (d.cfg->debug_level == 0 && !o.verbose)
		d.log.min_level = MA_LOG_WARN;
	event_log = &d.log;
	event_set_log_callback(on_event_log);
	if ((ret = start(&o, &d, stdio, &err)) != 0) {
		fatal_message(&d, false, err);
		goto out;
	}
	if (stdio)
		silence_stderr();
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
	daemon_free(&d);
	return ret;
}
