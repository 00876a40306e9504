/*
 * dkim-key.h - DKIM public key records (RFC 6376 section 3.6.1, RFC 8463
 * section 4, RFC 8301 section 3.2) and the mapping of a DNS answer for
 * SELECTOR._domainkey.DOMAIN (section 3.6.2) to a key or a verdict.
 * Where keys come from (DNS with a cache, a key table): dkim-keystore.h.
 *
 * Record rules: v= if present must be DKIM1; k= rsa (default) or
 * ed25519; h= if present must list sha256; s= if present must list
 * "email" or "*"; t= flags y (testing) and s (strict i=); p= base64,
 * empty = revoked.  RSA keys are SubjectPublicKeyInfo (PKCS#1
 * RSAPublicKey is accepted too); ed25519 keys are the raw 32 bytes.
 *
 * DNS outcomes map to verdicts in dkim_key_dns_result() only (RFC 6376
 * 6.1.2): NXDOMAIN / NODATA -> permerror "no key", SERVFAIL / timeout ->
 * temperror.  Several TXT records at the name -> permerror "multiple key
 * records": RFC 6376 3.6.2.2 says the results are then undefined, and
 * taking "the first" would make the verdict depend on the order of the
 * answer, which resolvers shuffle.  A permanent verdict because it is a
 * property of the published zone, not a transient failure; OpenDKIM
 * refuses such an answer too (its "multiple DNS replies"), while dkimpy
 * takes the first record of the answer (order-dependent).
 *
 * Memory: a struct dkim_key is reference counted (a cache entry and the
 * verifications using it share it); dkim_key_unref(&k) sets k = NULL.
 */
#ifndef MA_DKIM_KEY_H
#define MA_DKIM_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dkim/dkim.h"

struct dns_result;

/* DKIM_KEY_RSA_MIN_BITS / DKIM_KEY_RSA_MAX_BITS (RFC 8301 3.2): dkim.h */

struct dkim_key {
	unsigned int refcount;
	enum dkim_key_type type;
	unsigned int bits;  /* RSA modulus size; 256 for ed25519 */
	bool testing;	    /* t=y */
	bool strict;	    /* t=s: i= domain must equal d= */
	bool revoked;	    /* p= empty */
	void *pkey;	    /* EVP_PKEY *, NULL if revoked */
	void *verify_ctx;   /* prepared once (dkim_crypto_public_key()) */
};

/* Parse a key record (TXT text).  Returns 0 with a key (refcount 1) in
 * *key_r, or -1 with *key_r NULL and a static reason (the verdict is
 * permerror) in *error_r. */
int dkim_key_parse(const char *text, size_t len, struct dkim_key **key_r,
		   const char **error_r);
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

#endif
