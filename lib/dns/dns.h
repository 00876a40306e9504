/*
 * dns.h - the DNS layer every mailauth component uses: one resolver over
 * libunbound, asynchronous on a libevent loop, with a blocking helper.
 *
 * Outcomes are classified once, here, into the five cases the mail
 * authentication RFCs distinguish (RFC 7208 section 5 / 2.6.6, RFC 6376
 * section 6.1.2, RFC 9989 section 4.10): an answer, NXDOMAIN, NODATA (the
 * name exists without records of that type), SERVFAIL (any other server
 * failure) and a timeout.  Callers map them to none / permerror /
 * temperror in exactly one function each.
 *
 * TXT answers keep the character-string boundaries (`strings`) and also
 * carry their exact concatenation without separators (`text`), as RFC 7208
 * section 3.3 and RFC 6376 section 3.6.2.2 require.
 *
 * Configuration comes from struct dns_settings: by default the system
 * resolver (/etc/resolv.conf), or explicit forwarders, or a libunbound
 * configuration file (ub_ctx_config) - the way tests and users give local
 * zone data (local-zone:, local-data:) and forward zones.  With the
 * system resolver or forwarders, libunbound's built-in local zones (the
 * RFC 6303 reverse zones, 2001:db8::/32, test., invalid., home.arpa. ...)
 * are turned off so those names reach the site's resolver
 * (dns-localzones.h); a configuration file keeps full control over
 * them.  A trust anchor
 * file turns on DNSSEC validation; results then carry secure / insecure /
 * bogus.
 *
 * Every query has a deadline (settings.timeout_ms); when it passes the
 * query is cancelled and reported as DNS_TIMEOUT, so no lookup ever takes
 * longer than its timeout whatever the network does.
 *
 * Memory: a struct dns_result is allocated by this module and owned by
 * whoever receives it, who releases it with dns_result_free().  All its
 * strings live inside it.
 * Threads/async: one resolver belongs to one thread.  libunbound runs on
 * that thread's libevent loop (ub_ctx_create_event / ub_resolve_event: no
 * helper thread, no pipe, no fork); all callbacks run in the caller's
 * thread, from the event loop.
 */
#ifndef MA_DNS_H
#define MA_DNS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct arena;
struct ma_log;

/* RR types we look up (IANA values). */
enum dns_type {
	DNS_T_A = 1,
	DNS_T_CNAME = 5,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_SPF = 99, /* RFC 4408 type 99; RFC 7208 section 3.1 retired it */
};

/* How a query ended. */
enum dns_outcome {
	DNS_ANSWER,   /* rcode NOERROR with at least one record of the type */
	DNS_NODATA,   /* NOERROR, the name exists, no record of that type */
	DNS_NXDOMAIN, /* rcode NXDOMAIN (3): the name does not exist */
	DNS_SERVFAIL, /* SERVFAIL or any other failure rcode, or bogus DNSSEC */
	DNS_TIMEOUT,  /* no answer before the deadline */
	DNS_BADNAME,  /* the name is not a valid DNS name (label > 63 octets,
			 name > 253, empty label); nothing was sent */
};

/* DNSSEC status of an answer (Unbound's three states, plus "no trust
 * anchor configured, nothing was validated"). */
enum dns_security {
	DNS_SEC_UNCHECKED, /* validation is off */
	DNS_SEC_INSECURE,  /* validated: no chain of trust to this name */
	DNS_SEC_SECURE,	   /* validated: signed and correct */
	DNS_SEC_BOGUS,	   /* validated: signatures wrong; outcome SERVFAIL */
};

/* One character-string of a TXT record. */
struct dns_txt_string {
	const unsigned char *data;
	size_t len;
};

/* One decoded record.  Names are presentation format without the final
 * dot, with non-printable octets and '.' or '\' inside labels escaped as
 * \DDD (RFC 1035 section 5.1). */
struct dns_rr {
	enum dns_type type;
	union {
		struct in_addr a;
		struct in6_addr aaaa;
		struct {
			uint16_t preference;
			const char *exchange;
		} mx;
		const char *name; /* PTR, CNAME */
		struct {
			size_t nstrings;
			const struct dns_txt_string *strings;
			const char *text; /* strings concatenated, NUL added */
			size_t text_len;  /* may hold NUL octets */
		} txt;
	} u;
};

struct dns_result {
	const char *qname;
	enum dns_type qtype;
	enum dns_outcome outcome;
	enum dns_security security;
	uint32_t ttl;		/* of the answer; 0 for failures */
	/* NXDOMAIN / NODATA: the negative-caching TTL of RFC 2308 section 5
	 * (min of the SOA record's TTL and MINIMUM) when the response
	 * carried the zone's SOA; 0 otherwise */
	uint32_t negative_ttl;
	const char *canonname;	/* after CNAMEs, or NULL */
	const char *why_bogus;	/* validator's reason, or NULL */
	size_t count;		/* records in rrs (0 unless DNS_ANSWER) */
	const struct dns_rr *rrs;
	unsigned int elapsed_ms;
	struct arena *arena;	/* owns everything above */
	/* holders besides the first (the answer cache, dns-cache.h):
	 * dns_result_free() frees the result when none is left */
	unsigned int refs;
};

struct dns_settings {
	const char *resolver_config; /* libunbound config file, or NULL */
	const char *const *forwarders; /* "ADDR[@PORT]" list, or NULL */
	const char *trust_anchor_file; /* DNSSEC root key, or NULL = off */
	unsigned int timeout_ms;       /* per query; 0 = DNS_DEFAULT_TIMEOUT_MS */
	bool use_hosts;		       /* also read /etc/hosts */
	/* Most sockets libunbound may hold open for queries at once
	 * (libunbound's outgoing-range; queries beyond it wait for a
	 * socket), so a daemon can keep a descriptor reserve; 0 = leave
	 * libunbound's default.  Applied after resolver_config. */
	unsigned int max_sockets;
	/* Answers kept in front of libunbound (dns-cache.h: TTLs and
	 * RFC 2308 negative caching honoured, failures never kept), so that
	 * repeated lookups skip libunbound; 0 = no such cache. */
	unsigned int cache_entries;
	/* Where detailed error messages (file name and libunbound's own
	 * reason) are allocated; NULL: only libunbound's short text. */
	struct arena *error_arena;
};

#define DNS_DEFAULT_TIMEOUT_MS 10000
/* Debian's dns-root-data file, for settings.trust_anchor_file. */
#define DNS_DEBIAN_ROOT_KEY "/usr/share/dns/root.key"

struct dns_resolver;
struct dns_query;

/* Called once per query with the result, which the callee now owns. */
typedef void dns_callback_t(struct dns_result *result, void *context);

/* A resolver.  With `base` NULL it runs a private event loop, driven by
 * dns_resolver_run() and the blocking dns_lookup(); otherwise queries are
 * processed by the caller's loop.  -1 with a message in *error_r (static
 * or from libunbound; valid until the next call) on a bad configuration.
 * `log` may be NULL and must outlive the resolver.
 *
 * The whole configuration is checked here, not at the first query:
 * libunbound is made to read and apply it (its "finalize" step) before
 * this returns, so a file it rejects fails now, with
 * "resolver_config FILE: REASON" (REASON: what libunbound printed, when
 * settings.error_arena is given; otherwise *error_r is libunbound's short
 * text and what it printed goes to `log` as a warning).  While libunbound reads the file its
 * messages, which it would print on fd 2, are captured (the process's
 * fd 2 is redirected to a temporary file for that time: call this from
 * a single-threaded start-up).  After this returns no libunbound option
 * can be changed any more. */
int dns_resolver_new(const struct dns_settings *settings,
		     struct event_base *base, const struct ma_log *log,
		     struct dns_resolver **resolver_r, const char **error_r);
/* Cancel all pending queries (no callbacks) and release the resolver. */
void dns_resolver_free(struct dns_resolver **resolver_p);

/* Start a lookup.  The callback runs later from the event loop (never
 * from inside this call), exactly once unless the query is cancelled.
 * *query_r (may be NULL) identifies it until the callback starts.
 * Returns 0, or -1 with *error_r if libunbound refused the query. */
int dns_lookup_async(struct dns_resolver *resolver, const char *name,
		     enum dns_type type, dns_callback_t *callback,
		     void *context, struct dns_query **query_r,
		     const char **error_r);
/* Cancel a pending query; its callback will not run.  *query_p = NULL. */
void dns_query_cancel(struct dns_query **query_p);

/* Process events of a private-loop resolver until no query is pending.
 * Returns 0, or -1 if the resolver uses an external loop. */
int dns_resolver_run(struct dns_resolver *resolver);
/* Number of queries started and not yet finished or cancelled. */
unsigned int dns_resolver_pending(const struct dns_resolver *resolver);
/* The libevent base the resolver's queries run on (the caller's, or its
 * private one), for timers of its users (msgauth's time budget). */
struct event_base *dns_resolver_base(const struct dns_resolver *resolver);
/* Whether the resolver runs a private loop (created with base NULL). */
bool dns_resolver_has_own_base(const struct dns_resolver *resolver);

/* Blocking lookup on a private-loop resolver: returns 0 and the result
 * (caller frees), after at most the configured timeout; -1 with *error_r
 * if the query could not be started or the resolver has an external loop. */
int dns_lookup(struct dns_resolver *resolver, const char *name,
	       enum dns_type type, struct dns_result **result_r,
	       const char **error_r);

/* Release the caller's reference to a result (the last one frees it);
 * *result_p = NULL. */
void dns_result_free(struct dns_result **result_p);

/* RFC vocabulary for messages and `authcheck dns`. */
const char *dns_outcome_str(enum dns_outcome outcome);
const char *dns_security_str(enum dns_security security);
const char *dns_type_str(enum dns_type type);
/* "TXT" -> DNS_T_TXT (case-insensitive): true with *type_r set, false
 * (and *type_r untouched) if unknown. */
bool dns_type_parse(const char *name, enum dns_type *type_r);

/* dns_name_is_valid(): dns-name.h */

#endif
