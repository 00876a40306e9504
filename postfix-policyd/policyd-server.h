/*
 * policyd-server.h - spf-policyd's connections: libevent listeners and
 * connections, one event loop for everything, SPF checks started with
 * spf_check_start() on the shared asynchronous resolver.  No thread or
 * process per connection.
 *
 * Each connection has a push parser (policy-request.h); requests of one
 * connection are answered in order (Postfix pipelines them rarely, but a
 * connection is reused for many SMTP sessions), and many connections are
 * evaluated concurrently.  A transaction (the `instance` attribute) is
 * evaluated once: later requests with the same instance get the same
 * rejection, or the next header field, or DUNNO (policyd-decide.h).
 *
 * Every request is answered within request_timeout: a check that is not
 * done by then (or by Lookup_Time for one identity) counts as temperror.
 *
 * Memory: the server owns its listeners and connections; each request
 * has its own arena, freed when it is answered.  The config, resolver
 * and log must outlive the server.
 */
#ifndef MA_POLICYD_SERVER_H
#define MA_POLICYD_SERVER_H

struct event_base;
struct dns_resolver;
struct ma_log;
struct policyd_config;
struct policyd_server;

int policyd_server_new(struct event_base *base,
		       const struct policyd_config *config,
		       struct dns_resolver *resolver, const struct ma_log *log,
		       struct policyd_server **server_r);

/* Listen on "unix:PATH" (a stale socket file is replaced; mode 0666) or
 * "inet:HOST:PORT" ("inet:[::1]:PORT" for IPv6).  0, or -1 with
 * *error_r (static or from the server's arena). */
int policyd_server_listen(struct policyd_server *server, const char *spec,
			  const char **error_r);

/* Serve one already-connected peer on in_fd/out_fd (spawn(8): both are
 * the socket; a pipe pair also works).  When it closes, the event loop
 * is told to exit. */
int policyd_server_add_stdio(struct policyd_server *server, int in_fd,
			     int out_fd, const char **error_r);

/* Close listeners (removing unix socket files) and connections. */
void policyd_server_free(struct policyd_server **server_p);

#endif
