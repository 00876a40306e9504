/*
 * check_authres_parse.c - the Authentication-Results reader against the
 * examples of RFC 8601 appendix B (B.2 - B.7, including the
 * comment-heavy B.7), the Received-SPF reader against RFC 7208 section
 * 9.1's examples, and the trusted-SPF / forged-field policy: our SPF
 * result is taken only from the topmost A-R field and only when it
 * carries our authserv-id (RFC 8601 section 5); other fields claiming it
 * are reported for removal.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "msg/authres-parse.h"
#include "msg/received-spf-parse.h"
#include "msgauth/authres-trust.h"
#include "harness.h"

struct want_result {
	const char *method, *version, *result, *reason;
	const char *ptype, *property, *value; /* one property to check */
};

struct ar_case {
	const char *value;
	const char *authserv_id, *version;
	bool none;
	size_t nresults;
	struct want_result r[2];
};

static const struct ar_case ar_cases[] = {
	/* B.2 */
	{ "example.org 1; none", "example.org", "1", true, 0, { { 0 } } },
	/* B.3 */
	{ "example.com;\r\n          spf=pass smtp.mailfrom=example.net",
	  "example.com", NULL, false, 1,
	  { { "spf", NULL, "pass", NULL, "smtp", "mailfrom",
	      "example.net" } } },
	/* B.4 */
	{ "example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
	  "          spf=pass smtp.mailfrom=example.net",
	  "example.com", NULL, false, 2,
	  { { "auth", NULL, "pass", NULL, "smtp", "auth",
	      "sender@example.net" },
	    { "spf", NULL, "pass", NULL, "smtp", "mailfrom",
	      "example.net" } } },
	{ "example.com; iprev=pass\r\n          policy.iprev=192.0.2.200",
	  "example.com", NULL, false, 1,
	  { { "iprev", NULL, "pass", NULL, "policy", "iprev",
	      "192.0.2.200" } } },
	/* B.5 */
	{ "example.com;\r\n          dkim=pass (good signature) header.d=example.com",
	  "example.com", NULL, false, 1,
	  { { "dkim", NULL, "pass", NULL, "header", "d", "example.com" } } },
	{ "example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.com;\r\n"
	  "          spf=fail smtp.mailfrom=example.com",
	  "example.com", NULL, false, 2,
	  { { "auth", NULL, "pass", NULL, "smtp", "auth",
	      "sender@example.com" },
	    { "spf", NULL, "fail", NULL, "smtp", "mailfrom",
	      "example.com" } } },
	/* B.6 */
	{ "example.com;\r\n      dkim=pass reason=\"good signature\"\r\n"
	  "        header.i=@mail-router.example.net;\r\n"
	  "      dkim=fail reason=\"bad signature\"\r\n"
	  "        header.i=@newyork.example.com",
	  "example.com", NULL, false, 2,
	  { { "dkim", NULL, "pass", "good signature", "header", "i",
	      "@mail-router.example.net" },
	    { "dkim", NULL, "fail", "bad signature", "header", "i",
	      "@newyork.example.com" } } },
	{ "example.net;\r\n      dkim=pass (good signature) header.i=@newyork.example.com",
	  "example.net", NULL, false, 1,
	  { { "dkim", NULL, "pass", NULL, "header", "i",
	      "@newyork.example.com" } } },
	/* B.7 comment-heavy */
	{ "foo.example.net (foobar) 1 (baz);\r\n"
	  "    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n"
	  "      policy (A dot can go here) . (like that) expired\r\n"
	  "      (this surprised me) = (as I wasn't expecting it) 1362471462",
	  "foo.example.net", "1", false, 1,
	  { { "dkim", "1", "fail", NULL, "policy", "expired",
	      "1362471462" } } },
	/* OpenDMARC's form, and a quoted authserv-id */
	{ "mx.example.org; dmarc=pass (p=reject dis=none) header.from=example.com",
	  "mx.example.org", NULL, false, 1,
	  { { "dmarc", NULL, "pass", NULL, "header", "from",
	      "example.com" } } },
	{ "\"mx.example.org\"; DKIM=Pass header.b=\"gfT/i2HB\"",
	  "mx.example.org", NULL, false, 1,
	  { { "dkim", NULL, "pass", NULL, "header", "b", "gfT/i2HB" } } },
};

START_TEST(test_ar)
{
	const struct ar_case *c = &ar_cases[_i];
	struct arena *a = arena_new(0);
	struct authres_parsed *ar;
	const char *err = NULL;
	size_t i;

	ck_assert_msg(authres_parse(c->value, strlen(c->value), a, &ar,
				    &err) == 0, "%s: %s", c->value, err);
	harness_assert_str("authserv-id", ar->authserv_id, c->authserv_id);
	harness_assert_str("version", ar->version, c->version);
	ck_assert_int_eq(ar->none, c->none);
	ck_assert_msg(ar->nresults == c->nresults, "got %zu results, want %zu",
		      ar->nresults, c->nresults);
	for (i = 0; i < c->nresults; i++) {
		const struct authres_parsed_result *r = &ar->results[i];

		harness_assert_str("method", r->method, c->r[i].method);
		harness_assert_str("method version", r->method_version, c->r[i].version);
		harness_assert_str("result", r->result, c->r[i].result);
		harness_assert_str("reason", r->reason, c->r[i].reason);
		harness_assert_str("property", authres_parsed_prop(r, c->r[i].ptype,
						   c->r[i].property),
		   c->r[i].value);
	}
	arena_free(&a);
}
END_TEST

static const char *const bad_ar[] = {
	"",
	"example.com",		       /* no result, no none */
	"example.com; spf",	       /* no '=' */
	"example.com; spf=pass smtp",  /* property without '.' */
	"example.com; spf=pass (open", /* comment */
	"example.com spf=pass",	       /* no ';' */
};

START_TEST(test_ar_bad)
{
	struct arena *a = arena_new(0);
	struct authres_parsed *ar;
	const char *err = NULL;

	ck_assert_msg(authres_parse(bad_ar[_i], strlen(bad_ar[_i]), a, &ar,
				    &err) < 0, "%s: parsed", bad_ar[_i]);
	ck_assert_ptr_nonnull(err);
	arena_free(&a);
}
END_TEST

/* RFC 7208 9.1 examples */
START_TEST(test_received_spf)
{
	static const char ex1[] =
		"pass (mybox.example.org: domain of\r\n"
		" myname@example.com designates 192.0.2.1 as permitted sender)\r\n"
		"    receiver=mybox.example.org; client-ip=192.0.2.1;\r\n"
		"    envelope-from=\"myname@example.com\"; helo=foo.example.com;";
	static const char ex2[] =
		"fail (mybox.example.org: domain of\r\n"
		"               myname@example.com does not designate\r\n"
		"               192.0.2.1 as permitted sender)\r\n"
		"               identity=mailfrom; client-ip=192.0.2.1;\r\n"
		"               envelope-from=\"myname@example.com\";";
	struct arena *a = arena_new(0);
	struct received_spf *spf;
	const char *err = NULL;

	ck_assert_msg(received_spf_parse(ex1, strlen(ex1), a, &spf, &err) == 0,
		      "%s", err);
	harness_assert_str("result", spf->result, "pass");
	ck_assert_ptr_nonnull(strstr(spf->comment, "designates 192.0.2.1"));
	harness_assert_str("receiver", received_spf_get(spf, "receiver"), "mybox.example.org");
	harness_assert_str("client-ip", received_spf_get(spf, "client-ip"), "192.0.2.1");
	harness_assert_str("envelope-from", received_spf_get(spf, "envelope-from"),
	   "myname@example.com");
	harness_assert_str("helo", received_spf_get(spf, "helo"), "foo.example.com");
	ck_assert_msg(received_spf_parse(ex2, strlen(ex2), a, &spf, &err) == 0,
		      "%s", err);
	harness_assert_str("result", spf->result, "fail");
	harness_assert_str("identity", received_spf_get(spf, "identity"), "mailfrom");
	ck_assert_uint_eq(spf->npairs, 3);
	ck_assert_int_lt(received_spf_parse("", 0, a, &spf, &err), 0);
	ck_assert_int_lt(received_spf_parse("pass (x", 7, a, &spf, &err), 0);
	arena_free(&a);
}
END_TEST

#define F(n, v) { n, v, sizeof(v) - 1 }

START_TEST(test_trusted_spf)
{
	/* ours on top, a forged one below pretending to be ours, a foreign
	   one (left alone) */
	static const struct authres_field msg1[] = {
		F("Authentication-Results",
		  "mx.example.org; spf=pass smtp.mailfrom=bounce@Example.COM smtp.helo=out.example.com"),
		F("Received", "from out.example.com by mx.example.org"),
		F("authentication-results",
		  "MX.Example.Org; spf=pass smtp.mailfrom=evil.example"),
		F("Authentication-Results",
		  "other.example; spf=fail smtp.mailfrom=x.example"),
		F("From", "a@example.com"),
	};
	/* topmost A-R is someone else's: nothing trusted, ours below is
	   forged */
	static const struct authres_field msg2[] = {
		F("Authentication-Results",
		  "other.example; spf=pass smtp.mailfrom=x.example"),
		F("Authentication-Results",
		  "mx.example.org; spf=pass smtp.mailfrom=evil.example"),
	};
	/* Received-SPF written by us (receiver=ours), a forged one */
	static const struct authres_field msg3[] = {
		F("Received-SPF",
		  "Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.1; "
		  "helo=out.example.com; envelope-from=b@example.com; "
		  "receiver=mx.example.org"),
		F("Received-SPF",
		  "pass receiver=mx.example.org; envelope-from=z@evil.example"),
		F("Received-SPF", "pass receiver=relay.example.net"),
	};
	/* an unparseable field with our authserv-id on top: not trusted,
	   removed */
	static const struct authres_field msg4[] = {
		F("Authentication-Results", "mx.example.org; spf=pass (broken"),
	};
	/* our authserv-id on top without spf=: nothing spf-policyd wrote
	   (it always writes spf=), so not trusted and removed (RFC 8601 5) */
	static const struct authres_field msg5[] = {
		F("Authentication-Results",
		  "mx.example.org; dkim=pass header.d=evil.example"),
		F("Authentication-Results", "other.example; dkim=pass"),
	};
	struct arena *a = arena_new(0);
	struct authres_trusted_spf t;

	authres_trusted_spf(msg5, 2, "mx.example.org", a, &t);
	ck_assert(!t.found);
	ck_assert_uint_eq(t.nforged, 1);
	ck_assert_uint_eq(t.forged[0], 0);

	authres_trusted_spf(msg1, 5, "mx.example.org", a, &t);
	ck_assert(t.found);
	harness_assert_str("result", t.result, "pass");
	harness_assert_str("mailfrom domain", t.mailfrom_domain, "Example.COM");
	harness_assert_str("helo", t.helo, "out.example.com");
	ck_assert_uint_eq(t.trusted_index, 0);
	ck_assert_uint_eq(t.nforged, 1);
	ck_assert_uint_eq(t.forged[0], 2);

	authres_trusted_spf(msg2, 2, "mx.example.org", a, &t);
	ck_assert(!t.found);
	ck_assert_uint_eq(t.nforged, 1);
	ck_assert_uint_eq(t.forged[0], 1);

	authres_trusted_spf(msg3, 3, "mx.example.org", a, &t);
	ck_assert(t.found);
	harness_assert_str("result", t.result, "pass");
	harness_assert_str("mailfrom domain", t.mailfrom_domain, "example.com");
	harness_assert_str("helo", t.helo, "out.example.com");
	ck_assert_uint_eq(t.nforged, 1);
	ck_assert_uint_eq(t.forged[0], 1);

	authres_trusted_spf(msg4, 1, "mx.example.org", a, &t);
	ck_assert(!t.found);
	ck_assert_uint_eq(t.nforged, 1);
	arena_free(&a);
}
END_TEST

/* RFC 8601 section 5: "An MTA ... MUST remove any instances of [the]
 * header field ... that claim to have been added within its trust
 * boundary and that did not come from another trusted ADMD."  Within our
 * boundary only smtpd's policy PREPEND adds our field, and it stands
 * above the Received field smtpd itself adds (RFC 5321 4.4: each hop
 * prepends its Received); what the client sent is below that.  So a
 * field of ours below the first Received field is forged even when
 * nothing of ours is above it (a SASL client, a submission port without
 * the policy check). */
START_TEST(test_trusted_spf_received)
{
	/* submission / SASL: nothing of ours, the client forged spf=pass */
	static const struct authres_field forged_only[] = {
		F("Received", "from client.example (client [192.0.2.9])\n\tby "
			      "mx.example.org (Postfix) with ESMTPSA id 1"),
		F("Authentication-Results",
		  "mx.example.org; spf=pass smtp.mailfrom=bank.example"),
		F("From", "ceo@bank.example"),
	};
	/* ours above smtpd's Received, a forgery below it */
	static const struct authres_field ours_and_forged[] = {
		F("Authentication-Results",
		  "mx.example.org; spf=none reason=\"not checked: Whitelist\" "
		  "smtp.mailfrom=bank.example"),
		F("Received", "from client.example (client [192.0.2.9])\n\tby "
			      "mx.example.org (Postfix) with ESMTP id 2"),
		F("Authentication-Results",
		  "mx.example.org; spf=pass smtp.mailfrom=bank.example"),
	};
	/* delivered over LMTP (Dovecot adds its Received on top): ours is
	   below that one, still above smtpd's */
	static const struct authres_field lmtp[] = {
		F("Received", "from mx.example.org\n\tby imap.example.org with "
			      "LMTP id abc\n\tfor <alice@example.org>"),
		F("Authentication-Results",
		  "mx.example.org; spf=fail smtp.mailfrom=bank.example"),
		F("Received", "from client.example (client [192.0.2.9])\n\tby "
			      "mx.example.org (Postfix) with ESMTP id 3"),
		F("Authentication-Results",
		  "mx.example.org; spf=pass smtp.mailfrom=bank.example"),
	};
	/* an LMTP Received the client wrote below smtpd's changes nothing */
	static const struct authres_field fake_lmtp[] = {
		F("Received", "from client.example (client [192.0.2.9])\n\tby "
			      "mx.example.org (Postfix) with ESMTP id 4"),
		F("Received", "from x by y with LMTP id z"),
		F("Authentication-Results",
		  "mx.example.org; spf=pass smtp.mailfrom=bank.example"),
	};
	/* Received-SPF (receiver= ours) below smtpd's Received: forged */
	static const struct authres_field rspf[] = {
		F("Received", "from c (c [192.0.2.9]) by mx.example.org with SMTP"),
		F("Received-SPF", "pass (forged) receiver=mx.example.org; "
				  "envelope-from=a@bank.example"),
	};
	struct arena *a = arena_new(0);
	struct authres_trusted_spf t;

	authres_trusted_spf(forged_only, 3, "mx.example.org", a, &t);
	ck_assert_msg(!t.found, "forged spf=pass below Received trusted: %s",
		      t.result);
	ck_assert_uint_eq(t.nforged, 1);
	ck_assert_uint_eq(t.forged[0], 1);

	authres_trusted_spf(ours_and_forged, 3, "mx.example.org", a, &t);
	ck_assert(t.found);
	harness_assert_str("result", t.result, "none");
	ck_assert_uint_eq(t.trusted_index, 0);
	ck_assert_uint_eq(t.nforged, 1);
	ck_assert_uint_eq(t.forged[0], 2);

	authres_trusted_spf(lmtp, 4, "mx.example.org", a, &t);
	ck_assert(t.found);
	harness_assert_str("result", t.result, "fail");
	ck_assert_uint_eq(t.trusted_index, 1);
	ck_assert_uint_eq(t.nforged, 1);
	ck_assert_uint_eq(t.forged[0], 3);

	authres_trusted_spf(fake_lmtp, 3, "mx.example.org", a, &t);
	ck_assert(!t.found);
	ck_assert_uint_eq(t.nforged, 1);

	authres_trusted_spf(rspf, 2, "mx.example.org", a, &t);
	ck_assert(!t.found);
	ck_assert_uint_eq(t.nforged, 1);
	arena_free(&a);
}
END_TEST

/* What our writer (authres.h, used by spf-policyd) produces is read back
 * exactly: folding, quoted values, comments. */
START_TEST(test_writer_round_trip)
{
	static const struct authres_prop spf_props[] = {
		{ "smtp", "mailfrom", "bounce+x=y@Example.COM" },
		{ "smtp", "helo", "out.example.com" },
	};
	static const struct authres_prop dmarc_props[] = {
		{ "header", "from", "example.com" },
	};
	struct arena *a = arena_new(0);
	struct authres *w = authres_new(a, "mx.example.org");
	struct authres_parsed *ar;
	struct authres_field f;
	struct authres_trusted_spf t;
	const char *value, *err = NULL;

	authres_add(w, "spf", "pass", NULL, "looks \"fine\"; really",
		    spf_props, 2);
	authres_add(w, "dmarc", "fail", "p=reject dis=quarantine", NULL,
		    dmarc_props, 1);
	value = authres_format(w, 1);
	ck_assert_msg(authres_parse(value, strlen(value), a, &ar, &err) == 0,
		      "%s: %s", value, err);
	harness_assert_str("authserv-id", ar->authserv_id, "mx.example.org");
	ck_assert_uint_eq(ar->nresults, 2);
	harness_assert_str("method", ar->results[0].method, "spf");
	harness_assert_str("reason", ar->results[0].reason, "looks \"fine\"; really");
	harness_assert_str("mailfrom", authres_parsed_prop(&ar->results[0], "smtp",
					   "mailfrom"), "bounce+x=y@Example.COM");
	harness_assert_str("result", ar->results[1].result, "fail");
	harness_assert_str("from", authres_parsed_prop(&ar->results[1], "header", "from"),
	   "example.com");
	f.name = "Authentication-Results";
	f.value = value;
	f.value_len = strlen(value);
	authres_trusted_spf(&f, 1, "mx.example.org", a, &t);
	ck_assert(t.found);
	harness_assert_str("trusted result", t.result, "pass");
	harness_assert_str("trusted domain", t.mailfrom_domain, "Example.COM");
	harness_assert_str("trusted helo", t.helo, "out.example.com");
	arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("authres_parse");
	TCase *tc = tcase_create("rfc8601");
	int failed;

	tcase_add_loop_test(tc, test_ar, 0,
			    sizeof(ar_cases) / sizeof(ar_cases[0]));
	tcase_add_loop_test(tc, test_ar_bad, 0,
			    sizeof(bad_ar) / sizeof(bad_ar[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("received_spf");
	tcase_add_test(tc, test_received_spf);
	suite_add_tcase(s, tc);
	tc = tcase_create("trust");
	tcase_add_test(tc, test_trusted_spf);
	tcase_add_test(tc, test_trusted_spf_received);
	tcase_add_test(tc, test_writer_round_trip);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
