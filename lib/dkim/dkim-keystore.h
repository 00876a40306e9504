/*
 * dkim-keystore.h - where DKIM public keys come from: DNS TXT records at
 * SELECTOR._domainkey.DOMAIN (RFC 6376 section 3.6.2) through the async
 * DNS layer, with a cache honouring the answer's TTL; or a key table for
 * tests and dkim-bench (no DNS).
 *
 * A key table is the libopendkim DKIM_QUERY_FILE format: one line
 * "SELECTOR._domainkey.DOMAIN TXT-RECORD", '#' comments.
 *
 * Verdicts: a found key is PASS; NXDOMAIN / NODATA / a name not in the
 * table is permerror "no key for signature"; SERVFAIL / timeout is
 * temperror (dkim_key_dns_result() in dkim-key.h is the one mapping).
 * Temporary failures are not cached; negative answers are, for their TTL
 * clamped to DKIM_KEYCACHE_MIN_TTL..DKIM_KEYCACHE_MAX_TTL.
 *
 * Memory: the store owns its cache and table and the keys in them.
 * Async: DNS lookups complete from the resolver's event loop (dns.h);
 * table and cache answers complete synchronously, inside
 * dkim_keystore_lookup().  One store belongs to one thread.
 */
#ifndef MA_DKIM_KEYSTORE_H
#define MA_DKIM_KEYSTORE_H

#include <stddef.h>
#include <time.h>

#include "dkim/dkim-key.h"

struct dkim_sha256;
struct arena;
struct dns_resolver;
struct ma_log;

/* Cache bounds: entries, and TTL clamp in seconds. */
#define DKIM_KEYCACHE_MAX_ENTRIES 4096
#define DKIM_KEYCACHE_MIN_TTL 60
#define DKIM_KEYCACHE_MAX_TTL 86400

struct dkim_keystore;
struct dkim_key_lookup;

typedef void dkim_key_callback_t(const struct dkim_key_answer *answer,
				 void *context);

/* A store querying DNS through `resolver` (borrowed, must outlive the
 * store), with a cache. */
struct dkim_keystore *dkim_keystore_new_dns(struct dns_resolver *resolver,
					    const struct ma_log *log);
/* A store answering from a key table file (names not in it: permerror
 * "no key for signature"; records that do not parse: permerror with the
 * parser's reason).  0 and *store_r, or -1 with "FILE: problem" in
 * *error_r (in `arena`) if the file cannot be read or exceeds 16 MiB. */
int dkim_keystore_new_table(const char *path, struct arena *arena,
			    struct dkim_keystore **store_r,
			    const char **error_r);
/* The same from text already in memory (copied). */
struct dkim_keystore *dkim_keystore_new_table_text(const char *text,
						   size_t len);
void dkim_keystore_free(struct dkim_keystore **store_p);
/* A SHA-256 context owned by the store, for dkim_sha256_new_like(): the
 * verifiers using the store share its digest implementation. */
const struct dkim_sha256 *dkim_keystore_sha256(const struct dkim_keystore *ks);

/* Look up SELECTOR._domainkey.DOMAIN at time `now` (cache expiry).  The
 * callback runs exactly once: synchronously from this call for cache
 * and table answers (then *lookup_r is NULL), later from the event loop
 * for DNS.  *lookup_r identifies a pending lookup for cancellation. */
void dkim_keystore_lookup(struct dkim_keystore *store, const char *selector,
			  const char *domain, time_t now,
			  dkim_key_callback_t *callback, void *context,
			  struct dkim_key_lookup **lookup_r);
/* Cancel a pending lookup (no callback); *lookup_p = NULL. */
void dkim_key_lookup_cancel(struct dkim_key_lookup **lookup_p);

#endif
