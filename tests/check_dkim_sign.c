/*
 * check_dkim_sign.c - the DKIM signer and private key loading.
 *
 * The keys are RFC 8463 A.1's (RSA-1024 "test", Ed25519 "brisbane"),
 * whose public halves are published; the signatures are checked with
 * our verifier (a round trip, not an oracle - tests/dkim-interop checks
 * them against dkimpy and libopendkim) and for the RFC's rules on form:
 * folding at 78 columns (RFC 5322 2.1.1), the tags written, the h= list
 * (RFC 6376 5.4.1, over-signing 8.15), the injected clock in t= and x=.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-key.h"
#include "dkim/dkim-keystore.h"
#include "dkim/dkim-sign.h"
#include "dkim-test.h"
#include "harness.h"

static struct dkim_keystore *keys;
static struct dkim_privkey *rsa_key, *ed_key;

static struct dkim_privkey *
load_text_key(const char *rel)
{
	size_t len;
	char *text = dkim_test_read(rel, &len);
	struct dkim_privkey *k = NULL;
	const char *err = NULL;

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	ck_assert_msg(dkim_privkey_from_text(text, len, &k, &err) == 0, "%s: %s",
		      rel, err);
	free(text);
	return k;
}

static void
setup(void)
{
	size_t len;
	char *kt = dkim_test_read("keytable.txt", &len);

	keys = dkim_keystore_new_table_text(kt, len);
	free(kt);
	rsa_key = load_text_key("rfc8463/test.rsa1024.pem");
	ed_key = load_text_key("rfc8463/brisbane.ed25519.seed.b64");
}

static void
teardown(void)
{
	dkim_keystore_free(&keys);
	dkim_privkey_free(&rsa_key);
	dkim_privkey_free(&ed_key);
	ck_assert_ptr_null(rsa_key);
}

static void
params_init(struct dkim_sign_params *p, const char *selector,
	    struct dkim_privkey *key, enum dkim_alg alg)
{
	memset(p, 0, sizeof(*p));
	p->domain = "football.example.com";
	p->selector = selector;
	p->key = key;
	p->alg = alg;
	p->header_canon = p->body_canon = DKIM_CANON_RELAXED;
}

/* Sign `msg` fed `step` bytes at a time; returns signed message. */
static char *
sign_msg(const struct dkim_sign_params *p, size_t count, const char *msg,
	 size_t len, size_t step, bool lf, size_t *out_len_r)
{
	struct dkim_sign_settings set = {1700000000, lf};
	const char *err = NULL, *fields;
	struct buf out = BUF_INIT;
	struct dkim_sign *s = dkim_sign_new(&set, p, count, NULL, &err);
	size_t off, n, flen;

	ck_assert_msg(s != NULL, "%s", err);
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		dkim_sign_push(s, msg + off, n);
	}
	ck_assert_msg(dkim_sign_end(s, &fields, &flen, &err) == 0, "%s", err);
	buf_append(&out, fields, flen);
	buf_append(&out, msg, len);
	dkim_sign_free(&s);
	ck_assert_ptr_null(s);
	return buf_steal(&out, out_len_r);
}

static void
assert_folded(const char *text, size_t fields_len)
{
	const char *p = text, *nl;

	for (; p < text + fields_len; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(nl - p - (nl > p && nl[-1] == '\r') <= 78,
			      "line longer than 78: %.*s", (int)(nl - p), p);
	}
}

START_TEST(test_dual_sign_roundtrip)
{
	struct dkim_sign_params p[2];
	struct dkim_test_result res[3];
	size_t len, out_len, n, steps[] = {1, 7, 100000}, i;
	char *msg = dkim_test_read("rfc8463/unsigned.eml", &len), *out;
	int canon;

	for (canon = 0; canon < 4; canon++) {
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			params_init(&p[0], "test", rsa_key, DKIM_ALG_RSA_SHA256);
			params_init(&p[1], "brisbane", ed_key,
				    DKIM_ALG_ED25519_SHA256);
			p[0].header_canon = p[1].header_canon =
				(enum dkim_canon)(canon & 1);
			p[0].body_canon = p[1].body_canon =
				(enum dkim_canon)(canon >> 1);
			out = sign_msg(p, 2, msg, len, steps[i], i == 0, &out_len);
			assert_folded(out, out_len - len);
			ck_assert(strncmp(out, "DKIM-Signature: v=1; a=rsa-sha256;",
					  34) == 0);
			ck_assert_ptr_nonnull(strstr(out, "t=1700000000;"));
			n = dkim_test_verify(keys, out, out_len, steps[i],
					     1700000000, 0, res, 3);
			ck_assert_uint_eq(n, 2);
			ck_assert_msg(res[0].result == DKIM_RESULT_PASS &&
					      res[1].result == DKIM_RESULT_PASS,
				      "canon %d: got %s (%s), %s (%s)", canon,
				      dkim_result_str(res[0].result), res[0].reason,
				      dkim_result_str(res[1].result), res[1].reason);
			free(out);
		}
	}
	free(msg);
}
END_TEST

/* Ed25519 is deterministic: same key, clock and message, same field. */
START_TEST(test_deterministic_and_headers)
{
	struct dkim_sign_params p;
	size_t len, out_len;
	char *msg = dkim_test_read("rfc8463/unsigned.eml", &len), *a, *b;
	const char *h;

	params_init(&p, "brisbane", ed_key, DKIM_ALG_ED25519_SHA256);
	a = sign_msg(&p, 1, msg, len, 3, false, &out_len);
	b = sign_msg(&p, 1, msg, len, 100000, false, &out_len);
	ck_assert_str_eq(a, b);
	/* each present name once per instance, over-signed names once
	 * more; absent, not over-signed names (cc, resent-*) not at all */
	h = strstr(a, "h=");
	ck_assert_ptr_nonnull(h);
	{
		char names[512];
		size_t o = 0;

		for (h += 2; *h != ';' && o + 1 < sizeof(names); h++)
			if (*h != '\r' && *h != '\n' && *h != '\t' && *h != ' ')
				names[o++] = *h;
		names[o] = '\0';
		ck_assert_str_eq(names, "from:from:reply-to:subject:subject:"
					"date:date:to:to:cc:in-reply-to:"
					"references:message-id:message-id:"
					"mime-version:content-type");
	}
	ck_assert_ptr_null(strstr(a, "resent"));
	free(a);
	free(b);
	/* explicit lists, no over-signing, x= from the clock, i= */
	{
		const char *sign[] = {"subject", "from", NULL}, *none[] = {NULL};

		p.sign_headers = sign;
		p.oversign_headers = none;
		p.expire_secs = 3600;
		p.auid = "joe@football.example.com";
		a = sign_msg(&p, 1, msg, len, 5, false, &out_len);
		ck_assert_ptr_nonnull(strstr(a, "h=from:subject;"));
		ck_assert_ptr_nonnull(strstr(a, "x=1700003600;"));
		ck_assert_ptr_nonnull(strstr(a, "i=joe@football.example.com;"));
		free(a);
	}
	free(msg);
}
END_TEST

START_TEST(test_sign_errors)
{
	struct dkim_sign_settings set = {1700000000, false};
	struct dkim_sign_params p;
	struct dkim_sign *s;
	const char *err = NULL, *fields;
	size_t len;

	params_init(&p, "test", ed_key, DKIM_ALG_RSA_SHA256);
	ck_assert_ptr_null(dkim_sign_new(&set, &p, 1, NULL, &err));
	ck_assert_str_eq(err, "the key does not fit the algorithm");
	params_init(&p, "", rsa_key, DKIM_ALG_RSA_SHA256);
	ck_assert_ptr_null(dkim_sign_new(&set, &p, 1, NULL, &err));
	params_init(&p, "test", rsa_key, DKIM_ALG_RSA_SHA256);
	p.auid = "joe@example.football.example.com.evil";
	ck_assert_ptr_null(dkim_sign_new(&set, &p, 1, NULL, &err));
	ck_assert_str_eq(err, "i= must be in d= or a subdomain of it");
	p.auid = "joe@xfootball.example.com";
	ck_assert_ptr_null(dkim_sign_new(&set, &p, 1, NULL, &err));
	params_init(&p, "test", rsa_key, DKIM_ALG_RSA_SHA256);
	s = dkim_sign_new(&set, &p, 1, NULL, &err);
	dkim_sign_push(s, "Subject: no from\r\n\r\nbody\r\n", 26);
	ck_assert_int_eq(dkim_sign_end(s, &fields, &len, &err), -1);
	ck_assert_str_eq(err, "the message has no From field");
	dkim_sign_free(&s);
	/* 1000+ fields: refused, not signed in part */
	s = dkim_sign_new(&set, &p, 1, NULL, &err);
	dkim_sign_push(s, "From: a@b.example\r\n", 19);
	for (len = 0; len < 1001; len++)
		dkim_sign_push(s, "X-Many: y\r\n", 11);
	ck_assert_int_eq(dkim_sign_end(s, &fields, &len, &err), -1);
	ck_assert_str_eq(err, "the header is too large to sign");
	dkim_sign_free(&s);
}
END_TEST

static char *
write_key(const char *dir, const char *name, const char *rel, mode_t mode)
{
	size_t len;
	char *text = dkim_test_read(rel, &len);
	char *path = harness_write_file(dir, name, text);

	free(text);
	ck_assert_ptr_nonnull(path);
	chmod(path, mode);
	return path;
}

START_TEST(test_privkey_files)
{
	char *dir = harness_tmpdir("dkim-keys");
	struct arena *a = arena_new(0);
	const char *err = NULL;
	char *open_pem = write_key(dir, "open.pem", "rfc8463/test.rsa1024.pem", 0644);
	char *ok_pem = write_key(dir, "ok.pem", "dkimpy/2048_testkey.pem", 0600);
	char *seed = write_key(dir, "ed.seed", "dkimpy/ed25519test.seed.b64", 0400);
	char *junk = harness_write_file(dir, "junk", "hello\n");
	struct dkim_privkey *k = NULL;

	ck_assert_int_eq(dkim_privkey_load(open_pem, 0, a, &k, &err), -1);
	ck_assert_msg(strstr(err, "readable by group/others") != NULL, "%s", err);
	ck_assert_int_eq(dkim_privkey_load(open_pem, DKIM_PRIVKEY_ALLOW_INSECURE,
					   a, &k, &err), 0);
	ck_assert_uint_eq(k->bits, 1024);
	dkim_privkey_free(&k);
	ck_assert_int_eq(dkim_privkey_load(ok_pem, 0, a, &k, &err), 0);
	ck_assert_int_eq(k->type, DKIM_KEY_RSA);
	ck_assert_uint_eq(k->bits, 2048);
	dkim_privkey_free(&k);
	ck_assert_int_eq(dkim_privkey_load(seed, 0, a, &k, &err), 0);
	ck_assert_int_eq(k->type, DKIM_KEY_ED25519);
	{
		/* the published public key of dkimpy's test key */
		char *pub = dkim_privkey_public_b64(k);

		ck_assert_str_eq(pub, "yi50DjK5O9pqbFpNHklsv9lqaS0ArSYu02qp1S0DW1Y=");
		free(pub);
	}
	dkim_privkey_free(&k);
	chmod(junk, 0600);
	ck_assert_int_eq(dkim_privkey_load(junk, 0, a, &k, &err), -1);
	ck_assert_msg(strstr(err, "not a PEM private key") != NULL, "%s", err);
	ck_assert_int_eq(dkim_privkey_load("/nonexistent/key", 0, a, &k,
					   &err), -1);
	arena_free(&a);
	unlink(open_pem);
	unlink(ok_pem);
	unlink(seed);
	unlink(junk);
	rmdir(dir);
	free(open_pem);
	free(ok_pem);
	free(seed);
	free(junk);
	free(dir);
}
END_TEST

/* PKCS#8 PEM ("BEGIN PRIVATE KEY") for both key types, as
 * `openssl genpkey` writes them. */
START_TEST(test_pkcs8_keys)
{
	static const char *types[] = {"RSA", "ED25519"};
	struct dkim_privkey *k = NULL;
	const char *err = NULL;
	size_t i;

	for (i = 0; i < 2; i++) {
		EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, types[i],
						   i == 0 ? (size_t)2048 : 0);
		BIO *bio = BIO_new(BIO_s_mem());
		char *pem;
		long len;

		ck_assert_ptr_nonnull(pkey);
		ck_assert_int_eq(PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0,
							  NULL, NULL), 1);
		len = BIO_get_mem_data(bio, &pem);
		ck_assert(strncmp(pem, "-----BEGIN PRIVATE KEY-----", 27) == 0);
		ck_assert_msg(dkim_privkey_from_text(pem, (size_t)len, &k, &err) == 0,
			      "%s: %s", types[i], err);
		ck_assert_int_eq(k->type, i == 0 ? DKIM_KEY_RSA : DKIM_KEY_ED25519);
		ck_assert_uint_eq(k->bits, i == 0 ? 2048 : 256);
		dkim_privkey_free(&k);
		BIO_free(bio);
		EVP_PKEY_free(pkey);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkim_sign");
	TCase *tc = tcase_create("rfc6376-5");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dual_sign_roundtrip);
	tcase_add_test(tc, test_deterministic_and_headers);
	tcase_add_test(tc, test_sign_errors);
	tcase_add_test(tc, test_privkey_files);
	tcase_add_test(tc, test_pkcs8_keys);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
