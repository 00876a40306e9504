/*
 * policyd-server.c - connections of spf-policyd on one libevent loop,
 * and the listeners that accept them (see policyd-server.h); the listen
 * specs themselves are checked and bound in policyd-listen.c.
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "policy-request.h"
#include "policyd-config.h"
#include "policyd-job.h"
#include "policyd-listen.h"
#include "policyd-server.h"
#include "util/xalloc.h"

#define POLICYD_READ_SIZE 16384
/* How long accept() rests after running out of descriptors. */
#define POLICYD_ACCEPT_PAUSE_MS 100
/* A new connection's time to send its first octet before it may be closed
 * to make room at max_connections (spf-policyd(8), RESOURCE LIMITS). */
#define POLICYD_FRESH_MS 1000

struct policyd_listener {
	struct policyd_listener *next;
	int fd;		     /* listening, non-blocking */
	struct event *ev;    /* EV_READ: on_listen_ready() */
	char *unix_path; /* removed at exit */
};

/* Why the listeners are disabled (bits). */
enum policyd_pause {
	PAUSE_FULL = 1,	  /* at max_connections: see full_recheck() */
	PAUSE_NOFILE = 2, /* accept() ran out of descriptors */
};

struct policyd_conn {
	struct policyd_conn *prev, *next; /* most recently active first */
	struct policyd_server *srv;
	int in_fd, out_fd;
	bool stdio;
	struct event *rev, *wev;
	struct event *timer; /* request_read_timeout or idle_timeout */
	bool request_timer;  /* the timer is for a request in progress */
	bool reading;	     /* rev is added (see conn_update) */
	struct policy_parser *parser;
	struct buf in;	     /* read, not taken by the parser yet */
	struct buf out;
	struct arena *arena; /* of the running or next request */
	struct policyd_job *job;
	struct policyd_txn txn;
	bool eof;
	bool spoke;	     /* its client has sent something */
	struct timeval born; /* accepted (the loop's cached time) */
};

struct policyd_server {
	struct policyd_env env;
	struct arena *arena;
	struct policyd_listener *listeners;
	struct policyd_conn *conns, *conns_tail;
	unsigned int nconns, max_conns;
	unsigned int paused; /* enum policyd_pause bits */
	struct event *pause_timer;
	struct event *full_timer; /* full_recheck() on the next loop pass */
};

static void conn_process(struct policyd_conn *c);

static void
listeners_set(struct policyd_server *srv, unsigned int bit, bool on)
{
	struct policyd_listener *l;
	unsigned int before = srv->paused;

	if (on)
		srv->paused |= bit;
	else
		srv->paused &= ~bit;
	if ((before == 0) == (srv->paused == 0))
		return;
	for (l = srv->listeners; l != NULL; l = l->next) {
		if (srv->paused != 0)
			event_del(l->ev);
		else
			event_add(l->ev, NULL);
	}
}

static void
conn_unlink(struct policyd_conn *c)
{
	struct policyd_server *srv = c->srv;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		srv->conns_tail = c->prev;
	c->prev = c->next = NULL;
}

static void
conn_link_head(struct policyd_conn *c)
{
	struct policyd_server *srv = c->srv;

	c->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = c;
	else
		srv->conns_tail = c;
	srv->conns = c;
}

/* A request has started arriving and is not complete. */
static bool
conn_mid_request(const struct policyd_conn *c)
{
	return policy_parser_pending(c->parser) > 0 || c->in.len > 0;
}

/* Milliseconds before a new connection that has sent nothing yet may be
 * closed to make room; 0 once it has spoken or POLICYD_FRESH_MS passed. */
static long
conn_fresh_ms_left(const struct policyd_conn *c)
{
	struct timeval now;
	long age;

	if (c->spoke || c->stdio)
		return 0;
	event_base_gettimeofday_cached(c->srv->env.base, &now);
	age = (long)(now.tv_sec - c->born.tv_sec) * 1000 +
	      (long)(now.tv_usec - c->born.tv_usec) / 1000;
	return age >= POLICYD_FRESH_MS ? 0 : POLICYD_FRESH_MS - age;
}

/* Waits on its client (idle, or stalled inside a request), not on DNS or
 * on the client reading an answer. */
static bool
conn_waits_on_client(const struct policyd_conn *c)
{
	return c->job == NULL && !c->stdio && c->out.len == 0;
}

/* May be closed to make room at max_connections: it waits on its client
 * and is not a new one still within its time to send a request (on a
 * loaded machine a client's first octets can come after the accept; a
 * flood of new connections must not close each other unheard). */
static bool
conn_evictable(const struct policyd_conn *c)
{
	return conn_waits_on_client(c) && conn_fresh_ms_left(c) == 0;
}

/*
 * The connection table at max_connections (spf-policyd(8), RESOURCE
 * LIMITS).  At the cap, on_listen_ready() takes one connection and
 * disables the listeners (PAUSE_FULL): before accept() it closes an
 * evictable connection to make room, or, when none is (all wait on
 * DNS), serves the new one over the cap, never more than one over (the
 * descriptor reserve has room for it); with no room at all it does not
 * accept.  So not even for a moment between accept() and a close are
 * two connections over the cap.  The listeners come back on the next
 * loop pass after something that can make room: a connection closed, or
 * one that became evictable (its answer sent, its DNS done).
 * full_recheck() then enables them if the table is at most
 * max_connections or an evictable connection exists, so that every
 * accept() is paid for, beforehand, by a closed connection or by the
 * single slot over the cap: the descriptors stay bounded, and
 * as the check runs once per loop pass, a client that connects as fast
 * as it can gets one accept() per pass, and a new connection gets
 * POLICYD_FRESH_MS to send its first octets before a newer one may
 * evict it (the check comes back when that time is up).
 */
static void
full_recheck(evutil_socket_t fd, short what, void *context)
{
	struct policyd_server *srv = context;
	const struct policyd_conn *c;
	bool room = srv->nconns <= srv->max_conns;
	long wait = 0, left;

	(void)fd;
	(void)what;
	for (c = srv->conns_tail; !room && c != NULL; c = c->prev) {
		room = conn_evictable(c);
		if (!room && conn_waits_on_client(c) &&
		    (left = conn_fresh_ms_left(c)) > 0 &&
		    (wait == 0 || left < wait))
			wait = left;
	}
	if (room) {
		listeners_set(srv, PAUSE_FULL, false);
	} else if (wait > 0) {
		/* a new connection becomes evictable then */
		struct timeval tv = {wait / 1000, (wait % 1000) * 1000};

		evtimer_add(srv->full_timer, &tv);
	}
}

/* Something may have made room: look on the next loop pass. */
static void
full_recheck_soon(struct policyd_server *srv)
{
	static const struct timeval now = {0, 0};

	/* (re)armed for now: a recheck waiting for a new connection's
	 * time to pass comes sooner */
	if ((srv->paused & PAUSE_FULL) != 0)
		evtimer_add(srv->full_timer, &now);
}

static void
conn_close(struct policyd_conn *c)
{
	struct policyd_server *srv = c->srv;

	policyd_job_cancel(&c->job);
	event_free(c->rev);
	event_free(c->wev);
	event_free(c->timer);
	if (c->in_fd >= 0)
		close(c->in_fd);
	if (c->out_fd >= 0 && c->out_fd != c->in_fd)
		close(c->out_fd);
	policy_parser_free(&c->parser);
	buf_free(&c->in);
	buf_free(&c->out);
	arena_free(&c->arena);
	policyd_txn_deinit(&c->txn);
	conn_unlink(c);
	srv->nconns--;
	if (c->stdio)
		event_base_loopexit(srv->env.base, NULL);
	free(c);
	full_recheck_soon(srv);
}

static void
conn_set_timer(struct policyd_conn *c, unsigned int ms, bool request)
{
	struct timeval tv = {ms / 1000, (long)(ms % 1000) * 1000};

	c->request_timer = request;
	event_add(c->timer, &tv);
}

/* Read only when nothing waits to be processed (backpressure). */
static bool
conn_wants_read(const struct policyd_conn *c)
{
	return c->job == NULL && c->in.len == 0 && !c->eof;
}

/* After every change: the read event is on whenever we want to read;
 * when we do not, it is turned off only once the client sends something
 * (on_read), which smtpd does not while it waits for its answer, so a
 * request costs no epoll_ctl() pair.  And time what we wait for from the
 * client: the rest of a request (from its first octet: trickling does
 * not extend it) or the next one. */
static void
conn_update(struct policyd_conn *c)
{
	const struct policyd_config *cfg = c->srv->env.config;

	if (conn_wants_read(c) && !c->reading) {
		event_add(c->rev, NULL);
		c->reading = true;
	}
	if (c->job != NULL) {
		event_del(c->timer);
		c->request_timer = false;
	} else if (!c->eof && conn_mid_request(c)) {
		if (!c->request_timer)
			conn_set_timer(c, cfg->request_read_timeout_ms, true);
	} else {
		conn_set_timer(c, cfg->idle_timeout_ms, false);
	}
}

static void
on_conn_timer(evutil_socket_t fd, short what, void *context)
{
	struct policyd_conn *c = context;
	const struct policyd_config *cfg = c->srv->env.config;

	(void)fd;
	(void)what;
	if (c->request_timer)
		ma_log_warn(c->srv->env.log,
			    "request not complete after %u ms "
			    "(request_read_timeout): closing the connection",
			    cfg->request_read_timeout_ms);
	else
		ma_log_debug(c->srv->env.log,
			     "idle for %u ms (idle_timeout): closing the "
			     "connection",
			     cfg->idle_timeout_ms);
	conn_close(c);
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

/* -1: the connection was closed. */
static int
conn_answer(struct policyd_conn *c, const char *action)
{
	unsigned int cap = c->srv->env.config->max_reply_backlog;

	buf_printf(&c->out, "action=%s\n\n", action);
	if (conn_flush(c) < 0)
		return -1;
	if (c->out.len > cap) {
		ma_log_warn(c->srv->env.log,
			    "client does not read its answers (%zu octets "
			    "unsent, max_reply_backlog %u): closing the "
			    "connection",
			    c->out.len, cap);
		conn_close(c);
		return -1;
	}
	return 0;
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

/* Next item from the parser, feeding it what was read and not taken. */
static enum policy_parse_status
conn_next(struct policyd_conn *c, const struct policy_request **req_r,
	  const char **err_r)
{
	enum policy_parse_status st;
	size_t n;

	for (;;) {
		st = policy_parser_next(c->parser, c->arena, req_r, err_r);
		if (st != POLICY_MORE || c->in.len == 0)
			return st;
		n = policy_parser_push(c->parser, c->in.data, c->in.len);
		buf_consume(&c->in, n);
	}
}

/* Take requests one at a time until one needs DNS, then wait. */
static void
conn_process(struct policyd_conn *c)
{
	while (c->job == NULL) {
		const struct policy_request *req;
		const char *err, *action;
		enum policy_parse_status st;

		st = conn_next(c, &req, &err);
		if (st == POLICY_MORE)
			break;
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
				break;
		}
		if (conn_answer(c, action) < 0)
			return;
		arena_clear(c->arena);
	}
	if (c->eof && c->job == NULL && c->out.len == 0) {
		conn_close(c);
		return;
	}
	conn_update(c);
	if (conn_evictable(c))
		full_recheck_soon(c->srv);
}

static void
on_read(evutil_socket_t fd, short what, void *context)
{
	struct policyd_conn *c = context;
	struct policyd_server *srv = c->srv;
	char data[POLICYD_READ_SIZE];
	ssize_t n;
	size_t took;

	(void)what;
	if (!conn_wants_read(c)) {
		/* busy: what the client sends waits in the socket */
		event_del(c->rev);
		c->reading = false;
		return;
	}
	n = read(fd, data, sizeof(data));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		c->eof = true;
		conn_process(c);
		return;
	}
	c->spoke = true;
	took = policy_parser_push(c->parser, data, (size_t)n);
	if (took < (size_t)n)
		buf_append(&c->in, data + took, (size_t)n - took);
	if (srv->conns != c) {
		conn_unlink(c);
		conn_link_head(c);
	}
	conn_process(c);
}

static void
on_write(evutil_socket_t fd, short what, void *context)
{
	struct policyd_conn *c = context;

	(void)fd;
	(void)what;
	if (conn_flush(c) < 0 || c->out.len > 0)
		return;
	if (c->eof && c->job == NULL)
		conn_close(c);
	else if (conn_evictable(c))
		full_recheck_soon(c->srv);
}

static struct policyd_conn *
conn_new(struct policyd_server *srv, int in_fd, int out_fd)
{
	struct policyd_conn *c = ma_calloc(1, sizeof(*c));
	const struct policyd_config *cfg = srv->env.config;

	c->srv = srv;
	event_base_gettimeofday_cached(srv->env.base, &c->born);
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	evutil_make_socket_nonblocking(in_fd);
	evutil_make_socket_nonblocking(out_fd);
	c->rev = event_new(srv->env.base, in_fd, EV_READ | EV_PERSIST, on_read,
			   c);
	c->wev = event_new(srv->env.base, out_fd, EV_WRITE, on_write, c);
	c->timer = evtimer_new(srv->env.base, on_conn_timer, c);
	c->parser = policy_parser_new(cfg->max_request_size,
				      cfg->max_attributes);
	policy_parser_set_max_queued(c->parser, cfg->max_pipelined);
	c->arena = arena_new(0);
	conn_link_head(c);
	srv->nconns++;
	conn_update(c);
	return c;
}

/* At max_connections: close the connection that waited longest on its
 * client - one stalled inside a request first, else an idle one (smtpd
 * reconnects).  One busy with DNS is never closed.  false: none. */
static bool
evict_one(struct policyd_server *srv)
{
	struct policyd_conn *c, *idle = NULL;

	for (c = srv->conns_tail; c != NULL; c = c->prev) {
		if (!conn_evictable(c))
			continue;
		if (conn_mid_request(c)) {
			ma_log_warn(srv->env.log,
				    "%u connections (max_connections): "
				    "closing one stalled inside a request",
				    srv->nconns);
			conn_close(c);
			return true;
		}
		if (idle == NULL)
			idle = c;
	}
	if (idle == NULL)
		return false;
	ma_log_warn(srv->env.log,
		    "%u connections (max_connections): closing the one idle "
		    "longest",
		    srv->nconns);
	conn_close(idle);
	return true;
}

/* Room for one more connection, made before accept() so that the table
 * never holds more than max_connections + 1, not even between accept()
 * and closing the connection evicted for it.  At the cap this is the
 * last accept of the loop pass (PAUSE_FULL, see full_recheck()).
 * false: no room, the client waits in the listen queue. */
static bool
accept_room(struct policyd_server *srv)
{
	if (srv->nconns < srv->max_conns)
		return true;
	listeners_set(srv, PAUSE_FULL, true);
	full_recheck_soon(srv);
	if (evict_one(srv))
		return true;
	if (srv->nconns > srv->max_conns)
		return false; /* the one slot over the cap is taken */
	/* served one over the cap: the descriptor reserve has room */
	ma_log_warn(srv->env.log,
		    "%u connections (max_connections) all waiting on DNS: "
		    "not accepting until one is idle or closed",
		    srv->nconns);
	return true;
}

/* accept() failed with err.  Out of descriptors (or memory), the
 * listener would be called again at once, for ever: rest a moment
 * instead.  Nothing to do when the client was gone or nothing was
 * queued. */
static void
accept_failed(struct policyd_server *srv, int err)
{
	struct timeval tv = {0, POLICYD_ACCEPT_PAUSE_MS * 1000};

	if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR ||
	    err == ECONNABORTED)
		return;
	ma_log_warn(srv->env.log,
		    "accept: %s (%u connections): not accepting for %u ms",
		    strerror(err), srv->nconns, POLICYD_ACCEPT_PAUSE_MS);
	listeners_set(srv, PAUSE_NOFILE, true);
	evtimer_add(srv->pause_timer, &tv);
}

/* A listener is readable: take the queued clients while below the cap;
 * at the cap, one (accept_room()), and only on a fresh readiness, so
 * that a connection is never closed for a client that is not there. */
static void
on_listen_ready(evutil_socket_t lfd, short what, void *context)
{
	struct policyd_server *srv = context;
	bool first = true;
	int fd;

	(void)what;
	while (srv->paused == 0 &&
	       (srv->nconns < srv->max_conns || first)) {
		first = false;
		if (!accept_room(srv))
			return;
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			accept_failed(srv, errno);
			return;
		}
		conn_new(srv, fd, fd);
	}
}

static void
on_pause_over(evutil_socket_t fd, short what, void *context)
{
	struct policyd_server *srv = context;

	(void)fd;
	(void)what;
	listeners_set(srv, PAUSE_NOFILE, false);
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
	srv->max_conns = cfg->max_connections;
	srv->pause_timer = evtimer_new(base, on_pause_over, srv);
	srv->full_timer = evtimer_new(base, full_recheck, srv);
	*server_r = srv;
	return 0;
}

int
policyd_server_listen(struct policyd_server *srv, const char *spec,
		      const char **error_r)
{
	struct policyd_listener *l;
	const char *unix_path;
	int fd;

	if (policyd_listen_open(srv->arena, spec, &fd, &unix_path,
				error_r) < 0)
		return -1;
	evutil_make_socket_nonblocking(fd);
	evutil_make_socket_closeonexec(fd);
	l = ma_calloc(1, sizeof(*l));
	l->fd = fd;
	l->ev = event_new(srv->env.base, fd, EV_READ | EV_PERSIST,
			  on_listen_ready, srv);
	if (l->ev == NULL) {
		close(fd);
		free(l);
		*error_r = "event_new failed";
		return -1;
	}
	if (srv->paused == 0)
		event_add(l->ev, NULL);
	if (unix_path != NULL)
		l->unix_path = ma_strdup(unix_path);
	l->next = srv->listeners;
	srv->listeners = l;
	return 0;
}

void
policyd_server_set_max_connections(struct policyd_server *srv,
				   unsigned int max)
{
	srv->max_conns = max;
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
		event_free(l->ev);
		close(l->fd);
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
	event_free(srv->pause_timer);
	event_free(srv->full_timer);
	arena_free(&srv->arena);
	free(srv);
	*server_p = NULL;
}
