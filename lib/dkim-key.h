/*
 * dkim-key.h - DKIM public key records (RFC 6376 section 3.6.1, RFC 8463
 * section 4, RFC 8301 section 3.2), where they come from (DNS TXT at
 * SELECTOR._domainkey.DOMAIN, section 3.6.2, or a key table), and a cache.
 *
 * Record rules: v= if present must be DKIM1; k= rsa (default) or
 * ed25519; h= if present must list sha256; s= if present must list
 * "email" or "*"; t= flags y (testing) and s (strict i=); p= base64,
 * empty = revoked.  RSA keys are SubjectPublicKeyInfo (PKCS#1
 * RSAPublicKey is accepted too); ed25519 keys are the raw 32 bytes.
 *
 * DNS outcomes map to verdicts in dkim_key_dns_result() only (RFC 6376
 * 6.1.2): NXDOMAIN / NODATA -> permerror "no key", SERVFAIL / timeout ->
 * temperror, several TXT records -> the first that parses.
 *
 * A key table is the libopendkim DKIM_QUERY_FILE format: one line
 * "SELECTOR._domainkey.DOMAIN TXT-RECORD", '#' comments; for tests and
 * dkim-bench (no DNS).
 *
 * Memory: a struct dkim_key is reference counted (a cache entry and the
 * verifications using it share it); dkim_key_unref(&k) sets k = NULL.
 * The key store owns its cache and table.  Async: DNS lookups complete
 * from the resolver's event loop (dns.h); table and cache answers
 * complete synchronously, inside dkim_keystore_lookup().
 */
#ifndef MA_DKIM_KEY_H
#define MA_DKIM_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dkim.h"

struct dkim_sha256;
struct dns_resolver;
struct dns_result;
struct ma_log;

/* RFC 8301 section 3.2: verifiers accept RSA keys of 1024 to 4096 bits. */
#define DKIM_KEY_RSA_MIN_BITS 1024
#define DKIM_KEY_RSA_MAX_BITS 4096
/* Cache bounds: entries, and TTL clamp in seconds. */
#define DKIM_KEYCACHE_MAX_ENTRIES 4096
#define DKIM_KEYCACHE_MIN_TTL 60
#define DKIM_KEYCACHE_MAX_TTL 86400

struct dkim_key {
	unsigned int refcount;
	enum dkim_key_type type;
	unsigned int bits;  /* RSA modulus size; 256 for ed25519 */
	bool testing;	    /* t=y */
	bool strict;	    /* t=s: i= domain must equal d= */
	bool revoked;	    /* p= empty */
	void *pkey;	    /* EVP_PKEY *, NULL if revoked */
	void *verify_ctx;   /* EVP_PKEY_CTX * prepared once (RSA) */
};

/* Parse a key record (TXT text).  Returns a key (refcount 1) or NULL
 * with a static reason (the verdict is permerror) in *reason_r. */
struct dkim_key *dkim_key_parse(const char *text, size_t len,
				const char **reason_r);
struct dkim_key *dkim_key_ref(struct dkim_key *key);
void dkim_key_unref(struct dkim_key **key_p);

/* The outcome of a key lookup. */
struct dkim_key_answer {
	enum dkim_result result; /* PASS = key found in *key, otherwise the
				    verdict for the signature */
	const char *reason;	 /* static; NULL with PASS */
	struct dkim_key *key;	 /* borrowed for the callback's duration;
				    dkim_key_ref() to keep it */
};

/* Map a DNS TXT answer to a key or a verdict (RFC 6376 6.1.2). */
void dkim_key_dns_result(const struct dns_result *res,
			 struct dkim_key_answer *answer_r,
			 struct dkim_key **key_r);

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
 * parser's reason).  NULL with "FILE: problem" in errbuf (errbuf_size
 * bytes) if the file cannot be read or exceeds 16 MiB. */
struct dkim_keystore *dkim_keystore_new_table(const char *path, char *errbuf,
					      size_t errbuf_size);
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
