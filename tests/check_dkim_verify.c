/*
 * check_dkim_verify.c - the DKIM verifier against published vectors and
 * hostile input, with keys from tests/fixtures/dkim/keytable.txt.
 *
 * Oracles: RFC 8463 A.3 (ed25519-sha256 + rsa-sha256), a real Exim
 * ed25519 signature, a real 2013 Gmail signature with odd folding - all
 * pass per their publishers and dkimpy/libopendkim - and the RFC rules
 * for every error verdict (RFC 6376 3.5, 3.6.1, 6.1; RFC 8301).  Each
 * message is fed whole, one byte at a time and in random pieces.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "util/base64.h"
#include "util/buf.h"
#include "dkim/dkim-key.h"
#include "dkim/dkim-keystore.h"
#include "dkim-test.h"
#include "harness.h"

static struct dkim_keystore *keys;

static void
setup(void)
{
	size_t len;
	char *kt = dkim_test_read("keytable.txt", &len);

	keys = dkim_keystore_new_table_text(kt, len);
	free(kt);
}

static void
teardown(void)
{
	dkim_keystore_free(&keys);
}

static const struct {
	const char *file;
	size_t count;
	const char *selectors[2];
} vectors[] = {
	{"rfc8463/signed-ed25519+rsa.eml", 2, {"brisbane", "test"}},
	{"rfc8463/signed-rsa.eml", 1, {"test", NULL}},
	{"third-party/exim-ed25519.eml", 1, {"sed", NULL}},
	{"third-party/gmail-2012-rsa.eml", 1, {"20120113", NULL}},
};

START_TEST(test_result_str)
{
	enum dkim_result r, back;

	for (r = DKIM_RESULT_NONE; r < DKIM_RESULT_COUNT; r++) {
		ck_assert(dkim_result_parse(dkim_result_str(r), &back));
		ck_assert_msg(back == r, "got %d, want %d", back, r);
	}
	ck_assert_str_eq(dkim_result_str(DKIM_RESULT_PERMERROR), "permerror");
	ck_assert_str_eq(dkim_result_str(DKIM_RESULT_POLICY), "policy");
	ck_assert(!dkim_result_parse("passed", &back));
}
END_TEST

START_TEST(test_vectors_pass)
{
	struct dkim_test_result res[4];
	size_t len, n, i, steps[] = {0, 1, 2, 13, 77, 500};
	char *msg = dkim_test_read(vectors[_i].file, &len);
	unsigned int s;

	for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		n = dkim_test_verify(keys, msg, len, steps[s], 0, 0, res, 4);
		ck_assert_msg(n == vectors[_i].count, "%s: got %zu results, want %zu",
			      vectors[_i].file, n, vectors[_i].count);
		for (i = 0; i < n; i++) {
			ck_assert_msg(res[i].result == DKIM_RESULT_PASS,
				      "%s step %zu sig %zu: got %s (%s), want pass",
				      vectors[_i].file, steps[s], i,
				      dkim_result_str(res[i].result), res[i].reason);
			ck_assert_str_eq(res[i].selector, vectors[_i].selectors[i]);
		}
	}
	free(msg);
}
END_TEST

/* Tampering: a body line added -> body hash; a header changed ->
 * signature. */
START_TEST(test_vectors_tampered)
{
	struct dkim_test_result res[4];
	size_t len, n, i;
	char *msg = dkim_test_read(vectors[_i].file, &len), *subj;
	struct buf b = BUF_INIT;

	buf_append(&b, msg, len);
	buf_append_str(&b, "tampered line\r\n");
	n = dkim_test_verify(keys, b.data, b.len, 0, 0, 0, res, 4);
	ck_assert_uint_eq(n, vectors[_i].count);
	for (i = 0; i < n; i++) {
		ck_assert_msg(res[i].result == DKIM_RESULT_FAIL, "got %s",
			      dkim_result_str(res[i].result));
		ck_assert_str_eq(res[i].reason, "body hash did not verify");
	}
	/* the first letter of the From address */
	buf_reset(&b);
	buf_append(&b, msg, len);
	subj = strstr(b.data, "\nFrom:");
	ck_assert_ptr_nonnull(subj);
	subj[8] = subj[8] == 'x' ? 'y' : 'x';
	n = dkim_test_verify(keys, b.data, b.len, 1, 0, 0, res, 4);
	ck_assert_uint_eq(n, vectors[_i].count);
	for (i = 0; i < n; i++) {
		ck_assert_msg(res[i].result == DKIM_RESULT_FAIL, "got %s",
			      dkim_result_str(res[i].result));
		ck_assert_str_eq(res[i].reason, "signature did not verify");
	}
	buf_free(&b);
	free(msg);
}
END_TEST

/* A message signed by a hand-written DKIM-Signature (tags below). */
#define SIG_BASE "v=1; a=ed25519-sha256; c=relaxed/relaxed; " \
		 "d=football.example.com; s=brisbane; h=from:to; "
#define BH_OK "bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=; "
#define B_OK "b=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static const struct {
	const char *sig;
	enum dkim_result result;
	const char *reason;
} sig_cases[] = {
	{"a=ed25519-sha256; d=x; s=y; h=from; " BH_OK B_OK,
	 DKIM_RESULT_PERMERROR, "missing required tag"},
	{"v=2; a=ed25519-sha256; d=x; s=y; h=from; " BH_OK B_OK,
	 DKIM_RESULT_PERMERROR, "unsupported version (v= must be 1)"},
	{"v=1; a=rsa-sha1; d=football.example.com; s=test; h=from; " BH_OK B_OK,
	 DKIM_RESULT_POLICY, "rsa-sha1 is not accepted (RFC 8301)"},
	{"v=1; a=dsa-sha256; d=x; s=y; h=from; " BH_OK B_OK,
	 DKIM_RESULT_PERMERROR, "unknown algorithm"},
	{SIG_BASE "v=1; " BH_OK B_OK, DKIM_RESULT_PERMERROR, "duplicate tag"},
	{"v=1; a=ed25519-sha256; d=x; s=y; h=to:subject; " BH_OK B_OK,
	 DKIM_RESULT_PERMERROR, "From field not signed"},
	{SIG_BASE "i=joe@example.com; " BH_OK B_OK, DKIM_RESULT_PERMERROR,
	 "i= domain is not d= or a subdomain of it"},
	{SIG_BASE "i=joe@xfootball.example.com; " BH_OK B_OK,
	 DKIM_RESULT_PERMERROR, "i= domain is not d= or a subdomain of it"},
	{SIG_BASE "t=2000; x=1000; " BH_OK B_OK, DKIM_RESULT_PERMERROR,
	 "x= is earlier than t="},
	{SIG_BASE "t=500; x=1000; " BH_OK B_OK, DKIM_RESULT_FAIL,
	 "signature expired"},
	{SIG_BASE BH_OK "b=AAAA*AAA", DKIM_RESULT_PERMERROR,
	 "b= is not valid base64"},
	{SIG_BASE BH_OK "b=AAAAA", DKIM_RESULT_PERMERROR,
	 "b= is not valid base64"},
	{SIG_BASE "bh=AAAA; " B_OK, DKIM_RESULT_PERMERROR,
	 "bh= has the wrong length"},
	{SIG_BASE "q=http/well-known; " BH_OK B_OK, DKIM_RESULT_PERMERROR,
	 "unsupported query method (q=)"},
	{SIG_BASE "l=999999999999999999999999999999; " BH_OK B_OK,
	 DKIM_RESULT_PERMERROR, "malformed or too large l="},
	{SIG_BASE "l=100000; " BH_OK B_OK, DKIM_RESULT_FAIL,
	 "body shorter than l="},
	{"v=1; a=ed25519-sha256; c=sloppy; d=football.example.com; s=brisbane; "
	 "h=from; " BH_OK B_OK, DKIM_RESULT_PERMERROR, "unknown canonicalization"},
	{"v=1; a=ed25519-sha256; d=example.org; s=nokey; h=from; " BH_OK B_OK,
	 DKIM_RESULT_PERMERROR, "no key for signature"},
	{"v=1; a=rsa-sha256; d=football.example.com; s=brisbane; h=from; "
	 BH_OK B_OK, DKIM_RESULT_PERMERROR, "key type does not match a="},
	/* simple body of the example matches bh=; the made-up b= does not */
	{"v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; "
	 BH_OK B_OK, DKIM_RESULT_FAIL, "signature did not verify"},
	{"v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; "
	 "bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=; " B_OK,
	 DKIM_RESULT_FAIL, "body hash did not verify"},
	{"v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; "
	 BH_OK "b=", DKIM_RESULT_PERMERROR, "b= is empty"},
	{"v=1; a=ed25519-sha256; =x", DKIM_RESULT_PERMERROR,
	 "tag name must start with a letter"},
};

static size_t
verify_with_sig(const char *sig, struct dkim_test_result *res, size_t max)
{
	size_t len, n;
	char *msg = dkim_test_read("rfc8463/unsigned.eml", &len);
	struct buf b = BUF_INIT;

	buf_printf(&b, "DKIM-Signature: %s\n", sig);
	buf_append(&b, msg, len);
	n = dkim_test_verify(keys, b.data, b.len, 0, 1700000000, 0, res, max);
	buf_free(&b);
	free(msg);
	return n;
}

START_TEST(test_signature_errors)
{
	struct dkim_test_result res[2];
	size_t n = verify_with_sig(sig_cases[_i].sig, res, 2);

	ck_assert_uint_eq(n, 1);
	ck_assert_msg(res[0].result == sig_cases[_i].result &&
			      strcmp(res[0].reason, sig_cases[_i].reason) == 0,
		      "%s: got %s (%s), want %s (%s)", sig_cases[_i].sig,
		      dkim_result_str(res[0].result), res[0].reason,
		      dkim_result_str(sig_cases[_i].result), sig_cases[_i].reason);
}
END_TEST

static const char ed_p[] = "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

START_TEST(test_key_records)
{
	static const struct {
		const char *prefix;
		const char *reason; /* NULL: parses */
	} cases[] = {
		{"v=DKIM1; k=ed25519; ", NULL},
		{"k=ed25519; h=sha1:sha256; s=email; t=y:s; ", NULL},
		{"v=DKIM2; k=ed25519; ", "key record v= is not DKIM1"},
		{"k=dsa; ", "unknown key type (k=)"},
		{"k=ed25519; h=sha1; ", "key h= does not allow sha256"},
		{"k=ed25519; s=im; ", "key not for email (s=)"},
		{"k=ed25519; k=rsa; ", "malformed key record"},
		{"k=rsa; ", "key p= is not a valid public key"},
	};
	char rec[256];
	const char *reason;
	struct dkim_key *k;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(rec, sizeof(rec), "%s%s", cases[i].prefix, ed_p);
		reason = NULL;
		(void)dkim_key_parse(rec, strlen(rec), &k, &reason);
		if (cases[i].reason == NULL) {
			ck_assert_msg(k != NULL, "%s: %s", rec, reason);
			ck_assert_int_eq(k->type, DKIM_KEY_ED25519);
			ck_assert_uint_eq(k->bits, 256);
		} else {
			ck_assert_msg(k == NULL && strcmp(reason, cases[i].reason) == 0,
				      "%s: got %s, want %s", rec,
				      k != NULL ? "a key" : reason, cases[i].reason);
		}
		dkim_key_unref(&k);
	}
	ck_assert_int_eq(dkim_key_parse("k=ed25519; h=sha1:sha256; s=email; "
					"t=y:s; p=", 44, &k, &reason), 0);
	ck_assert_ptr_nonnull(k);
	ck_assert(k->revoked && k->testing && k->strict);
	dkim_key_unref(&k);
	ck_assert_int_eq(dkim_key_parse("v=DKIM1; k=rsa", 14, &k, &reason), -1);
	ck_assert_ptr_null(k);
	ck_assert_str_eq(reason, "key record without p=");
	ck_assert_int_eq(dkim_key_parse("p=!!!!", 6, &k, &reason), -1);
	ck_assert_ptr_null(k);
	ck_assert_str_eq(reason, "key p= is not valid base64");
}
END_TEST

/* Key-table records replacing the real ones. */
static struct dkim_keystore *
table_with(const char *line)
{
	return dkim_keystore_new_table_text(line, strlen(line));
}

static char *
rsa_record(unsigned int bits)
{
	EVP_PKEY *pkey = EVP_RSA_gen(bits);
	unsigned char *der = NULL;
	char *out;
	int n;

	ck_assert_ptr_nonnull(pkey);
	n = i2d_PUBKEY(pkey, &der);
	ck_assert_int_gt(n, 0);
	out = malloc(BASE64_ENCODED_LEN((size_t)n) + 64);
	strcpy(out, "test._domainkey.football.example.com k=rsa; p=");
	base64_encode(der, (size_t)n, out + strlen(out));
	OPENSSL_free(der);
	EVP_PKEY_free(pkey);
	return out;
}

START_TEST(test_key_verdicts)
{
	struct dkim_test_result res[2];
	size_t len, n;
	char *msg = dkim_test_read("rfc8463/signed-rsa.eml", &len), *line;
	struct dkim_keystore *ks;

	ks = table_with("test._domainkey.football.example.com v=DKIM1; p=");
	n = dkim_test_verify(ks, msg, len, 0, 0, 0, res, 2);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(res[0].result, DKIM_RESULT_FAIL);
	ck_assert_str_eq(res[0].reason, "key revoked");
	dkim_keystore_free(&ks);

	line = rsa_record(512);
	ks = table_with(line);
	n = dkim_test_verify(ks, msg, len, 0, 0, 0, res, 2);
	ck_assert_int_eq(res[0].result, DKIM_RESULT_FAIL);
	ck_assert_str_eq(res[0].reason, "key too short");
	dkim_keystore_free(&ks);
	free(line);

	ks = table_with("test._domainkey.football.example.com v=DKIM1; p=AAAA");
	n = dkim_test_verify(ks, msg, len, 0, 0, 0, res, 2);
	ck_assert_int_eq(res[0].result, DKIM_RESULT_PERMERROR);
	ck_assert_str_eq(res[0].reason, "key p= is not a valid public key");
	dkim_keystore_free(&ks);
	free(msg);
}
END_TEST

/* t=y is reported; t=s with i= in a subdomain is an error. */
START_TEST(test_key_flags)
{
	struct dkim_test_result res[2];
	size_t len;
	char *msg = dkim_test_read("third-party/exim-ed25519.eml", &len);
	struct dkim_keystore *ks = table_with(
		"sed._domainkey.test.ex v=DKIM1; k=ed25519; t=y; "
		"p=sPs07Vu29FpHT/80UXUcYHFOHifD4o2ZlP2+XUh9g6E=");

	struct buf b = BUF_INIT;

	ck_assert_uint_eq(dkim_test_verify(ks, msg, len, 0, 0, 0, res, 2), 1);
	ck_assert_int_eq(res[0].result, DKIM_RESULT_PASS);
	ck_assert(res[0].testing);
	dkim_keystore_free(&ks);
	/* t=s: no i= means i=@d, fine; i= in a subdomain is not */
	ks = table_with("sed._domainkey.test.ex v=DKIM1; k=ed25519; t=s; "
			"p=sPs07Vu29FpHT/80UXUcYHFOHifD4o2ZlP2+XUh9g6E=");
	ck_assert_uint_eq(dkim_test_verify(ks, msg, len, 0, 0, 0, res, 2), 1);
	ck_assert_int_eq(res[0].result, DKIM_RESULT_PASS);
	ck_assert(!res[0].testing);
	buf_append_str(&b, "DKIM-Signature: v=1; a=ed25519-sha256; d=test.ex; "
			   "i=@sub.test.ex; s=sed; h=From; "
			   "bh=/Ab0giHZitYQbDhFszoqQRUkgqueaX9zatJttIU/plc=; b=AAAA\r\n");
	buf_append(&b, msg, len);
	ck_assert_uint_eq(dkim_test_verify(ks, b.data, b.len, 0, 0, 0, res, 2), 2);
	ck_assert_int_eq(res[0].result, DKIM_RESULT_PERMERROR);
	ck_assert_str_eq(res[0].reason, "key t=s: i= domain must equal d=");
	ck_assert_int_eq(res[1].result, DKIM_RESULT_PASS);
	buf_free(&b);
	dkim_keystore_free(&ks);
	free(msg);
}
END_TEST

/* More signatures than the cap: the rest are neutral and say so. */
START_TEST(test_too_many_signatures)
{
	struct dkim_test_result res[DKIM_VERIFY_MAX_REPORTED];
	size_t len, n, i, count = _i == 0 ? 10 : 40;
	char *msg = dkim_test_read("rfc8463/signed-ed25519+rsa.eml", &len);
	const char *second = strstr(msg, "\nDKIM-Signature:") + 1;
	struct buf b = BUF_INIT;

	for (i = 0; i < count; i++)
		buf_append(&b, msg, (size_t)(second - msg));
	buf_append(&b, second, len - (size_t)(second - msg));
	n = dkim_test_verify(keys, b.data, b.len, 0, 0, 0, res,
			     DKIM_VERIFY_MAX_REPORTED);
	ck_assert_uint_eq(n, count + 1 > DKIM_VERIFY_MAX_REPORTED ?
				     DKIM_VERIFY_MAX_REPORTED : count + 1);
	for (i = 0; i < n; i++) {
		enum dkim_result want = i < DKIM_VERIFY_DEFAULT_MAX_SIGNATURES ?
			DKIM_RESULT_PASS : DKIM_RESULT_NEUTRAL;

		ck_assert_msg(res[i].result == want, "sig %zu: got %s", i,
			      dkim_result_str(res[i].result));
		if (want == DKIM_RESULT_NEUTRAL)
			ck_assert_str_eq(res[i].reason,
					 "not evaluated: too many signatures");
	}
	buf_free(&b);
	free(msg);
}
END_TEST

START_TEST(test_multiple_from)
{
	struct dkim_test_result res[4];
	size_t len, n, i;
	char *msg = dkim_test_read("rfc8463/signed-ed25519+rsa.eml", &len);
	const char *from = strstr(msg, "\nFrom:") + 1;
	struct buf b = BUF_INIT;

	buf_append(&b, msg, (size_t)(from - msg));
	buf_append_str(&b, "From: attacker@evil.example\n");
	buf_append(&b, from, len - (size_t)(from - msg));
	n = dkim_test_verify(keys, b.data, b.len, 0, 0, 0, res, 4);
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(res[i].result, DKIM_RESULT_FAIL);
		ck_assert_str_eq(res[i].reason, "multiple From fields");
	}
	buf_free(&b);
	free(msg);
}
END_TEST

START_TEST(test_giant_header_and_junk)
{
	struct dkim_test_result res[4];
	size_t len, n;
	char *msg = dkim_test_read("rfc8463/signed-ed25519+rsa.eml", &len);
	struct buf b = BUF_INIT;
	size_t i;

	buf_append_str(&b, "X-Big: ");
	for (i = 0; i < 300000; i++)
		buf_append_str(&b, "xxxxxxx\r\n ");
	buf_append_str(&b, "end\r\n");
	buf_append(&b, msg, len);
	n = dkim_test_verify(keys, b.data, b.len, 65536, 0, 0, res, 4);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(res[0].result, DKIM_RESULT_PERMERROR);
	ck_assert_str_eq(res[0].reason, "header too large");
	/* a signature field too large to keep still gets a verdict */
	buf_reset(&b);
	buf_append_str(&b, "DKIM-Signature: v=1; z=");
	for (i = 0; i < 40000; i++)
		buf_append_str(&b, "xxxxxxx\r\n ");
	buf_append_str(&b, "x\r\n");
	buf_append(&b, msg, len);
	n = dkim_test_verify(keys, b.data, b.len, 4096, 0, 0, res, 4);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(res[2].result, DKIM_RESULT_PERMERROR);
	ck_assert_str_eq(res[2].reason, "signature field too large");
	/* probe 2026-12 (informational): more header fields than the
	   verifier keeps (1000 Received above the signatures) was reported
	   as "signature field too large"; the fields are short, their
	   number is the problem, and the reason says so */
	buf_reset(&b);
	for (i = 0; i < DKIM_VERIFY_MAX_FIELDS; i++)
		buf_append_str(&b, "Received: from a by b; "
				   "Sat, 28 Nov 2026 10:00:00 +0000\r\n");
	buf_append(&b, msg, len);
	n = dkim_test_verify(keys, b.data, b.len, 0, 0, 0, res, 4);
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(res[i].result, DKIM_RESULT_PERMERROR);
		harness_assert_str("1000 Received", res[i].reason,
				   "more than 1000 header fields");
	}
	/* no signature, empty message, header without end: dkim=none */
	ck_assert_uint_eq(dkim_test_verify(keys, "", 0, 0, 0, 0, res, 4), 0);
	ck_assert_uint_eq(dkim_test_verify(keys, "Subject: x", 10, 1, 0, 0,
					   res, 4), 0);
	/* a signature field that is only the name */
	ck_assert_uint_eq(dkim_test_verify(keys, "DKIM-Signature:\n\n", 17, 0,
					   0, 0, res, 4), 1);
	ck_assert_int_eq(res[0].result, DKIM_RESULT_PERMERROR);
	buf_free(&b);
	free(msg);
}
END_TEST

/* A cached Ed25519 key verifies with a copy of the context prepared when
 * its record was parsed (issue 20): verifications through one store -
 * a good signature, a forged one, a good one again - each get their own
 * verdict (RFC 8463 A.3 signatures; the forged one has its From changed,
 * so only the Ed25519/RSA check can fail it).  OpenSSL 3.2+ refuses a
 * second EVP_DigestVerify() on one context: reusing the prepared context
 * itself would fail the third. */
START_TEST(test_cached_key_reuse)
{
	struct dkim_test_result res[2];
	size_t len, n, round, i;
	char *msg = dkim_test_read("rfc8463/signed-ed25519+rsa.eml", &len);
	char *from;
	struct buf bad = BUF_INIT;

	buf_append(&bad, msg, len);
	from = strstr(bad.data, "\nFrom:");
	ck_assert_ptr_nonnull(from);
	from[8] = from[8] == 'x' ? 'y' : 'x';
	for (round = 0; round < 3; round++) {
		bool forged = round == 1;

		n = forged ? dkim_test_verify(keys, bad.data, bad.len, 0, 0, 0,
					      res, 2) :
			     dkim_test_verify(keys, msg, len, 0, 0, 0, res, 2);
		ck_assert_uint_eq(n, 2);
		for (i = 0; i < n; i++)
			ck_assert_msg(res[i].result == (forged ?
				DKIM_RESULT_FAIL : DKIM_RESULT_PASS),
				"round %zu sig %zu (%s): got %s (%s)", round, i,
				res[i].selector, dkim_result_str(res[i].result),
				res[i].reason != NULL ? res[i].reason : "");
	}
	buf_free(&bad);
	free(msg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkim_verify");
	TCase *tc = tcase_create("rfc6376-6");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_result_str);
	tcase_add_loop_test(tc, test_vectors_pass, 0,
			    sizeof(vectors) / sizeof(vectors[0]));
	tcase_add_loop_test(tc, test_vectors_tampered, 0,
			    sizeof(vectors) / sizeof(vectors[0]));
	tcase_add_loop_test(tc, test_signature_errors, 0,
			    sizeof(sig_cases) / sizeof(sig_cases[0]));
	tcase_add_test(tc, test_key_records);
	tcase_add_test(tc, test_key_verdicts);
	tcase_add_test(tc, test_key_flags);
	tcase_add_loop_test(tc, test_too_many_signatures, 0, 2);
	tcase_add_test(tc, test_multiple_from);
	tcase_add_test(tc, test_giant_header_and_junk);
	tcase_add_test(tc, test_cached_key_reuse);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
