/*
 * spf.h - SPF evaluation, RFC 7208: check_host() (section 4) for the HELO
 * and MAIL FROM identities (2.3, 2.4), asynchronous over the DNS layer so
 * that one process evaluates many requests at once.
 *
 * The evaluation is a state machine driven by DNS callbacks: spf_check_start()
 * returns at once and the callback runs later from the resolver's event
 * loop.  spf_check_run() is the blocking helper for the CLI and tests (it
 * needs a private-loop resolver, see dns.h).
 *
 * Limits (RFC 7208 4.6.4): at most SPF_MAX_DNS_MECHANISMS DNS-querying
 * terms (include, a, mx, ptr, exists, redirect), at most
 * SPF_MAX_NAMES_PER_LOOKUP names per mx / ptr, at most SPF_MAX_VOID_LOOKUPS
 * void lookups; exceeding them is permerror.  DNS timeouts and server
 * failures are temperror, never fail.
 *
 * Memory: the strings of the struct spf_verdict handed to the callback
 * belong to the check and are valid only during the callback (copy what
 * you keep).  spf_check_run() copies them into the caller's arena.
 * Threads: a check belongs to the thread of its resolver's loop.
 */
#ifndef MA_SPF_H
#define MA_SPF_H

#include <stdbool.h>

struct arena;
struct dns_resolver;
struct ma_log;

/* RFC 7208 4.6.4 */
#define SPF_MAX_DNS_MECHANISMS 10
#define SPF_MAX_NAMES_PER_LOOKUP 10
#define SPF_MAX_VOID_LOOKUPS 2

/* RFC 7208 section 2.6; the _str() token is the RFC 8601 / 7208 9.1 one. */
enum spf_result {
	SPF_NONE,      /* 2.6.1: no record, or no checkable domain */
	SPF_NEUTRAL,   /* 2.6.2: ?all or no match */
	SPF_PASS,      /* 2.6.3 */
	SPF_FAIL,      /* 2.6.4 */
	SPF_SOFTFAIL,  /* 2.6.5 */
	SPF_TEMPERROR, /* 2.6.6: transient DNS error */
	SPF_PERMERROR, /* 2.6.7: records could not be interpreted */
};

/* "none" "neutral" "pass" "fail" "softfail" "temperror" "permerror" */
const char *spf_result_str(enum spf_result result);
/* The inverse (case-insensitive): true with *result_r set, false (and
 * *result_r untouched) if unknown. */
bool spf_result_parse(const char *token, enum spf_result *result_r);

enum spf_identity {
	SPF_IDENTITY_MAILFROM, /* RFC 7208 2.4 */
	SPF_IDENTITY_HELO,     /* RFC 7208 2.3 */
};

struct spf_request {
	enum spf_identity identity;
	const char *client_ip;	/* IPv4 or IPv6 text; IPv4-mapped IPv6 is
				   treated as that IPv4 address */
	const char *helo;	/* HELO/EHLO name, may be NULL */
	const char *mail_from;	/* MAIL FROM address without <>; NULL or ""
				   for the null reverse-path, which makes it
				   postmaster@HELO (2.4) */
	const char *receiver;	/* our host name, for the %{r} macro; NULL =
				   "unknown" */
};

struct spf_settings {
	unsigned int max_dns_mechanisms; /* 0 = SPF_MAX_DNS_MECHANISMS */
	unsigned int max_void_lookups;	 /* 0 = SPF_MAX_VOID_LOOKUPS */
	/* Explanation when the record has no usable exp= (macro-expanded,
	 * NULL = a built-in text naming the domain). */
	const char *default_explanation;
};

struct spf_verdict {
	enum spf_result result;
	enum spf_identity identity;
	const char *domain;	 /* the domain checked (of the sender or HELO) */
	const char *sender;	 /* local-part@domain as evaluated */
	const char *mechanism;	 /* the matching term ("ip4:192.0.2.0/24",
				    "default" when nothing matched), or NULL */
	const char *reason;	 /* short text for logs and headers: "no SPF
				    record", "too many DNS lookups", ... */
	const char *explanation; /* SPF_FAIL only: exp= text or the default;
				    otherwise NULL */
	unsigned int dns_lookups; /* DNS-querying terms evaluated */
	unsigned int void_lookups;
	bool explanation_is_default; /* SPF_FAIL: no usable exp= (6.2), the
					explanation is the default text */
};

struct spf_check;

typedef void spf_callback_t(const struct spf_verdict *verdict, void *context);

/* Start one evaluation.  The callback runs exactly once from the resolver's
 * loop (never from inside this call) unless the check is cancelled.
 * `settings` and `log` (may be NULL) must outlive the check; the request
 * strings are copied.  Returns 0, or -1 with *error_r (static) when the
 * request itself is unusable (no client IP, unparseable IP). */
int spf_check_start(struct dns_resolver *resolver,
		    const struct spf_settings *settings,
		    const struct spf_request *request, const struct ma_log *log,
		    spf_callback_t *callback, void *context,
		    struct spf_check **check_r, const char **error_r);
/* Stop a running check and its DNS queries; the callback will not run.
 * *check_p = NULL. */
void spf_check_cancel(struct spf_check **check_p);

/* Blocking: evaluate with a private-loop resolver and copy the verdict's
 * strings into `arena`.  0, or -1 with *error_r. */
int spf_check_run(struct dns_resolver *resolver,
		  const struct spf_settings *settings,
		  const struct spf_request *request, const struct ma_log *log,
		  struct arena *arena, struct spf_verdict *verdict_r,
		  const char **error_r);

#endif
