/*
 * policyd-server.h - spf-policyd's connections: libevent listeners and
 * connections (the listen specs: policyd-listen.h), one event loop for
 * everything, SPF checks started with
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
 * Resources (spf-policyd(8), RESOURCE LIMITS): a request must arrive
 * whole within request_read_timeout of its first octet; a connection
 * waiting for its next request is closed after idle_timeout; at most
 * max_pipelined requests are queued per connection and nothing more is
 * read from it while one is being checked (backpressure); a connection
 * whose unsent answers exceed max_reply_backlog octets is closed.  At
 * max_connections a new client is taken by closing the connection that
 * waited longest on its client (stalled inside a request first, then
 * idle); when all are waiting on DNS, that client is still served (one
 * over the cap) and accepting stops until one is done.
 * When accept() runs out of descriptors accepting rests for 100 ms.
 *
 * Memory: the server owns its listeners and connections; each request
 * has its own arena, freed when it is answered.  The config, resolver
 * and log must outlive the server.
 */
#ifndef MA_POLICYD_SERVER_H
#define MA_POLICYD_SERVER_H

struct arena;
struct event_base;
struct dns_resolver;
struct ma_log;
struct policyd_config;
struct policyd_server;

int policyd_server_new(struct event_base *base,
		       const struct policyd_config *config,
		       struct dns_resolver *resolver, const struct ma_log *log,
		       struct policyd_server **server_r);

/* Listen on a spec of policyd-listen.h ("unix:PATH", "inet:HOST:PORT").
 * 0, or -1 with *error_r (static or from the server's arena). */
int policyd_server_listen(struct policyd_server *server, const char *spec,
			  const char **error_r);

/* Serve one already-connected peer on in_fd/out_fd (spawn(8): both are
 * the socket; a pipe pair also works).  When it closes, the event loop
 * is told to exit. */
int policyd_server_add_stdio(struct policyd_server *server, int in_fd,
			     int out_fd, const char **error_r);

/* The connection cap in effect (default: the config's max_connections;
 * lower when the descriptor limit is, see policyd-limits.h). */
void policyd_server_set_max_connections(struct policyd_server *server,
					unsigned int max);

/* Close listeners (removing unix socket files) and connections. */
void policyd_server_free(struct policyd_server **server_p);

#endif
