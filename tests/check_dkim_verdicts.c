/*
 * check_dkim_verdicts.c - DKIM verdicts on hostile messages (issue 8):
 * d= / s= syntax (RFC 6376 3.5, 3.1) checked before any key lookup,
 * which signatures the cap of 8 spends itself on (aligned d= first),
 * l= shorter than the body (dkim=policy, RFC 8601 2.7.1), and a bare CR
 * or LF inside a header field that hides a From field (RFC 5322 2.2,
 * RFC 6376 8.15).
 *
 * Messages are the RFC 8463 A.1 example, signed here by lib/dkim-sign
 * with the RFC 8463 A.2 ed25519 key under the d= / s= each case needs
 * (the signer itself does not check names, so it can make the hostile
 * ones), or signed with l= by dkimpy (tests/fixtures/dkim-l, made by
 * make-fixtures.py there).  Keys come from a key table written below:
 * the same public key under every name a case uses.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-keystore.h"
#include "dkim/dkim-sign.h"
#include "dkim/dkim-verify.h"
#include "dkim-test.h"
#include "dns/dns.h"
#include "harness.h"
#include "msg/msg-header.h"

/* RFC 8463 A.2 public key */
#define ED_KEY "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

static const char *const key_names[] = {
	"brisbane._domainkey.football.example.com",
	"sel._domainkey.com",
	"sel._domainkey.legitimate.com(.attacker.com",
	"sel._domainkey.relay.example.net",
	"sel._domainkey.example.com",
	"sel._domainkey.xn--bcher-kva.example",
	"sel_1._domainkey.football.example.com",
	"a.b-c._domainkey.football.example.com",
	"sel._domainkey.-bad.example.com",
	"sel._domainkey.football.example.com.",
};

static struct dkim_keystore *keys;
static struct dkim_privkey *ed_key;

static void
setup(void)
{
	struct buf b = BUF_INIT;
	size_t i, len;
	char *seed = dkim_test_read("rfc8463/brisbane.ed25519.seed.b64", &len);
	const char *err = NULL;

	for (i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		buf_printf(&b, "%s %s\n", key_names[i], ED_KEY);
	keys = dkim_keystore_new_table_text(b.data, b.len);
	buf_free(&b);
	while (len > 0 && (seed[len - 1] == '\n' || seed[len - 1] == '\r'))
		len--;
	ck_assert_msg(dkim_privkey_from_text(seed, len, &ed_key, &err) == 0,
		      "%s", err);
	free(seed);
}

static void
teardown(void)
{
	dkim_keystore_free(&keys);
	dkim_privkey_free(&ed_key);
}

/* The DKIM-Signature field(s) for `msg` with these d= and s=. */
static void
sign_fields(const char *domain, const char *selector, const char *msg,
	    size_t len, struct buf *out)
{
	struct dkim_sign_settings set = {1700000000, false};
	struct dkim_sign_params p;
	struct dkim_sign *s;
	const char *err = NULL, *fields;
	size_t flen;

	memset(&p, 0, sizeof(p));
	p.domain = domain;
	p.selector = selector;
	p.key = ed_key;
	p.alg = DKIM_ALG_ED25519_SHA256;
	p.header_canon = p.body_canon = DKIM_CANON_RELAXED;
	s = dkim_sign_new(&set, &p, 1, NULL, &err);
	ck_assert_msg(s != NULL, "%s", err);
	dkim_sign_push(s, msg, len);
	ck_assert_msg(dkim_sign_end(s, &fields, &flen, &err) == 0, "%s", err);
	buf_append(out, fields, flen);
	dkim_sign_free(&s);
}

/* The RFC 8463 A.1 message with CRLF line ends. */
static char *
unsigned_msg(size_t *len_r)
{
	size_t len, i;
	char *raw = dkim_test_read("rfc8463/unsigned.eml", &len);
	struct buf b = BUF_INIT;

	for (i = 0; i < len; i++) {
		if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r'))
			buf_append_char(&b, '\r');
		buf_append_char(&b, raw[i]);
	}
	free(raw);
	return buf_steal(&b, len_r);
}

/* ---- d= and s= syntax ------------------------------------------------- */

/* RFC 6376 3.5:
 *   sig-d-tag   = %x64 [FWS] "=" [FWS] domain-name
 *   domain-name = sub-domain 1*("." sub-domain)
 *                 ; from [RFC5321] Domain, excluding address-literal
 * RFC 6376 3.1:  selector = sub-domain *( "." sub-domain )
 * RFC 5321 4.1.2: sub-domain = Let-dig [Ldh-str]
 *                 Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig
 * and 3.5 d=: "Internationalized domain names MUST be encoded as
 * A-labels".  A signature that breaks the syntax is PERMFAIL (6.1.1,
 * "signature syntax error"); every name below has a key in the table,
 * so the old verifier, which built "s._domainkey.d" by concatenation,
 * passed them. */
static const struct {
	const char *d, *s;
	enum dkim_result result;
} name_cases[] = {
	{ "football.example.com", "brisbane", DKIM_RESULT_PASS },
	{ "xn--bcher-kva.example", "sel", DKIM_RESULT_PASS },
	{ "football.example.com", "a.b-c", DKIM_RESULT_PASS },
	{ "example.com", "sel", DKIM_RESULT_PASS },
	/* one label: not 1*("." sub-domain) */
	{ "com", "sel", DKIM_RESULT_PERMERROR },
	/* the comment trick: "(" is no Ldh-str character */
	{ "legitimate.com(.attacker.com", "sel", DKIM_RESULT_PERMERROR },
	/* "_" is not in a sub-domain either */
	{ "football.example.com", "sel_1", DKIM_RESULT_PERMERROR },
	/* Let-dig first */
	{ "-bad.example.com", "sel", DKIM_RESULT_PERMERROR },
	/* no trailing dot in the ABNF (an empty last sub-domain) */
	{ "football.example.com.", "sel", DKIM_RESULT_PERMERROR },
};

START_TEST(test_names)
{
	struct dkim_test_result res[2];
	struct buf b = BUF_INIT;
	size_t len, n;
	char *msg = unsigned_msg(&len);

	sign_fields(name_cases[_i].d, name_cases[_i].s, msg, len, &b);
	buf_append(&b, msg, len);
	n = dkim_test_verify(keys, b.data, b.len, 0, 1700000100, 0, res, 2);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(res[0].result == name_cases[_i].result,
		      "d=%s s=%s: got %s (%s), want %s", name_cases[_i].d,
		      name_cases[_i].s, dkim_result_str(res[0].result),
		      res[0].reason, dkim_result_str(name_cases[_i].result));
	if (res[0].result == DKIM_RESULT_PERMERROR)
		ck_assert_msg(strstr(res[0].reason, "RFC 6376 3.") != NULL,
			      "reason: %s", res[0].reason);
	buf_free(&b);
	free(msg);
}
END_TEST

/* "with no DNS query made": through a resolver whose only server never
 * answers, a name that would be queried ends in temperror (RFC 6376
 * 6.1.2: a key query that times out); a bad d= must be permerror at
 * once. */
START_TEST(test_names_no_query)
{
	struct harness_silent_dns sd;
	struct dns_settings ds;
	struct dns_resolver *r = NULL;
	struct dkim_keystore *ks;
	struct dkim_verify_settings set;
	struct dkim_verify *v;
	const struct dkim_verify_result *vr;
	struct buf b = BUF_INIT;
	const char *err = NULL;
	size_t len, n;
	char *msg = unsigned_msg(&len);

	harness_silent_dns_start(&sd, "dkim-names");
	memset(&ds, 0, sizeof(ds));
	ds.resolver_config = sd.conf;
	ds.timeout_ms = 300;
	ck_assert_msg(dns_resolver_new(&ds, NULL, NULL, &r, &err) == 0, "%s",
		      err);
	ks = dkim_keystore_new_dns(r, NULL);
	sign_fields("legitimate.com(.attacker.com", "sel", msg, len, &b);
	sign_fields("com", "sel", msg, len, &b);
	sign_fields("football.example.com", "brisbane", msg, len, &b);
	buf_append(&b, msg, len);
	memset(&set, 0, sizeof(set));
	set.now = 1700000100;
	v = dkim_verify_new(&set, ks, NULL);
	dkim_verify_push(v, b.data, b.len);
	dkim_verify_end(v);
	(void)dns_resolver_run(r);
	ck_assert(dkim_verify_done(v));
	vr = dkim_verify_results(v, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_msg(vr[0].result == DKIM_RESULT_PERMERROR &&
			      vr[1].result == DKIM_RESULT_PERMERROR,
		      "got %s / %s", dkim_result_str(vr[0].result),
		      dkim_result_str(vr[1].result));
	/* the control: a valid name is looked up, and times out */
	ck_assert_msg(vr[2].result == DKIM_RESULT_TEMPERROR, "got %s",
		      dkim_result_str(vr[2].result));
	dkim_verify_free(&v);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	harness_silent_dns_stop(&sd);
	buf_free(&b);
	free(msg);
}
END_TEST

/* ---- which signatures the cap covers ---------------------------------- */

/* RFC 6376 6.1 leaves the order in which signatures are verified to the
 * verifier; with the default cap of 8 (DKIM_VERIFY_DEFAULT_MAX_
 * SIGNATURES), eight valid signatures of a relay (d=relay.example.net)
 * added above the author's (d= the From domain, football.example.com)
 * must not make the author's "not evaluated": it is verified first.
 * _i = 1: the author's signature uses the parent domain example.com
 * (relaxed alignment, RFC 9989 4.4). */
START_TEST(test_cap_aligned_first)
{
	struct dkim_test_result res[16];
	struct buf b = BUF_INIT, author = BUF_INIT;
	size_t len, n, i, neutral = 0;
	char *msg = unsigned_msg(&len);

	for (i = 0; i < 8; i++)
		sign_fields("relay.example.net", "sel", msg, len, &b);
	if (_i == 0)
		sign_fields("football.example.com", "brisbane", msg, len,
			    &author);
	else
		sign_fields("example.com", "sel", msg, len, &author);
	buf_append(&b, author.data, author.len);
	buf_append(&b, msg, len);
	n = dkim_test_verify(keys, b.data, b.len, 0, 1700000100, 0, res, 16);
	ck_assert_uint_eq(n, 9);
	ck_assert_msg(res[8].result == DKIM_RESULT_PASS,
		      "author's signature: got %s (%s), want pass",
		      dkim_result_str(res[8].result), res[8].reason);
	for (i = 0; i < 8; i++) {
		if (res[i].result == DKIM_RESULT_NEUTRAL)
			neutral++;
		else
			ck_assert_int_eq(res[i].result, DKIM_RESULT_PASS);
	}
	/* still 8 evaluated: the last relay signature is the one left */
	ck_assert_uint_eq(neutral, 1);
	ck_assert_int_eq(res[7].result, DKIM_RESULT_NEUTRAL);
	buf_free(&author);
	buf_free(&b);
	free(msg);
}
END_TEST

/* The same order when the caller hands the Author Domain it found
 * (dkim_verify_author_domain(), lib/msgauth: the From field is parsed
 * once per message, not again by the verifier): _i = 0, the From
 * domain: the author's signature is verified first and passes, the last
 * relay one is left out; _i = 1, no Author Domain (NULL: the caller found
 * none): the verifier does not look for one itself, so the top eight
 * (relay) are verified and the author's is "not evaluated". */
START_TEST(test_author_given)
{
	struct dkim_verify_settings set = {0, 1700000100, NULL, NULL, false};
	struct msg_header_from from = {0, false};
	const struct dkim_verify_result *r;
	struct msg_header_parser *p = msg_header_parser_new(0);
	struct msg_header_field f;
	enum msg_header_event ev;
	struct dkim_verify *v = dkim_verify_new(&set, keys, NULL);
	struct buf b = BUF_INIT;
	size_t len, n, i;
	char *msg = unsigned_msg(&len);

	for (i = 0; i < 9; i++)
		sign_fields(i < 8 ? "relay.example.net" :
				    "football.example.com",
			    i < 8 ? "sel" : "brisbane", msg, len, &b);
	buf_append(&b, msg, len);
	msg_header_push(p, b.data, b.len);
	msg_header_push_eof(p);
	while ((ev = msg_header_next(p, &f)) != MSG_HEADER_EOF) {
		if (ev == MSG_HEADER_FIELD) {
			msg_header_from_note(&from, &f);
			dkim_verify_field(v, &f);
		} else if (ev == MSG_HEADER_END) {
			dkim_verify_author_domain(v, _i == 0 ?
						  "football.example.com" :
						  NULL);
			dkim_verify_header_end(v, &from);
		} else if (ev == MSG_HEADER_BODY) {
			dkim_verify_body(v, f.raw, f.raw_len);
		}
	}
	dkim_verify_end(v);
	ck_assert(dkim_verify_done(v));
	r = dkim_verify_results(v, &n);
	ck_assert_uint_eq(n, 9);
	for (i = 0; i < n; i++) {
		bool left_out = _i == 0 ? i == 7 : i == 8;

		ck_assert_msg(r[i].result == (left_out ? DKIM_RESULT_NEUTRAL :
							  DKIM_RESULT_PASS),
			      "case %d sig %zu: got %s (%s)", _i, i,
			      dkim_result_str(r[i].result),
			      r[i].reason != NULL ? r[i].reason : "");
	}
	dkim_verify_free(&v);
	msg_header_parser_free(&p);
	buf_free(&b);
	free(msg);
}
END_TEST

/* probe 2026-12 "eight junk signatures still hide the real one": junk
 * signatures aligned with the From domain (d=football.example.com) that
 * fail without a signature check - no key (RFC 6376 6.1.2: NXDOMAIN is
 * PERMFAIL "no key for signature"), a key record that does not parse
 * (3.6.1: PERMFAIL), a revoked key (empty p=, 3.6.1), and signature
 * syntax errors (6.1.1) - above the author's valid signature.  With the
 * old cap (max_signatures counted every signature that got a key lookup)
 * eight of them made the valid one neutral "not evaluated" and DMARC
 * failed; now only cryptographic verifications count, so the valid one
 * is verified after 8 (_i = 0) or 20 (_i = 1) of them. */
static struct dkim_keystore *
junk_keys(void)
{
	struct buf b = BUF_INIT;
	struct dkim_keystore *ks;

	buf_printf(&b, "brisbane._domainkey.football.example.com %s\n",
		   ED_KEY);
	buf_append_str(&b, "malformed._domainkey.football.example.com "
			   "v=DKIM1; k=ed25519; p=!!!\n");
	buf_append_str(&b, "revoked._domainkey.football.example.com "
			   "v=DKIM1; k=ed25519; p=\n");
	ks = dkim_keystore_new_table_text(b.data, b.len);
	buf_free(&b);
	return ks;
}

START_TEST(test_junk_before_valid)
{
	static const char *const junk_selectors[] = {"nokey", "malformed",
						     "revoked"};
	size_t njunk = _i == 0 ? 8 : 20;
	struct dkim_test_result res[DKIM_VERIFY_MAX_REPORTED];
	struct dkim_keystore *ks = junk_keys();
	struct buf b = BUF_INIT;
	size_t len, n, i;
	char *msg = unsigned_msg(&len);

	for (i = 0; i < njunk; i++)
		sign_fields("football.example.com", junk_selectors[i % 3], msg,
			    len, &b);
	/* two that do not parse (no b=, no h=) */
	buf_append_str(&b, "DKIM-Signature: v=1; a=ed25519-sha256; "
			   "d=football.example.com; s=brisbane\r\n");
	buf_append_str(&b, "DKIM-Signature: v=1; a=ed25519-sha256; "
			   "d=football.example.com; s=brisbane; h=from; "
			   "bh=x\r\n");
	sign_fields("football.example.com", "brisbane", msg, len, &b);
	buf_append(&b, msg, len);
	n = dkim_test_verify(ks, b.data, b.len, 0, 1700000100, 0, res,
			     DKIM_VERIFY_MAX_REPORTED);
	ck_assert_uint_eq(n, njunk + 3);
	ck_assert_msg(res[n - 1].result == DKIM_RESULT_PASS,
		      "valid signature after %zu junk ones: got %s (%s), "
		      "want pass", njunk, dkim_result_str(res[n - 1].result),
		      res[n - 1].reason);
	for (i = 0; i < n - 1; i++)
		ck_assert_msg(res[i].result == (i < njunk && i % 3 == 2 ?
						DKIM_RESULT_FAIL :
						DKIM_RESULT_PERMERROR),
			      "junk %zu: got %s (%s)", i,
			      dkim_result_str(res[i].result), res[i].reason);
	buf_free(&b);
	dkim_keystore_free(&ks);
	free(msg);
}
END_TEST

/* The cap still bounds the cryptographic work: eight aligned signatures
 * with a real key and the right body hash whose b= does not verify
 * (6.1.3 PERMFAIL "signature did not verify") do use it up, so a ninth
 * is neutral; and of 1000 junk signatures at most
 * DKIM_VERIFY_MAX_REPORTED are looked at, each with at most one key
 * lookup (the rest are counted, not reported). */
START_TEST(test_cap_counts_verifications)
{
	struct dkim_test_result res[DKIM_VERIFY_MAX_REPORTED];
	struct buf b = BUF_INIT, sig = BUF_INIT;
	size_t len, n, i;
	char *msg = unsigned_msg(&len), *bval;

	sign_fields("football.example.com", "brisbane", msg, len, &sig);
	bval = strstr(sig.data, "; b=") + 4;
	*bval = *bval == 'A' ? 'B' : 'A';
	for (i = 0; i < 8; i++)
		buf_append(&b, sig.data, sig.len);
	sign_fields("football.example.com", "brisbane", msg, len, &b);
	buf_append(&b, msg, len);
	n = dkim_test_verify(keys, b.data, b.len, 0, 1700000100, 0, res,
			     DKIM_VERIFY_MAX_REPORTED);
	ck_assert_uint_eq(n, 9);
	for (i = 0; i < 8; i++)
		harness_assert_str("bad b=", res[i].reason,
				   "signature did not verify");
	ck_assert_int_eq(res[8].result, DKIM_RESULT_NEUTRAL);
	harness_assert_str("ninth", res[8].reason, DKIM_VERIFY_NOT_EVALUATED);

	buf_reset(&b);
	for (i = 0; i < 1000; i++)
		sign_fields("football.example.com", "nokey", msg, len, &b);
	buf_append(&b, msg, len);
	n = dkim_test_verify(keys, b.data, b.len, 0, 1700000100, 0, res,
			     DKIM_VERIFY_MAX_REPORTED);
	ck_assert_uint_eq(n, DKIM_VERIFY_MAX_REPORTED);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(res[i].result, DKIM_RESULT_PERMERROR);
	buf_free(&sig);
	buf_free(&b);
	free(msg);
}
END_TEST

/* ---- l= --------------------------------------------------------------- */

static char *
fixture(const char *name, size_t *len_r)
{
	char path[1024];
	FILE *fp;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/fixtures/dkim-l/%s",
		 harness_srcdir(), name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&b, chunk, n);
	fclose(fp);
	return buf_steal(&b, len_r);
}

static enum dkim_result
verify_partial(const char *msg, size_t len, bool accept, char *reason,
	       size_t reason_size)
{
	struct dkim_verify_settings set;
	struct dkim_verify *v;
	const struct dkim_verify_result *r;
	enum dkim_result result;
	size_t n;

	memset(&set, 0, sizeof(set));
	set.accept_partial_body = accept;
	v = dkim_verify_new(&set, keys, NULL);
	dkim_verify_push(v, msg, len);
	dkim_verify_end(v);
	ck_assert(dkim_verify_done(v));
	r = dkim_verify_results(v, &n);
	ck_assert_uint_eq(n, 1);
	result = r[0].result;
	snprintf(reason, reason_size, "%s",
		 r[0].reason != NULL ? r[0].reason : "");
	dkim_verify_free(&v);
	return result;
}

/* RFC 6376 8.2: with l=, content appended after signing is not covered
 * by the signature; RFC 8601 2.7.1 "policy": the message was signed but
 * some aspect of the signature was not acceptable to the ADMD.  dkimpy
 * signed both fixtures with l=54 and verifies both (it honours l=); its
 * relaxed canonicalization of the appended body has 156 octets
 * (make-fixtures.py).  l= equal to the body length signs all of it. */
START_TEST(test_partial_body)
{
	char reason[128];
	size_t len;
	char *msg = fixture("l-exact.eml", &len);

	ck_assert_int_eq(verify_partial(msg, len, false, reason,
					sizeof(reason)), DKIM_RESULT_PASS);
	free(msg);
	msg = fixture("l-appended.eml", &len);
	ck_assert_msg(verify_partial(msg, len, false, reason,
				     sizeof(reason)) == DKIM_RESULT_POLICY,
		      "appended after l=: got %s", reason);
	ck_assert_str_eq(reason, "l= signs only 54 of 156 body octets");
	/* the setting for sites that accept l= */
	ck_assert_int_eq(verify_partial(msg, len, true, reason,
					sizeof(reason)), DKIM_RESULT_PASS);
	free(msg);
}
END_TEST

/* ---- bare CR / LF hiding a From field --------------------------------- */

/* RFC 5322 2.2: "A field body MUST NOT include CR and LF except when
 * used in "folding" and "unfolding""; a mail reader that ends lines at a
 * bare CR shows "From: Mallory" as the author.  RFC 6376 8.15 and RFC
 * 9989 5.3.1 treat several From fields as hostile: every signature
 * fails, with a reason that says why. */
static const struct {
	const char *field; /* inserted above the signed message */
	enum dkim_result result;
	const char *reason;
} hidden_cases[] = {
	{ "X-Note: hi\rFrom: Mallory <m@evil.example>\r\n", DKIM_RESULT_FAIL,
	  "multiple From fields: " MSG_HEADER_HIDDEN_FROM_REASON },
	{ "X-Note: hi\rfrom : Mallory <m@evil.example>\r\n", DKIM_RESULT_FAIL,
	  "multiple From fields: " MSG_HEADER_HIDDEN_FROM_REASON },
	/* a bare LF ends the line (msg-header.h): a second From field */
	{ "X-Note: hi\nFrom: Mallory <m@evil.example>\r\n", DKIM_RESULT_FAIL,
	  "multiple From fields" },
	/* bare CR not followed by something read as From: not hostile */
	{ "X-Note: hi\rthere\r\n", DKIM_RESULT_PASS, "" },
	{ "X-Note: hi\r From: folded\r\n", DKIM_RESULT_PASS, "" },
};

START_TEST(test_hidden_from)
{
	struct dkim_test_result res[2];
	struct buf b = BUF_INIT;
	size_t len, n;
	char *msg = unsigned_msg(&len);

	sign_fields("football.example.com", "brisbane", msg, len, &b);
	buf_append_str(&b, hidden_cases[_i].field);
	buf_append(&b, msg, len);
	n = dkim_test_verify(keys, b.data, b.len, 0, 1700000100, 0, res, 2);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(res[0].result == hidden_cases[_i].result &&
			      strcmp(res[0].reason,
				     hidden_cases[_i].reason) == 0,
		      "case %d: got %s (%s), want %s (%s)", _i,
		      dkim_result_str(res[0].result), res[0].reason,
		      dkim_result_str(hidden_cases[_i].result),
		      hidden_cases[_i].reason);
	/* and the same fed one byte at a time */
	n = dkim_test_verify(keys, b.data, b.len, 1, 1700000100, 0, res, 2);
	ck_assert_int_eq(res[0].result, hidden_cases[_i].result);
	buf_free(&b);
	free(msg);
}
END_TEST

static const struct {
	const char *raw;
	bool hides;
} hides_cases[] = {
	{ "Subject: hi\rFrom: Mallory <m@evil.example>", true },
	{ "Subject: hi\rFROM\t: x", true },
	{ "Subject: hi\r\n From: folded, not hidden", false },
	{ "Subject: hi\rFromage: cheese", false },
	{ "Subject: hi\r", false },
	{ "From: alice@example.com", false },
	{ "Subject: a\r\rFrom: x", true },
};

START_TEST(test_hides_from)
{
	const char *raw = hides_cases[_i].raw;

	ck_assert_msg(msg_header_hides_from(raw, strlen(raw)) ==
			      hides_cases[_i].hides,
		      "case %d: want %d", _i, hides_cases[_i].hides);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkim_verdicts");
	TCase *tc = tcase_create("hostile");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_names, 0,
			    sizeof(name_cases) / sizeof(name_cases[0]));
	tcase_add_test(tc, test_names_no_query);
	tcase_add_loop_test(tc, test_cap_aligned_first, 0, 2);
	tcase_add_loop_test(tc, test_author_given, 0, 2);
	tcase_add_loop_test(tc, test_junk_before_valid, 0, 2);
	tcase_add_test(tc, test_cap_counts_verifications);
	tcase_add_test(tc, test_partial_body);
	tcase_add_loop_test(tc, test_hidden_from, 0,
			    sizeof(hidden_cases) / sizeof(hidden_cases[0]));
	tcase_add_loop_test(tc, test_hides_from, 0,
			    sizeof(hides_cases) / sizeof(hides_cases[0]));
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
