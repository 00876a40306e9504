/*
 * verify-auth.h - the SPF and DMARC options of `authcheck verify`
 * (--ip, --mail-from, --helo, --dmarc, --no-dmarc, --dmarc-psl,
 * --psl-file) and what they mean for lib/msgauth/msgauth.h: where spf= comes
 * from (checked, or not at all) and whether DMARC is evaluated.
 * The evaluation itself is lib/msgauth/msgauth.c's.
 *
 * Memory: plain data; strings point into argv.
 */
#ifndef VERIFY_AUTH_H
#define VERIFY_AUTH_H

#include <stdbool.h>

#include "spf/spf.h"

struct verify_auth {
	struct spf_request spf_req;
	bool spf_wanted;
	bool dmarc_wanted;
	bool dmarc_explicit; /* --dmarc, --no-dmarc or a PSL option given */
	const char *psl_file;
	bool use_psl;
};

/* Defaults: no SPF, DMARC on (RFC 9989; --no-dmarc to skip). */
void verify_auth_init(struct verify_auth *va);

/* Command-line options: --ip, --mail-from, --helo, --dmarc, --no-dmarc,
 * --dmarc-psl, --psl-file FILE.  1 consumed (with its value), 0 not
 * ours, -1 bad (message printed). */
int verify_auth_option(struct verify_auth *va, int argc, char **argv,
		       int *i);
extern const char verify_auth_usage[];
/* After the options: SPF options that cannot be evaluated (--mail-from
 * or --helo without --ip; --ip with neither) are a usage error: -1 with
 * the message printed, else 0. */
int verify_auth_check(const struct verify_auth *va);

/* Keys come from a key table (no DNS): DMARC is off unless --dmarc or a
 * PSL option asked for it. */
void verify_auth_offline(struct verify_auth *va);
/* Whether SPF or DMARC (both need the resolver) is wanted. */
bool verify_auth_wanted(const struct verify_auth *va);

#endif
