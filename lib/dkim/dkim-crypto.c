/*
 * dkim-crypto.c - OpenSSL EVP wrappers for DKIM (dkim-crypto.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "util/arena.h"
#include "util/base64.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-privkey-der.h"
#include "util/file.h"
#include "util/xalloc.h"

/* A private key file larger than this is not a key. */
#define DKIM_PRIVKEY_MAX_FILE (64 * 1024)
#define ED25519_KEY_LEN 32

struct dkim_sha256 {
	EVP_MD_CTX *ctx;
	EVP_MD *md;
};

struct dkim_sha256 *
dkim_sha256_new(void)
{
	struct dkim_sha256 *s = ma_calloc(1, sizeof(*s));

	s->ctx = EVP_MD_CTX_new();
	s->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (s->ctx == NULL || s->md == NULL)
		ma_malloc(SIZE_MAX); /* out of memory: the fatal hook */
	return s;
}

struct dkim_sha256 *
dkim_sha256_new_like(const struct dkim_sha256 *proto)
{
	struct dkim_sha256 *s;

	if (proto == NULL)
		return dkim_sha256_new();
	s = ma_calloc(1, sizeof(*s));
	s->ctx = EVP_MD_CTX_new();
	if (s->ctx == NULL || EVP_MD_up_ref(proto->md) != 1)
		ma_malloc(SIZE_MAX);
	s->md = proto->md;
	return s;
}

void
dkim_sha256_free(struct dkim_sha256 **ctx_p)
{
	struct dkim_sha256 *s = *ctx_p;

	if (s == NULL)
		return;
	EVP_MD_CTX_free(s->ctx);
	EVP_MD_free(s->md);
	free(s);
	*ctx_p = NULL;
}

void
dkim_sha256_init(struct dkim_sha256 *s)
{
	if (EVP_DigestInit_ex2(s->ctx, s->md, NULL) != 1)
		ma_malloc(SIZE_MAX);
}

void
dkim_sha256_update(struct dkim_sha256 *s, const void *data, size_t len)
{
	(void)EVP_DigestUpdate(s->ctx, data, len);
}

void
dkim_sha256_final(struct dkim_sha256 *s, unsigned char out[DKIM_SHA256_LEN])
{
	unsigned int n = 0;

	(void)EVP_DigestFinal_ex(s->ctx, out, &n);
}

void
dkim_sha256_sink(void *ctx, const void *data, size_t len)
{
	struct dkim_sha256 *s = ctx;

	(void)EVP_DigestUpdate(s->ctx, data, len);
}

static EVP_PKEY_CTX *
rsa_ctx(EVP_PKEY *pkey, bool sign)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);

	if (ctx == NULL)
		return NULL;
	if ((sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* An Ed25519 (RFC 8463 3) signing or verification context, set up once
 * per key: EVP_DigestSignInit()/EVP_DigestVerifyInit() fetch the
 * algorithm each time, which costs about as much as a few KB of SHA-256. */
static EVP_MD_CTX *
ed25519_ctx(EVP_PKEY *pkey, bool sign)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();

	if (m != NULL &&
	    (sign ? EVP_DigestSignInit(m, NULL, NULL, NULL, pkey) :
		    EVP_DigestVerifyInit(m, NULL, NULL, NULL, pkey)) != 1) {
		EVP_MD_CTX_free(m);
		m = NULL;
	}
	return m;
}

/* A one-shot Ed25519 context: a copy of the prepared `proto` (the copy
 * is consumed by EVP_DigestSign/Verify and freed after), or, if there is
 * none or it cannot be copied, a context set up from scratch. */
static EVP_MD_CTX *
ed25519_ctx_from(const EVP_MD_CTX *proto, EVP_PKEY *pkey, bool sign)
{
	EVP_MD_CTX *m;

	if (proto != NULL && (m = EVP_MD_CTX_new()) != NULL) {
		(void)ERR_set_mark();
		if (EVP_MD_CTX_copy_ex(m, proto) == 1) {
			(void)ERR_clear_last_mark();
			return m;
		}
		(void)ERR_pop_to_mark(); /* the copy's error is not ours */
		EVP_MD_CTX_free(m);
	}
	return ed25519_ctx(pkey, sign);
}

void *
dkim_crypto_public_key(enum dkim_key_type type, const unsigned char *p,
		       size_t len, unsigned int *bits_r, void **verify_ctx_r)
{
	const unsigned char *q = p;
	EVP_PKEY *pkey = NULL;

	*verify_ctx_r = NULL;
	if (type == DKIM_KEY_ED25519) {
		if (len != ED25519_KEY_LEN)
			return NULL;
		pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, p,
						   len);
		*bits_r = 256;
		if (pkey != NULL &&
		    (*verify_ctx_r = ed25519_ctx(pkey, false)) == NULL) {
			EVP_PKEY_free(pkey);
			return NULL;
		}
		return pkey;
	}
	pkey = d2i_PUBKEY(NULL, &q, (long)len);
	if (pkey == NULL || q != p + len) {
		EVP_PKEY_free(pkey);
		q = p;
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, (long)len);
		if (pkey != NULL && q != p + len) {
			EVP_PKEY_free(pkey);
			pkey = NULL;
		}
	}
	if (pkey == NULL || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	*bits_r = (unsigned int)EVP_PKEY_get_bits(pkey);
	if ((*verify_ctx_r = rsa_ctx(pkey, false)) == NULL) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	return pkey;
}

void
dkim_crypto_public_key_free(void *pkey, void *verify_ctx)
{
	if (pkey != NULL && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519)
		EVP_MD_CTX_free(verify_ctx);
	else
		EVP_PKEY_CTX_free(verify_ctx);
	EVP_PKEY_free(pkey);
}

int
dkim_crypto_verify(enum dkim_key_type type, void *pkey, void *verify_ctx,
		   const unsigned char hash[DKIM_SHA256_LEN],
		   const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *m;
	int ok;

	if (type == DKIM_KEY_RSA) {
		if (verify_ctx != NULL)
			return EVP_PKEY_verify(verify_ctx, sig, sig_len, hash,
					       DKIM_SHA256_LEN) == 1;
		return 0;
	}
	/* RFC 8463 3: Ed25519 (pure) over the SHA-256 of the headers */
	if ((m = ed25519_ctx_from(verify_ctx, pkey, false)) == NULL)
		return 0;
	ok = EVP_DigestVerify(m, sig, sig_len, hash, DKIM_SHA256_LEN) == 1;
	EVP_MD_CTX_free(m);
	return ok;
}

static int
privkey_set(EVP_PKEY *pkey, struct dkim_privkey **key_r, const char **error_r)
{
	struct dkim_privkey *k;
	int id = EVP_PKEY_get_base_id(pkey);

	if (id != EVP_PKEY_RSA && id != EVP_PKEY_ED25519) {
		*error_r = "not an RSA or Ed25519 private key";
		goto fail;
	}
	k = ma_calloc(1, sizeof(*k));
	k->type = id == EVP_PKEY_RSA ? DKIM_KEY_RSA : DKIM_KEY_ED25519;
	k->bits = (unsigned int)EVP_PKEY_get_bits(pkey);
	k->pkey = pkey;
	if (k->type == DKIM_KEY_RSA &&
	    (k->bits < DKIM_KEY_RSA_MIN_BITS || k->bits > DKIM_KEY_RSA_MAX_BITS)) {
		*error_r = "RSA key size outside 1024..4096 bits (RFC 8301)";
		free(k);
		goto fail;
	}
	if (k->type == DKIM_KEY_RSA && (k->sign_ctx = rsa_ctx(pkey, true)) == NULL) {
		*error_r = "cannot prepare RSA signing";
		free(k);
		goto fail;
	}
	if (k->type == DKIM_KEY_ED25519 &&
	    (k->sign_ctx = ed25519_ctx(pkey, true)) == NULL) {
		*error_r = "cannot prepare Ed25519 signing";
		free(k);
		goto fail;
	}
	k->sha = dkim_sha256_new();
	*key_r = k;
	return 0;
fail:
	EVP_PKEY_free(pkey);
	return -1;
}

/* OSSL_PARAM_construct_BN wants the host's byte order. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BIG_ENDIAN_HOST 1
#else
#define BIG_ENDIAN_HOST 0
#endif

/* A DER buffer big enough for an RSA-4096 key in PKCS#8 (about 2.4 KB). */
#define PRIVKEY_DER_MAX 8192

/* An RSA key from its RFC 8017 integers, through the key manager's
 * import (OSSL_PARAM in native byte order), not the generic decoder.
 * The reversed copies are wiped. */
static EVP_PKEY *
rsa_from_ints(const struct dkim_der_int rsa[DKIM_DER_RSA_COUNT])
{
	static const char *const names[DKIM_DER_RSA_COUNT] = {
		OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E,
		OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1,
		OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
		OSSL_PKEY_PARAM_RSA_EXPONENT2,
		OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	};
	unsigned char native[PRIVKEY_DER_MAX];
	OSSL_PARAM params[DKIM_DER_RSA_COUNT + 1];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;
	size_t i, j, off = 0;

	for (i = 0; i < DKIM_DER_RSA_COUNT; i++) {
		unsigned char *at = native + off;

		if (rsa[i].len > sizeof(native) - off)
			goto out;
		for (j = 0; j < rsa[i].len; j++)
			at[j] = BIG_ENDIAN_HOST ? rsa[i].data[j] :
				rsa[i].data[rsa[i].len - 1 - j];
		params[i] = OSSL_PARAM_construct_BN(names[i], at, rsa[i].len);
		off += rsa[i].len;
	}
	params[i] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) != NULL) {
		if (EVP_PKEY_fromdata_init(ctx) != 1 ||
		    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
			pkey = NULL;
		EVP_PKEY_CTX_free(ctx);
	}
out:
	OPENSSL_cleanse(native, sizeof(native));
	return pkey;
}

/* The PEM shapes dkim-privkey-der.h knows, straight to an EVP_PKEY;
 * NULL with *other_r for anything else (then the general decoder). */
static EVP_PKEY *
pem_privkey_fast(const char *text, size_t len, bool *other_r)
{
	unsigned char der[PRIVKEY_DER_MAX];
	struct dkim_der_privkey k;
	EVP_PKEY *pkey = NULL;
	size_t n = 0;
	int pkcs1 = 0;

	*other_r = true;
	if (dkim_pem_decode(text, len, der, sizeof(der), &n, &pkcs1) == 0) {
		switch (dkim_der_privkey_parse(der, n, pkcs1, &k)) {
		case DKIM_DER_RSA:
			*other_r = false;
			pkey = rsa_from_ints(k.rsa);
			break;
		case DKIM_DER_ED25519:
			*other_r = false;
			pkey = EVP_PKEY_new_raw_private_key(
				EVP_PKEY_ED25519, NULL, k.seed,
				DKIM_DER_ED25519_SEED_LEN);
			break;
		case DKIM_DER_OTHER:
			break;
		}
	}
	OPENSSL_cleanse(der, sizeof(der));
	return pkey;
}

int
dkim_privkey_from_text(const char *text, size_t len,
		       struct dkim_privkey **key_r, const char **error_r)
{
	unsigned char seed[BASE64_DECODED_MAX(64)];
	EVP_PKEY *pkey = NULL;
	size_t n = 0;
	bool other;
	BIO *bio;

	if (memmem(text, len, "-----BEGIN", 10) != NULL) {
		pkey = pem_privkey_fast(text, len, &other);
		if (pkey == NULL && other &&
		    (bio = BIO_new_mem_buf(text, (int)len)) != NULL) {
			pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
			BIO_free(bio);
		}
		if (pkey == NULL) {
			*error_r = "cannot parse the PEM private key";
			return -1;
		}
		return privkey_set(pkey, key_r, error_r);
	}
	if (len > 64 || base64_decode(text, len, seed, sizeof(seed), &n) < 0 ||
	    n != ED25519_KEY_LEN) {
		OPENSSL_cleanse(seed, sizeof(seed));
		*error_r = "not a PEM private key or a base64 Ed25519 seed";
		return -1;
	}
	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, n);
	OPENSSL_cleanse(seed, sizeof(seed));
	if (pkey == NULL) {
		*error_r = "cannot make an Ed25519 key from the seed";
		return -1;
	}
	return privkey_set(pkey, key_r, error_r);
}

int
dkim_privkey_load(const char *path, unsigned int flags, struct arena *arena,
		  struct dkim_privkey **key_r, const char **error_r)
{
	struct ma_file file;
	const char *error = NULL;
	size_t len;
	int ret = -1;

	if (ma_file_read(path, DKIM_PRIVKEY_MAX_FILE,
			 MA_FILE_SECRET | MA_FILE_REGULAR, &file, &error) < 0) {
		*error_r = arena_printf(arena, "%s: %s", path, error);
		return -1;
	}
	if ((file.mode & 077) != 0 &&
	    (flags & DKIM_PRIVKEY_ALLOW_INSECURE) == 0) {
		*error_r = arena_printf(arena,
			"%s: private key readable by group/others (mode %03o); "
			"chmod 600 it", path, (unsigned int)(file.mode & 0777));
		goto out;
	}
	len = file.len;
	while (len > 0 && (file.data[len - 1] == '\n' ||
			   file.data[len - 1] == '\r' ||
			   file.data[len - 1] == ' '))
		len--;
	if (dkim_privkey_from_text(file.data, len, key_r, &error) < 0) {
		*error_r = arena_printf(arena, "%s: %s", path, error);
		goto out;
	}
	ret = 0;
out:
	ma_file_free(&file); /* MA_FILE_SECRET: wiped */
	return ret;
}

void
dkim_privkey_free(struct dkim_privkey **key_p)
{
	struct dkim_privkey *k = *key_p;

	if (k == NULL)
		return;
	if (k->type == DKIM_KEY_ED25519)
		EVP_MD_CTX_free(k->sign_ctx);
	else
		EVP_PKEY_CTX_free(k->sign_ctx);
	EVP_PKEY_free(k->pkey);
	dkim_sha256_free(&k->sha);
	free(k);
	*key_p = NULL;
}

int
dkim_privkey_sign(struct dkim_privkey *key,
		  const unsigned char hash[DKIM_SHA256_LEN], unsigned char *sig,
		  size_t *sig_len_r)
{
	size_t n = DKIM_CRYPTO_MAX_SIG;
	EVP_MD_CTX *m;
	int ok;

	if (key->type == DKIM_KEY_RSA) {
		if (EVP_PKEY_get_size(key->pkey) > DKIM_CRYPTO_MAX_SIG ||
		    EVP_PKEY_sign(key->sign_ctx, sig, &n, hash,
				  DKIM_SHA256_LEN) != 1)
			return -1;
		*sig_len_r = n;
		return 0;
	}
	if ((m = ed25519_ctx_from(key->sign_ctx, key->pkey, true)) == NULL)
		return -1;
	ok = EVP_DigestSign(m, sig, &n, hash, DKIM_SHA256_LEN) == 1;
	EVP_MD_CTX_free(m);
	if (!ok)
		return -1;
	*sig_len_r = n;
	return 0;
}

char *
dkim_privkey_public_b64(const struct dkim_privkey *key)
{
	unsigned char raw[ED25519_KEY_LEN], *der = NULL;
	size_t n = sizeof(raw);
	char *out;
	int len;

	if (key->type == DKIM_KEY_ED25519) {
		if (EVP_PKEY_get_raw_public_key(key->pkey, raw, &n) != 1)
			return NULL;
		out = ma_malloc(BASE64_ENCODED_LEN(n) + 1);
		base64_encode(raw, n, out);
		return out;
	}
	if ((len = i2d_PUBKEY(key->pkey, &der)) <= 0)
		return NULL;
	out = ma_malloc(BASE64_ENCODED_LEN((size_t)len) + 1);
	base64_encode(der, (size_t)len, out);
	OPENSSL_free(der);
	return out;
}
