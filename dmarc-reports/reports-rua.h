/*
 * reports-rua.h - where a policy domain's aggregate (and failure) reports go: its rua
 * tag (RFC 9989 4.7), re-read from DNS when the report is sent, and the
 * verification of external destinations (RFC 9990 section 4 "Verifying
 * External Destinations").
 *
 * rua is a comma-separated list of URIs; only mailto: is used (RFC 9990
 * 2.1 transport); a "!size" suffix (RFC 7489 6.2) is ignored; the
 * address is percent-decoded and must be local@host with a host name.
 *
 * External: a destination host that is neither the policy domain, a
 * subdomain of it, nor a parent domain of it (a conservative stand-in
 * for "the Organizational Domains differ": a sibling of the same
 * organization is asked for too).  It is used only if a TXT record at
 * "<policy-domain>._report._dmarc.<host>" starts with v=DMARC1; a rua in
 * that record replaces the destination, but only with URIs of the same
 * host - one of another host drops the destination altogether.
 *
 * Memory: everything in the arena given.
 */
#ifndef REPORTS_RUA_H
#define REPORTS_RUA_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct dns_resolver;
struct ma_log;

/* Destinations per report kept at most. */
#define REPORTS_MAX_RUA 8

struct reports_rua {
	const char *address; /* local@host */
	const char *host;
};

/* Split a rua value into mailto: addresses (at most max); the others
 * are skipped.  Returns how many. */
size_t reports_rua_parse(const char *value, struct arena *arena,
			 struct reports_rua *out, size_t max);

/* The authorized destinations of `policy_domain` now.  0 with *n_r
 * (possibly 0: no record, no rua, nothing authorized), or -1 when DNS
 * failed temporarily (retry later) with *error_r. */
int reports_rua_get(struct dns_resolver *resolver, const struct ma_log *log,
		    const char *policy_domain, struct arena *arena,
		    struct reports_rua *out, size_t *n_r,
		    const char **error_r);

/* The same for failure reports (RFC 9991 section 5): the record's ruf,
 * external destinations authorized by the same procedure with the ruf
 * tag of the authorizing record.  A record with psd=y gives none and
 * sets *psd_r (RFC 9991 section 2: "MUST NOT consider ruf tags in DMARC
 * Policy Records having a psd=y tag"). */
int reports_ruf_get(struct dns_resolver *resolver, const struct ma_log *log,
		    const char *policy_domain, struct arena *arena,
		    struct reports_rua *out, size_t *n_r, bool *psd_r,
		    const char **error_r);

#endif
