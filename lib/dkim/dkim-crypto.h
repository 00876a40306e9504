/*
 * dkim-crypto.h - the OpenSSL (EVP) operations DKIM needs: SHA-256
 * hashing, RSASSA-PKCS1-v1_5 with SHA-256 (RFC 6376 3.3.1) and
 * Ed25519 over the SHA-256 hash (RFC 8463 section 3), and private key
 * loading for the signer.
 *
 * Private keys: PEM (PKCS#8 "PRIVATE KEY", traditional "RSA PRIVATE
 * KEY"), or a file holding only the base64 of a 32-byte Ed25519 seed
 * (RFC 8463 A.1 style).  Files readable by group or others are refused
 * unless the caller allows it.  A key is parsed once and kept; file
 * contents are wiped (OPENSSL_cleanse) after parsing.  The common PEM
 * shapes are read by dkim-privkey-der.h and imported through the key
 * manager (OSSL_PARAM), not OpenSSL's generic decoder; others still go
 * through PEM_read_bio_PrivateKey.
 *
 * Memory: struct dkim_privkey is owned by the caller (dkim_privkey_free
 * sets NULL); the EVP objects inside it are freed with it, which wipes
 * the key material (OpenSSL clears private key components on free).
 */
#ifndef MA_DKIM_CRYPTO_H
#define MA_DKIM_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim/dkim.h"

#define DKIM_SHA256_LEN 32
/* Largest signature we produce: RSA-4096. */
#define DKIM_CRYPTO_MAX_SIG 512

/* A reusable SHA-256 context (EVP_MD_CTX with the digest fetched once). */
struct dkim_sha256;
struct dkim_sha256 *dkim_sha256_new(void);
/* A new context sharing proto's digest implementation (no fetch, which
 * costs about a microsecond); proto NULL is dkim_sha256_new(). */
struct dkim_sha256 *dkim_sha256_new_like(const struct dkim_sha256 *proto);
void dkim_sha256_free(struct dkim_sha256 **ctx_p);
void dkim_sha256_init(struct dkim_sha256 *ctx);
void dkim_sha256_update(struct dkim_sha256 *ctx, const void *data, size_t len);
void dkim_sha256_final(struct dkim_sha256 *ctx,
		       unsigned char out[DKIM_SHA256_LEN]);
/* A dkim_canon_sink_t feeding a struct dkim_sha256. */
void dkim_sha256_sink(void *ctx, const void *data, size_t len);

/* Verify `sig` over the 32-byte header hash with the public key `pkey`
 * (EVP_PKEY *) of type `type`; `verify_ctx` is the key's prepared context
 * from dkim_crypto_public_key() (RSA: needed; Ed25519: may be NULL, then
 * one is set up for this call).  It is only read: Ed25519 verifies with
 * a copy.  Returns 1 valid, 0 invalid. */
int dkim_crypto_verify(enum dkim_key_type type, void *pkey, void *verify_ctx,
		       const unsigned char hash[DKIM_SHA256_LEN],
		       const unsigned char *sig, size_t sig_len);

/* A public key from a key record's decoded p= (RSA: SubjectPublicKeyInfo
 * or PKCS#1 RSAPublicKey DER; Ed25519: 32 raw bytes).  Returns the
 * EVP_PKEY * and its size in bits, or NULL.  *verify_ctx_r gets a
 * verification context prepared once: RSA an EVP_PKEY_CTX * (PKCS#1 v1.5,
 * SHA-256), Ed25519 an EVP_MD_CTX * after EVP_DigestVerifyInit(). */
void *dkim_crypto_public_key(enum dkim_key_type type, const unsigned char *p,
			     size_t len, unsigned int *bits_r,
			     void **verify_ctx_r);
/* Free what dkim_crypto_public_key() returned (NULLs are fine). */
void dkim_crypto_public_key_free(void *pkey, void *verify_ctx);

struct arena;

struct dkim_privkey {
	enum dkim_key_type type;
	unsigned int bits;
	void *pkey;	  /* EVP_PKEY * */
	void *sign_ctx;	  /* prepared once: RSA EVP_PKEY_CTX *, Ed25519
			     EVP_MD_CTX * (copied per signature) */
	struct dkim_sha256 *sha; /* prototype for dkim_sha256_new_like() */
};

enum dkim_privkey_flags {
	/* Accept a key file readable by group or others (tests). */
	DKIM_PRIVKEY_ALLOW_INSECURE = 0x01,
};

/* Load a private key file (at most 64 KiB, util/file.h; the bytes read
 * are wiped).  Returns 0 and *key_r, or -1 with *error_r in `arena`
 * ("FILE: not a regular file" - a FIFO, device or directory is refused
 * without blocking -, "FILE: readable by group/others (chmod 600)",
 * "FILE: not a PEM private key or base64 Ed25519 seed", "FILE: RSA key
 * of 512 bits: 1024..4096 needed"). */
int dkim_privkey_load(const char *path, unsigned int flags,
		      struct arena *arena, struct dkim_privkey **key_r,
		      const char **error_r);
/* The same from text in memory (no permission check). */
int dkim_privkey_from_text(const char *text, size_t len,
			   struct dkim_privkey **key_r, const char **error_r);
void dkim_privkey_free(struct dkim_privkey **key_p);
/* Sign the 32-byte header hash; returns 0 and the signature in sig
 * (room for DKIM_CRYPTO_MAX_SIG) and *sig_len_r, or -1. */
int dkim_privkey_sign(struct dkim_privkey *key,
		      const unsigned char hash[DKIM_SHA256_LEN],
		      unsigned char *sig, size_t *sig_len_r);
/* The public key as a DKIM key record p= value (base64), malloc()ed. */
char *dkim_privkey_public_b64(const struct dkim_privkey *key);

#endif
