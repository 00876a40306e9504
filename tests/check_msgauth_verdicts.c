/*
 * check_msgauth_verdicts.c - the verdicts lib/msgauth/msgauth.h hands over,
 * through the real libunbound code serving local zone data
 * (msgauth-test.h): DMARC pass / fail / none / temperror / permerror
 * (RFC 9989) including an aligned key lookup failing and a From hidden
 * behind a bare CR; SPF checked from the envelope (RFC 7208); the time
 * budget against a forwarder that never answers (temperror, RFC 6376
 * 6.1.2, RFC 9989 5.3.6); l= covering part of the body (RFC 6376 8.2).
 */
#include "config.h"

#include <check.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "dkim/dkim-keystore.h"
#include "dkim-test.h"
#include "dns/dns.h"
#include "harness.h"
#include "msgauth-test.h"
#include "msgauth/msgauth.h"

struct dmarc_case {
	const char *name;
	const char *zone;
	const char *prefix;
	bool tamper;
	const char *want_dmarc, *want_policy, *want_dis;
};

/* RFC 9989 5.3.5: pass when an aligned identifier passed, else fail;
 * 5.3.6 / 4.10: a DNS failure during policy discovery is temperror,
 * the policy is not applied; 5.3.1 (RFC 7489 6.6.1): several From
 * fields give no single Author Domain (permerror, rejected). */
static const struct dmarc_case dmarc_cases[] = {
	{"aligned DKIM pass", DMARC_REJECT, "", false, "pass", "reject",
	 "none"},
	{"nothing passes", DMARC_REJECT, "", true, "fail", "reject", "reject"},
	{"no record", "", "", false, "none", "" /* unset */, "none"},
	{"discovery refused", DMARC_REFUSED, "", false, "temperror", "" /* unset */,
	 "none"},
	{"two From fields", DMARC_REJECT,
	 "From: Mallory <m@evil.example>\n", false, "permerror", "" /* unset */,
	 "reject"},
	/* 5.3.6: "DNS queries required for DMARC validation do not
	   complete" - the aligned d='s key: neither pass nor fail */
	{"aligned key lookup fails", DMARC_REJECT KEYS_REFUSED, "", false,
	 "temperror", "reject", "none"},
	/* a bare CR makes a mail reader show a second From (RFC 5322 2.2
	   fields end at CRLF only): hostile as two From fields */
	{"From hidden behind a bare CR", DMARC_REJECT,
	 "X-Note: hi\rFrom: Mallory <m@evil.example>\n", false, "permerror",
	 "" /* unset */, "reject"},
};

START_TEST(test_dmarc_results)
{
	const struct dmarc_case *c = &dmarc_cases[_i];
	char *conf = msgauth_test_zone_config(c->zone);
	struct dns_resolver *r = msgauth_test_resolver(conf, NULL, 5000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct msgauth_settings set;
	char *msg = msgauth_test_message(false, c->prefix, c->tamper), *ar, want[128];
	struct msgauth *ma;
	const struct msgauth_result *res;

	msgauth_test_settings(&set, "mx.test");
	ma = msgauth_test_run(&set, r, ks, NULL, msg, 0);
	res = msgauth_result(ma);
	ck_assert(res->dmarc_evaluated);
	harness_assert_str(c->name, dmarc_result_str(res->dmarc.result),
			   c->want_dmarc);
	harness_assert_str(c->name, dmarc_policy_str(res->dmarc.policy),
			   c->want_policy);
	harness_assert_str(c->name, dmarc_policy_str(res->dmarc.disposition),
			   c->want_dis);
	ar = msgauth_test_unfolded(ma);
	snprintf(want, sizeof(want), "dmarc=%s", c->want_dmarc);
	msgauth_test_contains(ar, want);
	free(ar);
	msgauth_free(&ma);

	/* DMARC off: no dmarc= at all */
	set.dmarc_off = true;
	ma = msgauth_test_run(&set, r, ks, NULL, msg, 0);
	ck_assert(!msgauth_result(ma)->dmarc_evaluated);
	ar = msgauth_test_unfolded(ma);
	ck_assert_msg(strstr(ar, "dmarc=") == NULL, "got %s", ar);
	free(ar);
	msgauth_free(&ma);
	free(msg);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	free(conf);
}
END_TEST

START_TEST(test_spf_checked)
{
	/* RFC 7208 4: bounce.football.example.com allows 192.0.2.1; the
	   MAIL FROM domain aligns relaxed with the From domain (RFC 9989
	   4.4.2, same Organizational Domain), so a broken signature still
	   gives dmarc=pass; from 192.0.2.9 SPF fails (-all). */
	char *conf = msgauth_test_zone_config(DMARC_REJECT);
	struct dns_resolver *r = msgauth_test_resolver(conf, NULL, 5000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct msgauth_settings set;
	struct spf_request req;
	char *msg = msgauth_test_message(false, "", true), *ar;
	struct msgauth *ma;
	const struct msgauth_result *res;
	const char *err;

	msgauth_test_settings(&set, "mx.test");
	set.spf_source = MSGAUTH_SPF_CHECK;
	memset(&req, 0, sizeof(req));
	req.client_ip = "192.0.2.1";
	req.mail_from = "bounce@bounce." DOMAIN;
	req.helo = "mail.example.net";
	ma = msgauth_test_run(&set, r, ks, &req, msg, 0);
	res = msgauth_result(ma);
	ck_assert_str_eq(spf_result_str(res->spf.result), "pass");
	ck_assert_str_eq(dmarc_result_str(res->dmarc.result), "pass");
	ar = msgauth_test_unfolded(ma);
	msgauth_test_contains(ar, "mx.test; spf=pass smtp.mailfrom=bounce." DOMAIN
			";");
	free(ar);
	msgauth_free(&ma);

	req.client_ip = "192.0.2.9";
	ma = msgauth_test_run(&set, r, ks, &req, msg, 0);
	res = msgauth_result(ma);
	ck_assert_str_eq(spf_result_str(res->spf.result), "fail");
	ck_assert_str_eq(dmarc_result_str(res->dmarc.result), "fail");
	msgauth_free(&ma);

	/* an unusable envelope is an error at once, not a verdict */
	req.client_ip = NULL;
	ck_assert_int_eq(msgauth_new(&set, r, ks, NULL, &req, &ma, &err), -1);
	free(msg);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	free(conf);
}
END_TEST

START_TEST(test_budget_blackhole)
{
	/* A resolver that never answers: the per-query timeout (30 s) is
	   far away, the budget (300 ms) ends the message.  Keys that could
	   not be fetched are temperror (RFC 6376 6.1.2 TEMPFAIL), DMARC
	   neither passes nor fails (RFC 9989 5.3.6): temperror, dis=none. */
	struct harness_silent_dns sd;
	struct dns_resolver *r;
	struct dkim_keystore *ks;
	struct msgauth_settings set;
	char *msg = msgauth_test_message(false, "", false), *ar;
	struct msgauth *ma;
	const struct msgauth_result *res;

	harness_silent_dns_start(&sd, "msgauth-budget");
	r = msgauth_test_resolver(sd.conf, NULL, 30000);
	ks = dkim_keystore_new_dns(r, NULL);
	msgauth_test_settings(&set, "mx.test");
	set.time_budget_ms = 300;
	ma = msgauth_test_run(&set, r, ks, NULL, msg, 0);
	res = msgauth_result(ma);
	ck_assert(res->budget_expired);
	ck_assert_uint_eq(res->ndkim, 2);
	ck_assert_str_eq(dkim_result_str(res->dkim[0].result), "temperror");
	ck_assert_str_eq(dkim_result_str(res->dkim[1].result), "temperror");
	ck_assert_str_eq(dmarc_result_str(res->dmarc.result), "temperror");
	ck_assert_str_eq(dmarc_policy_str(res->dmarc.disposition), "none");
	ar = msgauth_test_unfolded(ma);
	msgauth_test_contains(ar, "dkim=temperror reason=\"DNS time budget exceeded\"");
	msgauth_test_contains(ar, "dmarc=temperror");
	free(ar);
	msgauth_free(&ma);
	free(msg);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	harness_silent_dns_stop(&sd);
}
END_TEST

START_TEST(test_partial_body)
{
	/* RFC 6376 8.2: with l= the appended HTML part is unsigned; it is
	   reported dkim=policy and does not count for DMARC (RFC 9989
	   5.3.3 needs a pass), unless the site accepts such signatures.
	   The fixture was signed by dkimpy (tests/fixtures/dkim-l). */
	char *conf = msgauth_test_zone_config(DMARC_REJECT), *path, *ar;
	struct dns_resolver *r = msgauth_test_resolver(conf, NULL, 5000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct msgauth_settings set;
	struct msgauth *ma;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp;

	ck_assert_int_ge(asprintf(&path, "%s/tests/fixtures/dkim-l/"
				  "l-appended.eml", harness_srcdir()), 0);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&b, chunk, n);
	fclose(fp);
	buf_append(&b, "", 1);
	msgauth_test_settings(&set, "mx.test");
	ma = msgauth_test_run(&set, r, ks, NULL, b.data, 0);
	ck_assert_str_eq(dkim_result_str(msgauth_result(ma)->dkim[0].result),
			 "policy");
	ck_assert_str_eq(dmarc_result_str(msgauth_result(ma)->dmarc.result),
			 "fail");
	msgauth_free(&ma);
	set.dkim_accept_partial_body = true;
	ma = msgauth_test_run(&set, r, ks, NULL, b.data, 0);
	ar = msgauth_test_unfolded(ma);
	msgauth_test_contains(ar, "dkim=pass");
	msgauth_test_contains(ar, "dmarc=pass");
	free(ar);
	msgauth_free(&ma);
	buf_free(&b);
	free(path);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	free(conf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("msgauth_verdicts");
	TCase *tc = tcase_create("msgauth_verdicts");

	tcase_add_checked_fixture(tc, msgauth_test_setup,
				  msgauth_test_teardown);
	tcase_add_loop_test(tc, test_dmarc_results, 0,
			    sizeof(dmarc_cases) / sizeof(dmarc_cases[0]));
	tcase_add_test(tc, test_spf_checked);
	tcase_add_test(tc, test_budget_blackhole);
	tcase_add_test(tc, test_partial_body);
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? 0 : 1;
}
