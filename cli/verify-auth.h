/*
 * verify-auth.h - the SPF and DMARC part of `authcheck verify`: collect
 * the From header fields while the message streams past, optionally
 * evaluate SPF for --ip / --mail-from / --helo, then (--dmarc) DMARC
 * (RFC 9989) from the From domain, the DKIM verdicts and the SPF result,
 * and format the spf= and dmarc= entries of the Authentication-Results
 * field (RFC 8601):
 *
 *   spf=RESULT smtp.mailfrom=DOMAIN
 *   dmarc=RESULT (p=POLICY dis=DISPOSITION) header.from=DOMAIN
 *
 * Memory: everything lives in the arena given to verify_auth_new().
 */
#ifndef VERIFY_AUTH_H
#define VERIFY_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "dmarc.h"
#include "spf.h"

struct arena;
struct authcheck;
struct dns_resolver;

struct authres;
struct verify_auth;

struct verify_auth *verify_auth_new(struct arena *arena);
void verify_auth_free(struct verify_auth **va_p);

/* Command-line options: --ip, --mail-from, --helo, --dmarc,
 * --dmarc-psl, --psl-file FILE.  1 consumed (with its value), 0 not
 * ours, -1 bad. */
int verify_auth_option(struct verify_auth *va, int argc, char **argv,
		       int *i);
extern const char verify_auth_usage[];
/* After the options: SPF options that cannot be evaluated (--mail-from
 * or --helo without --ip; --ip with neither) are a usage error: -1 with
 * the message printed, else 0. */
int verify_auth_check(const struct verify_auth *va);

/* Whether SPF (--ip / --mail-from / --helo) or DMARC (--dmarc,
 * --dmarc-psl, --psl-file) was asked for. */
/* Keys come from a key table (no DNS): DMARC is off unless --dmarc or a
 * PSL option asked for it. */
void verify_auth_offline(struct verify_auth *va);
bool verify_auth_wanted(const struct verify_auth *va);

/* The message bytes, in order (only the header is looked at). */
void verify_auth_push(struct verify_auth *va, const void *data, size_t len);
void verify_auth_end(struct verify_auth *va);

/* Run SPF (when asked for) and DMARC with the DKIM verdicts given as
 * (d=, pass) pairs; 0, or -1 with a message printed. */
int verify_auth_run(struct verify_auth *va, struct authcheck *ac,
		    struct dns_resolver *resolver,
		    const struct dmarc_dkim *dkim, size_t ndkim);

/* The "spf=..." entry or NULL when SPF was not asked for; the "dmarc=..."
 * entry or NULL when DMARC was not asked for.  Arena strings, without ';'. */
/* Add the spf= / dmarc= result (when it was evaluated) to the A-R field. */
void verify_auth_add_spf(const struct verify_auth *va, struct authres *ar);
void verify_auth_add_dmarc(const struct verify_auth *va, struct authres *ar);

#endif
