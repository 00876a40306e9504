/*
 * dkim.h - DKIM vocabulary shared by the signer, the verifier and their
 * consumers (DMARC, Authentication-Results writers).
 *
 * RFC 6376 (DKIM), RFC 8463 (ed25519-sha256), RFC 8301 (rsa-sha1 is no
 * longer acceptable, RSA keys of 1024+ bits), RFC 8601 section 2.7.1 (the
 * dkim= result words).
 *
 * Memory: every *_str() returns a static string.  Nothing here allocates.
 */
#ifndef MA_DKIM_H
#define MA_DKIM_H

#include <stdbool.h>
#include <stddef.h>

/* The result of one signature, RFC 8601 section 2.7.1. */
enum dkim_result {
	DKIM_RESULT_NONE,      /* the message was not signed */
	DKIM_RESULT_PASS,      /* signature verified */
	DKIM_RESULT_FAIL,      /* signature or body hash did not verify,
				  expired, key revoked, key too short */
	DKIM_RESULT_NEUTRAL,   /* signed, but not evaluated (signature cap) */
	DKIM_RESULT_POLICY,    /* verified or not, unacceptable to us:
				  rsa-sha1 (RFC 8301 section 3.1) */
	DKIM_RESULT_TEMPERROR, /* key lookup failed temporarily (DNS) */
	DKIM_RESULT_PERMERROR, /* malformed signature or key record, no key */
};
#define DKIM_RESULT_COUNT (DKIM_RESULT_PERMERROR + 1)

/* Signing algorithms, RFC 6376 section 3.3, RFC 8463 section 3. */
enum dkim_alg {
	DKIM_ALG_RSA_SHA256,
	DKIM_ALG_ED25519_SHA256,
	DKIM_ALG_RSA_SHA1, /* parsed so it can be reported; never passes */
};

/* Canonicalization algorithms, RFC 6376 section 3.4. */
enum dkim_canon {
	DKIM_CANON_SIMPLE,
	DKIM_CANON_RELAXED,
};

/* Key types of a key record's k= (RFC 6376 3.6.1, RFC 8463 4). */
enum dkim_key_type {
	DKIM_KEY_RSA,
	DKIM_KEY_ED25519,
};

/* RFC 8301 section 3.2: verifiers accept RSA keys of 1024 to 4096 bits
 * (the verifier, the key loader and the signer's key check). */
#define DKIM_KEY_RSA_MIN_BITS 1024
#define DKIM_KEY_RSA_MAX_BITS 4096

/* The Authentication-Results token ("pass", "fail", ..., "permerror"). */
const char *dkim_result_str(enum dkim_result result);
/* The reverse of dkim_result_str (case-insensitive); false if unknown. */
bool dkim_result_parse(const char *word, enum dkim_result *result_r);

/* "rsa-sha256", "ed25519-sha256", "rsa-sha1". */
const char *dkim_alg_str(enum dkim_alg alg);
/* Parse an a= value; false if unknown. */
bool dkim_alg_parse(const char *s, size_t len, enum dkim_alg *alg_r);
/* "simple", "relaxed". */
const char *dkim_canon_str(enum dkim_canon canon);
/* Parse "relaxed/simple", "relaxed" (body simple) ... as c= (RFC 6376
 * 3.5: a missing body part means simple).  False if malformed. */
bool dkim_canon_parse(const char *s, size_t len, enum dkim_canon *header_r,
		      enum dkim_canon *body_r);
/* The key type an algorithm needs. */
enum dkim_key_type dkim_alg_key_type(enum dkim_alg alg);

#endif
