/*
 * signer-client.h - the pipe(8) side of SigningSocket: hand a read
 * message to the signing service (`dkim-signer --serve`,
 * signer-service.h, protocol signer-proto.h) and take its outcome back,
 * without touching a key or OpenSSL.
 *
 * Every failure - no service, connection refused or reset, a peer that
 * cannot be the service (SO_PEERCRED: not root, not our own user, not the
 * owner of the socket's directory that no one else may write to: socket
 * spoofing by another local user), the service's own TEMPFAIL, a reply that does not parse (signer-proto.h), or no
 * complete reply within SigningTimeout from the start - is -1: the
 * caller then signs in-process as without a service, or defers the
 * message (exit 75).  Nothing here can make a message go on unsigned:
 * only a well-formed UNSIGNED verdict does that, as it would in-process.
 *
 * Memory: outcome strings in `arena`.
 */
#ifndef SIGNER_CLIENT_H
#define SIGNER_CLIENT_H

#include <stddef.h>
#include <time.h>

struct arena;
struct signer_outcome;
struct signer_settings;
struct signer_spool;

/* Ask the service at set->signing_socket to sign the message in `spool`
 * (`size` bytes, complete).  `sender` may be "" (null sender), `queue_id` may be NULL, `now` is t=
 * (0: the service's clock).  Returns 0 with *o (signed or unsigned), or
 * -1 with *error_r (arena). */
int signer_client_sign(const struct signer_settings *set,
		       struct signer_spool *spool, size_t size,
		       const char *sender,
		       const char *queue_id, time_t now, struct arena *arena,
		       struct signer_outcome *o, const char **error_r);

#endif
