/*
 * dkim-privkey-der.h - the two private key shapes DKIM signers use,
 * read without OpenSSL's generic decoder (which enumerates every
 * provider's decoders and key managers: about 1.5 ms in a signer that
 * runs once per message).
 *
 * PEM armour (RFC 7468 section 2) around DER holding either
 *   - PKCS#8 PrivateKeyInfo (RFC 5208 section 5) with rsaEncryption
 *     and a PKCS#1 RSAPrivateKey inside (RFC 8017 appendix A.1.2,
 *     version 0, two primes), or with id-Ed25519 and its 32-byte seed
 *     (RFC 8410 section 7), or
 *   - a bare PKCS#1 RSAPrivateKey ("RSA PRIVATE KEY", version 0).
 * Anything else (encrypted keys, multi-prime RSA, other algorithms,
 * PEM headers) is DKIM_DER_OTHER: the caller hands it to the general
 * decoder, so what is accepted does not change.
 *
 * Memory: dkim_pem_decode writes into the caller's buffer (secret: the
 * caller wipes it); a parsed key points into the caller's DER bytes.
 * No allocation, no global state.
 */
#ifndef MA_DKIM_PRIVKEY_DER_H
#define MA_DKIM_PRIVKEY_DER_H

#include <stddef.h>

#define DKIM_DER_ED25519_SEED_LEN 32

/* The RSAPrivateKey integers after the version, in RFC 8017 order. */
enum dkim_der_rsa_int {
	DKIM_DER_RSA_N, DKIM_DER_RSA_E, DKIM_DER_RSA_D, DKIM_DER_RSA_P,
	DKIM_DER_RSA_Q, DKIM_DER_RSA_DP, DKIM_DER_RSA_DQ, DKIM_DER_RSA_QINV,
	DKIM_DER_RSA_COUNT
};

enum dkim_der_key_type {
	DKIM_DER_OTHER,	  /* not one of the shapes above */
	DKIM_DER_RSA,	  /* rsa[] set */
	DKIM_DER_ED25519, /* seed set */
};

/* A positive big-endian integer without leading zero bytes. */
struct dkim_der_int {
	const unsigned char *data;
	size_t len;
};

struct dkim_der_privkey {
	enum dkim_der_key_type type;
	struct dkim_der_int rsa[DKIM_DER_RSA_COUNT];
	const unsigned char *seed; /* DKIM_DER_ED25519_SEED_LEN bytes */
};

/* Decode the first PEM block of `text` whose label is "PRIVATE KEY" or
 * "RSA PRIVATE KEY" into `der` (room for `size` bytes).  Returns 0 with
 * the DER length in *len_r and *pkcs1_r true for "RSA PRIVATE KEY", or
 * -1 when there is no such block, it carries headers or bad base64, or
 * it does not fit. */
int dkim_pem_decode(const char *text, size_t len, unsigned char *der,
		    size_t size, size_t *len_r, int *pkcs1_r);

/* Recognise a PKCS#8 (pkcs1 == 0) or PKCS#1 (pkcs1 != 0) private key in
 * `der`; the whole input must be the one structure.  Sets *key_r and
 * returns its type (DKIM_DER_OTHER for anything else). */
enum dkim_der_key_type
dkim_der_privkey_parse(const unsigned char *der, size_t len, int pkcs1,
		       struct dkim_der_privkey *key_r);

#endif
