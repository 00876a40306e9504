/*
 * dns-cache.h - an answer cache in front of libunbound, keyed by (name,
 * type), so that a lookup answered recently is handed back without
 * entering libunbound (whose own cache still serves everything else).
 *
 * DNS semantics are kept exact:
 * - an answer lives for its TTL (RFC 1035 3.2.1, the smallest TTL of the
 *   records, as libunbound hands it over: already decremented by the time
 *   it spent in libunbound's cache), never longer than DNS_CACHE_MAX_TTL;
 * - NXDOMAIN and NODATA live for the negative-caching TTL of RFC 2308
 *   section 5 (the smaller of the SOA record's TTL and its MINIMUM field),
 *   and are not cached at all when the response carried no SOA (RFC 2308
 *   section 5: "Negative responses without SOA records SHOULD NOT be
 *   cached"), never longer than DNS_CACHE_MAX_NEGATIVE_TTL;
 * - SERVFAIL, timeouts, bad names and bogus DNSSEC answers (everything a
 *   caller maps to temperror) are never cached;
 * - at most max_entries results are held; the least recently used one
 *   goes first.
 * Names are compared exactly as given (a differently cased name is a
 * different key: never a wrong answer, at worst a miss).
 *
 * The clock is the caller's: `now` is in seconds of any clock that does
 * not go backwards (the resolver passes CLOCK_MONOTONIC; tests pass their
 * own numbers).
 *
 * Memory: the cache holds a reference to each result it keeps
 * (dns_result refs, see dns.h); dns_cache_get() hands out another one,
 * which the caller releases with dns_result_free() as any result.  A
 * result shared that way is read-only for everyone, except that
 * dns_cache_get() sets its ttl to the seconds left and its elapsed_ms to
 * 0 for the one it hands out.  dns_cache_free() drops the cache's
 * references; results still held elsewhere stay valid.
 * Threads: one cache belongs to one resolver, one thread.
 */
#ifndef MA_DNS_CACHE_H
#define MA_DNS_CACHE_H

#include <stdint.h>

#include "dns/dns.h"

/* Longest an answer stays (libunbound's cache-max-ttl default). */
#define DNS_CACHE_MAX_TTL 86400
/* Longest a negative answer stays (libunbound's cache-max-negative-ttl
 * default; RFC 2308 section 5 advises one to three hours). */
#define DNS_CACHE_MAX_NEGATIVE_TTL 3600

struct dns_cache;

/* A cache of at most max_entries results (>= 1). */
struct dns_cache *dns_cache_new(unsigned int max_entries);
/* Drop all entries and the cache; *cache_p = NULL. */
void dns_cache_free(struct dns_cache **cache_p);

/* The result for (name, type) if one is held and still fresh at `now`:
 * a new reference (free it with dns_result_free()), ttl = seconds left.
 * NULL if none (an expired entry is dropped here). */
struct dns_result *dns_cache_get(struct dns_cache *cache, const char *name,
				 enum dns_type type, uint64_t now);

/* Keep `result` (taking a reference: the caller still owns its own) if
 * it may be cached (see above), replacing an older entry for the same
 * key; the least recently used entry goes when the cache is full.
 * Returns whether it was kept. */
bool dns_cache_put(struct dns_cache *cache, struct dns_result *result,
		   uint64_t now);

/* Entries held, fresh or not yet found expired. */
unsigned int dns_cache_count(const struct dns_cache *cache);

#endif
