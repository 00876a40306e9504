/*
 * signer-service.h - `dkim-signer --serve`: the long-lived signing
 * service behind SigningSocket.  It runs as the keys' owner, loads every
 * key of the KeyTable once (RequireSafeKeys unchanged) and OpenSSL once,
 * and signs the messages pipe(8) clients hand it over a unix socket
 * (signer-proto.h), so that the per-message client never touches a key
 * or initialises OpenSSL.
 *
 * Who may connect: the socket is created mode 0660 (put it in a 0750
 * directory whose group is the pipe user's, configs/dkim-signer.service);
 * on top of that every connection's peer credentials (SO_PEERCRED) are
 * checked: the service's own user, root, and the users named by
 * SigningClients are served; any other uid is refused and logged.
 *
 * Processes: a supervisor and SigningProcesses workers that accept() on
 * the one listening socket, one connection at a time each; the request
 * must arrive within SigningTimeout and the reply is given as long (a
 * client that stalls or trickles loses its connection, the worker goes
 * on).  A worker that dies is replaced.
 * SIGTERM or SIGINT: the supervisor stops the workers, removes the
 * socket and returns.
 *
 * Memory: one arena (signer_message) per request, freed at its end.
 */
#ifndef SIGNER_SERVICE_H
#define SIGNER_SERVICE_H

#include <stdbool.h>
#include <sys/types.h>

struct ma_log;
struct signer_config;

/* Create the listening socket at `path` (a stale socket there is
 * replaced; anything else is an error), mode 0660.  Returns the fd, or
 * -1 with *error_r (static storage until the next call). */
int signer_service_listen(const char *path, const char **error_r);

/* Whether the peer of connected socket `fd` may use the service:
 * *uid_r gets its uid (or (uid_t)-1 when SO_PEERCRED fails: refused). */
bool signer_service_peer_allowed(int fd, const uid_t *allowed,
				 size_t nallowed, uid_t *uid_r);

/* Serve one accepted connection: read the request, sign with `c`, write
 * the reply.  Failures are logged; the connection is closed by the
 * caller. */
void signer_service_handle(int fd, struct signer_config *c,
			   const struct ma_log *log);

/* Run the service on `listen_fd` until SIGTERM/SIGINT.  Returns 0, or
 * -1 with *error_r when it cannot start (SigningClients names an unknown
 * user). */
int signer_service_run(int listen_fd, struct signer_config *c,
		       const struct ma_log *log, const char **error_r);

#endif
