/*
 * check_dkim_privkey_der.c - private keys read without OpenSSL's
 * generic decoder (lib/dkim/dkim-privkey-der.c, issue 20 item 1).
 *
 * The oracle is OpenSSL itself: keys it generates and writes (PKCS#8,
 * RFC 5208; traditional PKCS#1, RFC 8017 A.1.2; Ed25519 PKCS#8, RFC 8410
 * section 7) must be recognised by the fast path, come out equal to the
 * key OpenSSL's own decoder reads (EVP_PKEY_eq), and sign byte for byte
 * as OpenSSL's key does (RSASSA-PKCS1-v1_5 and Ed25519 are
 * deterministic).  Shapes the fast path does not know (encrypted keys,
 * EC keys, non-minimal DER, trailing bytes, PEM headers) must be left
 * to the general decoder, so that what is accepted does not change.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "dkim/dkim-crypto.h"
#include "dkim/dkim-privkey-der.h"
#include "harness.h"

enum pem_form { FORM_PKCS8, FORM_PKCS1, FORM_PKCS8_ENCRYPTED };

/* The key as PEM text, malloc()ed. */
static char *
pem_of(EVP_PKEY *pkey, enum pem_form form, size_t *len_r)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	long len;
	int ok;

	ck_assert_ptr_nonnull(bio);
	if (form == FORM_PKCS1)
		ok = PEM_write_bio_PrivateKey_traditional(bio, pkey, NULL, NULL,
							  0, NULL, NULL);
	else if (form == FORM_PKCS8_ENCRYPTED)
		ok = PEM_write_bio_PKCS8PrivateKey(bio, pkey, EVP_aes_128_cbc(),
						   "pw", 2, NULL, NULL);
	else
		ok = PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
					      NULL);
	ck_assert_int_eq(ok, 1);
	len = BIO_get_mem_data(bio, &data);
	out = malloc((size_t)len + 1);
	memcpy(out, data, (size_t)len);
	out[len] = '\0';
	*len_r = (size_t)len;
	BIO_free(bio);
	return out;
}

/* What the fast path makes of `pem`. */
static enum dkim_der_key_type
fast_type(const char *pem, size_t len)
{
	unsigned char der[8192];
	struct dkim_der_privkey k;
	size_t n = 0;
	int pkcs1 = 0;

	if (dkim_pem_decode(pem, len, der, sizeof(der), &n, &pkcs1) < 0)
		return DKIM_DER_OTHER;
	return dkim_der_privkey_parse(der, n, pkcs1, &k);
}

/* Load `pem` through dkim_privkey_from_text and check it against
 * `orig`: the same key, the same signature over a fixed hash. */
static void
check_same_key(EVP_PKEY *orig, const char *pem, size_t len)
{
	unsigned char hash[DKIM_SHA256_LEN], ours[DKIM_CRYPTO_MAX_SIG],
		theirs[DKIM_CRYPTO_MAX_SIG];
	size_t ours_len = 0, theirs_len = sizeof(theirs);
	struct dkim_privkey *k = NULL;
	const char *err = NULL;
	int ok;

	memset(hash, 0xa5, sizeof(hash));
	ck_assert_msg(dkim_privkey_from_text(pem, len, &k, &err) == 0, "%s",
		      err);
	ck_assert_int_eq(EVP_PKEY_eq(k->pkey, orig), 1);
	ck_assert_int_eq(dkim_privkey_sign(k, hash, ours, &ours_len), 0);
	if (k->type == DKIM_KEY_RSA) {
		EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(orig, NULL);

		ok = EVP_PKEY_sign_init(c) == 1 &&
		     EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) == 1 &&
		     EVP_PKEY_sign(c, theirs, &theirs_len, hash,
				   sizeof(hash)) == 1;
		EVP_PKEY_CTX_free(c);
	} else {
		EVP_MD_CTX *m = EVP_MD_CTX_new();

		ok = EVP_DigestSignInit(m, NULL, NULL, NULL, orig) == 1 &&
		     EVP_DigestSign(m, theirs, &theirs_len, hash,
				    sizeof(hash)) == 1;
		EVP_MD_CTX_free(m);
	}
	ck_assert(ok);
	ck_assert_uint_eq(ours_len, theirs_len);
	ck_assert(memcmp(ours, theirs, ours_len) == 0);
	dkim_privkey_free(&k);
}

/* RSA (1024, 2048, 4096 bits: RFC 8301's range) in PKCS#8 and PKCS#1,
 * Ed25519 in PKCS#8: all take the fast path and equal OpenSSL's key. */
START_TEST(test_fast_path_keys)
{
	static const struct {
		const char *type;
		size_t bits;
		enum pem_form form;
		enum dkim_der_key_type want;
	} cases[] = {
		{"RSA", 1024, FORM_PKCS8, DKIM_DER_RSA},
		{"RSA", 2048, FORM_PKCS8, DKIM_DER_RSA},
		{"RSA", 2048, FORM_PKCS1, DKIM_DER_RSA},
		{"RSA", 4096, FORM_PKCS8, DKIM_DER_RSA},
		{"ED25519", 0, FORM_PKCS8, DKIM_DER_ED25519},
	};
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EVP_PKEY *pkey = cases[i].bits != 0 ?
			EVP_PKEY_Q_keygen(NULL, NULL, cases[i].type,
					  cases[i].bits) :
			EVP_PKEY_Q_keygen(NULL, NULL, cases[i].type);
		char *pem;

		ck_assert_ptr_nonnull(pkey);
		pem = pem_of(pkey, cases[i].form, &len);
		ck_assert_msg(fast_type(pem, len) == cases[i].want, "case %zu",
			      i);
		check_same_key(pkey, pem, len);
		free(pem);
		EVP_PKEY_free(pkey);
	}
}
END_TEST

/* Encrypted PKCS#8 and EC keys are not the fast path's: the general
 * decoder still decides (an EC key is refused, as before; the encrypted
 * key is not loaded here: OpenSSL's decoder would ask a terminal for the
 * passphrase). */
START_TEST(test_other_shapes_fall_back)
{
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	struct dkim_privkey *k = NULL;
	const char *err = NULL;
	size_t len;
	char *pem;

	ck_assert_ptr_nonnull(rsa);
	ck_assert_ptr_nonnull(ec);
	pem = pem_of(rsa, FORM_PKCS8_ENCRYPTED, &len);
	ck_assert_int_eq(fast_type(pem, len), DKIM_DER_OTHER);
	free(pem);
	pem = pem_of(ec, FORM_PKCS8, &len);
	ck_assert_int_eq(fast_type(pem, len), DKIM_DER_OTHER);
	ck_assert_int_eq(dkim_privkey_from_text(pem, len, &k, &err), -1);
	ck_assert_str_eq(err, "not an RSA or Ed25519 private key");
	free(pem);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}
END_TEST

/* X.690 10.1 (DER): lengths in the fewest octets, integers minimal; and
 * the structure must be all of the input. */
START_TEST(test_der_strictness)
{
	/* RFC 8410 section 10.3's example key */
	static const unsigned char ed[] = {
		0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b,
		0x65, 0x70, 0x04, 0x22, 0x04, 0x20, 0xd4, 0xee, 0x72, 0xdb,
		0xf9, 0x13, 0x58, 0x4a, 0xd5, 0xb6, 0xd8, 0xf1, 0xf7, 0x69,
		0xf8, 0xad, 0x3a, 0xfe, 0x7c, 0x28, 0xcb, 0xf1, 0xd4, 0xfb,
		0xe0, 0x97, 0xa8, 0x8f, 0x44, 0x75, 0x58, 0x42, 0, 0,
	};
	unsigned char buf[sizeof(ed) + 1];
	struct dkim_der_privkey k;

	ck_assert_int_eq(dkim_der_privkey_parse(ed, 48, 0, &k),
			 DKIM_DER_ED25519);
	ck_assert(k.seed == ed + 16 && k.seed[0] == 0xd4);
	/* trailing bytes */
	ck_assert_int_eq(dkim_der_privkey_parse(ed, 49, 0, &k),
			 DKIM_DER_OTHER);
	/* truncated */
	ck_assert_int_eq(dkim_der_privkey_parse(ed, 47, 0, &k),
			 DKIM_DER_OTHER);
	/* the outer length in the long form (0x81 0x2e): not DER */
	buf[0] = 0x30;
	buf[1] = 0x81;
	buf[2] = 0x2e;
	memcpy(buf + 3, ed + 2, 46);
	ck_assert_int_eq(dkim_der_privkey_parse(buf, 49, 0, &k),
			 DKIM_DER_OTHER);
	/* version 0 written with a superfluous leading zero: not DER */
	memcpy(buf, ed, 48);
	buf[1] = 0x2f;
	buf[3] = 0x02;
	buf[4] = 0x00;
	memcpy(buf + 5, ed + 4, 44);
	ck_assert_int_eq(dkim_der_privkey_parse(buf, 49, 0, &k),
			 DKIM_DER_OTHER);
	/* not PKCS#1 */
	ck_assert_int_eq(dkim_der_privkey_parse(ed, 48, 1, &k),
			 DKIM_DER_OTHER);
}
END_TEST

/* RFC 7468 section 2: the BEGIN and END labels match, and encapsulated
 * headers (RFC 1421 Proc-Type, traditional encrypted keys) are not
 * ours. */
START_TEST(test_pem_armour)
{
	static const char good[] =
		"-----BEGIN PRIVATE KEY-----\n"
		"MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
		"-----END PRIVATE KEY-----\n";
	static const char mismatch[] =
		"-----BEGIN PRIVATE KEY-----\n"
		"MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
		"-----END RSA PRIVATE KEY-----\n";
	static const char headers[] =
		"-----BEGIN RSA PRIVATE KEY-----\n"
		"Proc-Type: 4,ENCRYPTED\n"
		"DEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n"
		"MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
		"-----END RSA PRIVATE KEY-----\n";
	unsigned char der[128];
	size_t n = 0;
	int pkcs1 = -1;

	ck_assert_int_eq(dkim_pem_decode(good, strlen(good), der, sizeof(der),
					 &n, &pkcs1), 0);
	ck_assert_uint_eq(n, 48);
	ck_assert_int_eq(pkcs1, 0);
	ck_assert_int_eq(dkim_pem_decode(mismatch, strlen(mismatch), der,
					 sizeof(der), &n, &pkcs1), -1);
	ck_assert_int_eq(dkim_pem_decode(headers, strlen(headers), der,
					 sizeof(der), &n, &pkcs1), -1);
	/* too small an output buffer */
	ck_assert_int_eq(dkim_pem_decode(good, strlen(good), der, 40, &n,
					 &pkcs1), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkim_privkey_der");
	TCase *tc = tcase_create("rfc5208-rfc8017-rfc8410");
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fast_path_keys);
	tcase_add_test(tc, test_other_shapes_fall_back);
	tcase_add_test(tc, test_der_strictness);
	tcase_add_test(tc, test_pem_armour);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
