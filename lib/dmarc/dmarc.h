/*
 * dmarc.h - DMARC evaluation, RFC 9989 (obsoletes RFC 7489 and RFC 9091).
 *
 * Inputs are plain data, so this module depends on no SPF or DKIM code
 * (spf.h only for the enum spf_result vocabulary):
 * the Author Domain (RFC 9989 5.3.1, extracted from the From header
 * fields with msg_address_author_domain(), msg-address.h), the DKIM
 * results (d= and pass/fail of each signature, 5.3.3) and the SPF result
 * of the MAIL FROM identity with its domain (4.4.2).
 *
 * Steps: policy discovery by the DNS Tree Walk (4.10, 4.10.1; at most
 * DMARC_WALK_MAX_QUERIES queries per walk), Organizational Domains by the
 * same walk (4.10.2) for relaxed Identifier Alignment (4.4), pass / fail
 * (5.3.5), and the policy that applies (p / sp / np, t=y test mode,
 * 5.3.6).  The RFC 7489 method - Organizational Domain from the Public
 * Suffix List (libpsl, Debian's publicsuffix data) - is the alternative
 * selected by dmarc_settings.org_method.
 *
 * RFC 9989 5.3.6: "If one or more DNS queries required to perform DMARC
 * validation on the message do not complete due to temporary or
 * permanent DNS errors, the message cannot be considered to pass or fail
 * the DMARC mechanism check."  So an aligned identifier whose own check
 * ended in a DNS failure (SPF temperror, DKIM key lookup temperror) turns
 * what would be fail into temperror (disposition none); a pass of another
 * aligned identifier still wins.
 *
 * DNS outcomes map to DMARC in one place (dmarc-discover.c): an answer
 * with exactly one DMARC record is a record; NXDOMAIN, NODATA, no or
 * several DMARC records, or an unusable name is "no record there";
 * SERVFAIL or a timeout is temperror, never fail.
 *
 * Memory: a check allocates from its own arena; the verdict handed to
 * the callback is valid only during the callback.  dmarc_check_run()
 * copies the verdict's strings into the caller's arena.
 * Async: like spf.h - dmarc_check_start() returns at once and the callback
 * runs later from the resolver's loop, never from inside the start call.
 */
#ifndef MA_DMARC_H
#define MA_DMARC_H

#include <stdbool.h>
#include <stddef.h>

#include "dmarc/dmarc-align.h"
#include "dmarc/dmarc-record.h"
#include "msg/msg-address.h"
#include "spf/spf.h"

struct arena;
struct dns_resolver;
struct ma_log;

/* RFC 9989 4.10: "Author Domains with more than eight labels do not
 * result in more than eight DNS queries" (per tree walk). */
#define DMARC_WALK_MAX_QUERIES 8
/* DKIM results beyond this many are ignored (each may need a walk). */
#define DMARC_MAX_DKIM_RESULTS 16
/* Debian's publicsuffix package. */
#define DMARC_DEBIAN_PSL_FILE "/usr/share/publicsuffix/public_suffix_list.dat"

/* The DMARC result, RFC 9989 section 9.2 / RFC 8601 2.7 vocabulary. */
enum dmarc_result {
	DMARC_RESULT_NONE,	/* no DMARC Policy Record applies (5.3.2) */
	DMARC_RESULT_PASS,	/* an aligned identifier passed (5.3.5) */
	DMARC_RESULT_FAIL,	/* none aligned / passed (5.3.5) */
	DMARC_RESULT_TEMPERROR, /* DNS failure during discovery or alignment */
	DMARC_RESULT_PERMERROR, /* no single Author Domain (5.3.1, RFC 7489
				   6.6.1): hostile message */
};

/* "none" "pass" "fail" "temperror" "permerror" */
const char *dmarc_result_str(enum dmarc_result result);
/* The inverse (case-insensitive): true with *result_r set, false (and
 * *result_r untouched) if unknown. */
bool dmarc_result_parse(const char *token, enum dmarc_result *result_r);

/* How Organizational Domains are found. */
enum dmarc_org_method {
	DMARC_ORG_TREE_WALK, /* RFC 9989 4.10 (default) */
	DMARC_ORG_PSL,	     /* RFC 7489 3.2: Public Suffix List */
};

struct dmarc_psl;

/* Load a Public Suffix List file (NULL = DMARC_DEBIAN_PSL_FILE).  0, or -1
 * with a static *error_r.  Free with dmarc_psl_free(). */
int dmarc_psl_load(const char *file, struct dmarc_psl **psl_r,
		   const char **error_r);
void dmarc_psl_free(struct dmarc_psl **psl_p);
/* RFC 7489 3.2 Organizational Domain of `domain` (lower-case A-labels):
 * the registrable domain, or `domain` itself if it is a public suffix.
 * Returns a pointer into `domain`. */
const char *dmarc_psl_org_domain(const struct dmarc_psl *psl,
				 const char *domain);

struct dmarc_settings {
	enum dmarc_org_method org_method;
	const struct dmarc_psl *psl; /* required for DMARC_ORG_PSL */
	/* Disposition for a hostile From (permerror): default (false)
	 * reject; true = quarantine. */
	bool quarantine_hostile;
};

/* One DKIM signature's outcome (RFC 9989 5.3.3). */
struct dmarc_dkim {
	const char *domain;   /* d= */
	const char *selector; /* s=, may be NULL */
	bool pass;
	/* Not pass because its key lookup failed temporarily (DNS:
	 * dkim=temperror).  If this d= aligns and no aligned identifier
	 * passes, the result is temperror, not fail (5.3.6). */
	bool temperror;
};

struct dmarc_request {
	const char *author_domain; /* lower-case A-label (msg-address.h) */
	const struct dmarc_dkim *dkim;
	size_t ndkim;
	/* of the MAIL FROM identity; SPF_TEMPERROR on an aligned domain
	 * makes a would-be fail a temperror (5.3.6) */
	enum spf_result spf_result;
	const char *spf_domain;	    /* the MAIL FROM domain SPF checked, or
				       NULL */
};

struct dmarc_verdict {
	enum dmarc_result result;
	/* The Domain Owner Assessment Policy that applies (p, sp or np per
	 * 4.10.1); UNSET when no record applies. */
	enum dmarc_policy policy;
	/* What the receiver should do: NONE unless the result is fail (or
	 * permerror, hostile From); the policy one level lower when the
	 * record asks for test mode (4.7 "t"). */
	enum dmarc_policy disposition;
	const char *author_domain;
	const char *policy_domain; /* where the applied record was found */
	const char *org_domain;	   /* of the Author Domain (the Author
				      Domain itself when it has a record and
				      no relaxed alignment needs more,
				      4.10.2) */
	const char *record;	   /* its text, or NULL */
	bool testing;
	enum dmarc_alignment adkim, aspf;
	bool dkim_aligned, spf_aligned;
	const char *dkim_domain; /* first aligned passing d=, or NULL */
	bool author_nonexistent; /* NXDOMAIN for the Author Domain (3.2.13) */
	bool hostile;		 /* From header fields make DMARC impossible */
	const char *reason;	 /* short text for logs and headers */
	unsigned int dns_queries;
};

struct dmarc_check;
typedef void dmarc_callback_t(const struct dmarc_verdict *verdict,
			      void *context);

/* Start an evaluation.  The callback runs exactly once from the
 * resolver's loop (never inside this call) unless the check is cancelled.
 * `settings` and `log` (may be NULL) must outlive the check; request
 * strings are copied.  -1 with a static *error_r if the request is
 * unusable (no author domain, PSL method without a PSL). */
int dmarc_check_start(struct dns_resolver *resolver,
		      const struct dmarc_settings *settings,
		      const struct dmarc_request *request,
		      const struct ma_log *log, dmarc_callback_t *callback,
		      void *context, struct dmarc_check **check_r,
		      const char **error_r);
/* Stop a running check and its DNS query; *check_p = NULL.  Only before
 * the callback ran: the check frees itself after calling back. */
void dmarc_check_cancel(struct dmarc_check **check_p);

/* The verdict for a message whose From header fields yield no single
 * Author Domain (`status` != MSG_AUTHOR_OK): permerror, hostile, with
 * `why` as reason (strings from `arena`). */
void dmarc_verdict_hostile(const struct dmarc_settings *settings,
			   enum msg_author_status status, const char *why,
			   struct arena *arena,
			   struct dmarc_verdict *verdict_r);

/* Blocking, on a private-loop resolver: extract the Author Domain from
 * the From field values (`nfrom` of them, NUL-terminated), then evaluate
 * with `request` (whose author_domain is ignored).  The verdict's strings
 * live in `arena`.  0, or -1 with *error_r on an internal failure. */
int dmarc_check_run(struct dns_resolver *resolver,
		    const struct dmarc_settings *settings,
		    const char *const *from_values, size_t nfrom,
		    const struct dmarc_request *request,
		    const struct ma_log *log, struct arena *arena,
		    struct dmarc_verdict *verdict_r, const char **error_r);

/* Identifier alignment's domain comparisons: dmarc-align.h. */

#endif
