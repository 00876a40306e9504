/*
 * policyd-server.c - listeners and connections of spf-policyd on one
 * libevent loop (see policyd-server.h).
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "log.h"
#include "policy-request.h"
#include "policyd-config.h"
#include "policyd-job.h"
#include "policyd-server.h"
#include "xalloc.h"

#define POLICYD_READ_SIZE 16384

struct policyd_listener {
	struct policyd_listener *next;
	struct evconnlistener *ev;
	char *unix_path; /* removed at exit */
};

struct policyd_conn {
	struct policyd_conn *prev, *next;
	struct policyd_server *srv;
	int in_fd, out_fd;
	bool stdio;
	struct event *rev, *wev;
	struct policy_parser *parser;
	struct buf out;
	struct arena *arena; /* of the running or next request */
	struct policyd_job *job;
	struct policyd_txn txn;
	bool eof;
};

struct policyd_server {
	struct policyd_env env;
	struct arena *arena;
	struct policyd_listener *listeners;
	struct policyd_conn *conns;
	unsigned int nconns;
};

static void conn_process(struct policyd_conn *c);

static void
conn_close(struct policyd_conn *c)
{
	struct policyd_server *srv = c->srv;

	policyd_job_cancel(&c->job);
	event_free(c->rev);
	event_free(c->wev);
	if (c->in_fd >= 0)
		close(c->in_fd);
	if (c->out_fd >= 0 && c->out_fd != c->in_fd)
		close(c->out_fd);
	policy_parser_free(&c->parser);
	buf_free(&c->out);
	arena_free(&c->arena);
	policyd_txn_deinit(&c->txn);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv->nconns--;
	if (c->stdio)
		event_base_loopexit(srv->env.base, NULL);
	free(c);
}

/* Write what we can; the rest waits for the write event.  -1: closed. */
static int
conn_flush(struct policyd_conn *c)
{
	while (c->out.len > 0) {
		ssize_t n = write(c->out_fd, c->out.data, c->out.len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			event_add(c->wev, NULL);
			return 0;
		}
		if (n <= 0) {
			ma_log_warn(c->srv->env.log, "write to smtpd: %s",
				    strerror(errno));
			conn_close(c);
			return -1;
		}
		buf_consume(&c->out, (size_t)n);
	}
	return 0;
}

static int
conn_answer(struct policyd_conn *c, const char *action)
{
	buf_printf(&c->out, "action=%s\n\n", action);
	return conn_flush(c);
}

static void
on_job_done(const char *action, void *context)
{
	struct policyd_conn *c = context;

	policyd_job_cancel(&c->job);
	if (conn_answer(c, action) < 0)
		return;
	arena_clear(c->arena);
	conn_process(c);
}

/* Take buffered requests one at a time until one needs DNS. */
static void
conn_process(struct policyd_conn *c)
{
	while (c->job == NULL) {
		const struct policy_request *req;
		const char *err, *action;
		enum policy_parse_status st;

		st = policy_parser_next(c->parser, c->arena, &req, &err);
		if (st == POLICY_MORE) {
			if (c->eof && c->out.len == 0)
				conn_close(c);
			return;
		}
		if (st == POLICY_GARBAGE) {
			ma_log_warn(c->srv->env.log,
				    "not the policy protocol (%s): closing "
				    "the connection",
				    err);
			conn_close(c);
			return;
		}
		if (st == POLICY_BAD_REQUEST) {
			ma_log_warn(c->srv->env.log,
				    "bad policy request (%s): answering DUNNO",
				    err);
			action = "DUNNO";
		} else {
			policyd_job_start(&c->srv->env, c->arena, req, &c->txn,
					  on_job_done, c, &c->job, &action);
			if (c->job != NULL)
				return;
		}
		if (conn_answer(c, action) < 0)
			return;
		arena_clear(c->arena);
	}
}

static void
on_read(evutil_socket_t fd, short what, void *context)
{
	struct policyd_conn *c = context;
	char data[POLICYD_READ_SIZE];
	ssize_t n;

	(void)what;
	n = read(fd, data, sizeof(data));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		c->eof = true;
		event_del(c->rev);
		/* answer what is running, then close */
		if (c->job == NULL)
			conn_close(c);
		return;
	}
	policy_parser_push(c->parser, data, (size_t)n);
	conn_process(c);
}

static void
on_write(evutil_socket_t fd, short what, void *context)
{
	struct policyd_conn *c = context;

	(void)fd;
	(void)what;
	if (conn_flush(c) == 0 && c->out.len == 0 && c->eof && c->job == NULL)
		conn_close(c);
}

static struct policyd_conn *
conn_new(struct policyd_server *srv, int in_fd, int out_fd)
{
	struct policyd_conn *c = ma_calloc(1, sizeof(*c));
	const struct policyd_config *cfg = srv->env.config;

	c->srv = srv;
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	evutil_make_socket_nonblocking(in_fd);
	evutil_make_socket_nonblocking(out_fd);
	c->rev = event_new(srv->env.base, in_fd, EV_READ | EV_PERSIST, on_read,
			   c);
	c->wev = event_new(srv->env.base, out_fd, EV_WRITE, on_write, c);
	c->parser = policy_parser_new(cfg->max_request_size,
				      cfg->max_attributes);
	c->arena = arena_new(0);
	c->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = c;
	srv->conns = c;
	srv->nconns++;
	event_add(c->rev, NULL);
	return c;
}

static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
	  int salen, void *context)
{
	struct policyd_server *srv = context;

	(void)l;
	(void)sa;
	(void)salen;
	if (srv->nconns >= srv->env.config->max_connections) {
		ma_log_warn(srv->env.log,
			    "%u connections (max_connections): refusing one",
			    srv->nconns);
		close(fd);
		return;
	}
	conn_new(srv, fd, fd);
}

int
policyd_server_new(struct event_base *base, const struct policyd_config *cfg,
		   struct dns_resolver *resolver, const struct ma_log *log,
		   struct policyd_server **server_r)
{
	struct policyd_server *srv = ma_calloc(1, sizeof(*srv));

	srv->env.base = base;
	srv->env.config = cfg;
	srv->env.resolver = resolver;
	srv->env.log = log;
	srv->env.spf.max_void_lookups = cfg->void_limit;
	srv->arena = arena_new(0);
	*server_r = srv;
	return 0;
}

static int
listen_unix(struct policyd_server *srv, const char *path, int *fd_r,
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
		*error_r = arena_printf(srv->arena, "unix:%s: %s", path,
					strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*fd_r = fd;
	return 0;
}

static int
listen_inet(struct policyd_server *srv, const char *hostport, int *fd_r,
	    const char **error_r)
{
	struct addrinfo hints, *ai = NULL;
	char *host = arena_strdup(srv->arena, hostport);
	char *port = strrchr(host, ':');
	int fd = -1, on = 1, r;

	if (port == NULL || port == host) {
		*error_r = "inet: expects HOST:PORT";
		return -1;
	}
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host++;
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if ((r = getaddrinfo(host, port, &hints, &ai)) != 0) {
		*error_r = arena_printf(srv->arena, "inet:%s: %s", hostport,
					gai_strerror(r));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, 511) < 0) {
		*error_r = arena_printf(srv->arena, "inet:%s: %s", hostport,
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
policyd_server_listen(struct policyd_server *srv, const char *spec,
		      const char **error_r)
{
	struct policyd_listener *l;
	int fd, r;

	if (strncmp(spec, "unix:", 5) == 0)
		r = listen_unix(srv, spec + 5, &fd, error_r);
	else if (strncmp(spec, "inet:", 5) == 0)
		r = listen_inet(srv, spec + 5, &fd, error_r);
	else {
		*error_r = arena_printf(srv->arena,
					"%s: expected unix:PATH or "
					"inet:HOST:PORT",
					spec);
		return -1;
	}
	if (r < 0)
		return -1;
	evutil_make_socket_nonblocking(fd);
	l = ma_calloc(1, sizeof(*l));
	l->ev = evconnlistener_new(srv->env.base, on_accept, srv,
				   LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
				   -1, fd);
	if (l->ev == NULL) {
		close(fd);
		free(l);
		*error_r = "evconnlistener_new failed";
		return -1;
	}
	if (strncmp(spec, "unix:", 5) == 0)
		l->unix_path = ma_strdup(spec + 5);
	l->next = srv->listeners;
	srv->listeners = l;
	return 0;
}

int
policyd_server_add_stdio(struct policyd_server *srv, int in_fd, int out_fd,
			 const char **error_r)
{
	struct policyd_conn *c;

	(void)error_r;
	c = conn_new(srv, in_fd, out_fd);
	c->stdio = true;
	return 0;
}

void
policyd_server_free(struct policyd_server **server_p)
{
	struct policyd_server *srv = *server_p;

	if (srv == NULL)
		return;
	while (srv->listeners != NULL) {
		struct policyd_listener *l = srv->listeners;

		srv->listeners = l->next;
		evconnlistener_free(l->ev);
		if (l->unix_path != NULL) {
			unlink(l->unix_path);
			free(l->unix_path);
		}
		free(l);
	}
	while (srv->conns != NULL) {
		srv->conns->stdio = false;
		conn_close(srv->conns);
	}
	arena_free(&srv->arena);
	free(srv);
	*server_p = NULL;
}
