/*
 * check_dmarc.c - DMARC (RFC 9989) evaluations through the real
 * libunbound code serving local zone data: the appendix B.4 tree walk
 * examples (queries checked in the order the RFC lists them), B.1
 * alignment examples, B.2.5 (t=y), psd=, np= / sp= and non-existent
 * subdomains, multiple records, DNS failure -> temperror, hostile From
 * fields, and the RFC 7489 PSL method.  Records and walk names without
 * DNS: check_dmarc_record.c.
 *
 * Expected values are quoted from the RFC text next to each case.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "dmarc/dmarc-discover.h"
#include "dmarc-test.h"
#include "dmarc/dmarc.h"
#include "dns/dns.h"
#include "harness.h"

/* ---- evaluations through libunbound ----------------------------------- */

static const struct dmarc_settings walk_settings = { DMARC_ORG_TREE_WALK,
						     NULL, false };

static void
assert_trace(const struct dmarc_test_trace *t, const char *const *want,
	     size_t nwant)
{
	size_t i;

	ck_assert_msg(t->count == nwant, "got %zu queries, want %zu",
		      t->count, nwant);
	for (i = 0; i < nwant; i++)
		ck_assert_msg(strcmp(t->names[i], want[i]) == 0,
			      "query %zu: got %s, want %s", i, t->names[i],
			      want[i]);
}

#define B4_ZONE                                                         \
	"\tlocal-data: '_dmarc.example.com. 300 IN TXT \"v=DMARC1; p=reject\"'\n" \
	"\tlocal-data: '_dmarc.signing.example.com. 300 IN TXT \"v=DMARC1; p=none\"'\n"

START_TEST(test_b_4_1_simple)
{
	/* B.4.1: From example.com, MAIL FROM example.com, DKIM
	   signing.example.com */
	static const char *const queries[] = {
		"_dmarc.example.com", "_dmarc.com",
		"_dmarc.signing.example.com",
	};
	struct dns_resolver *r = dmarc_test_resolver(B4_ZONE);
	struct arena *a = arena_new(0);
	struct dmarc_dkim dkim = {
		.domain = "signing.example.com", .selector = "s",
		.pass = true };
	struct dmarc_verdict v;
	struct dmarc_test_trace t;

	dmarc_test_eval(r, &walk_settings, "sender@example.com", &dkim, 1,
			"example.com", true, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "pass");
	/* "example.com is the Organizational Domain"; "SPF is aligned";
	   "DKIM is aligned for relaxed alignment"; "since the
	   RFC5322.From domain has a DMARC Policy Record, that is the
	   policy domain" */
	ck_assert_str_eq(v.org_domain, "example.com");
	ck_assert(v.spf_aligned);
	ck_assert(v.dkim_aligned);
	ck_assert_str_eq(v.policy_domain, "example.com");
	ck_assert_str_eq(dmarc_policy_str(v.policy), "reject");
	ck_assert_str_eq(dmarc_policy_str(v.disposition), "none");
	/* "query _dmarc.example.com and _dmarc.com" then
	   "_dmarc.signing.example.com" (the others already answered) */
	assert_trace(&t, queries, 3);
	/* the same message when neither passes: policy p=reject */
	dkim.pass = false;
	dmarc_test_eval(r, &walk_settings, "sender@example.com", &dkim, 1,
			"example.com", false, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "fail");
	ck_assert_str_eq(dmarc_policy_str(v.disposition), "reject");
	/* 4.10.2: identifiers all the Author Domain, which has a record:
	   "no need to perform Identifier Alignment Evaluations" - one
	   query, and the common domain is the Organizational Domain */
	dkim.domain = "example.com";
	dkim.pass = true;
	dmarc_test_eval(r, &walk_settings, "sender@example.com", &dkim, 1,
			"example.com", true, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "pass");
	ck_assert_uint_eq(t.count, 1);
	ck_assert_str_eq(v.org_domain, "example.com");
	arena_free(&a);
	dns_resolver_free(&r);
}
END_TEST

START_TEST(test_b_4_2_deep)
{
	static const char *const queries[] = {
		"_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com",
		"_dmarc.g.h.i.j.k.example.com", "_dmarc.h.i.j.k.example.com",
		"_dmarc.i.j.k.example.com", "_dmarc.j.k.example.com",
		"_dmarc.k.example.com", "_dmarc.example.com", "_dmarc.com",
		"_dmarc.signing.example.com",
	};
	struct dns_resolver *r = dmarc_test_resolver(B4_ZONE);
	struct arena *a = arena_new(0);
	struct dmarc_dkim dkim = {
		.domain = "signing.example.com", .selector = "s",
		.pass = true };
	struct dmarc_verdict v;
	struct dmarc_test_trace t;

	dmarc_test_eval(r, &walk_settings,
			"u@a.b.c.d.e.f.g.h.i.j.k.example.com", &dkim, 1,
			"example.com", true, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "pass");
	ck_assert_str_eq(v.org_domain, "example.com");
	ck_assert(v.spf_aligned);
	ck_assert(v.dkim_aligned);
	/* "the policy domain is the highest element in the DNS tree with a
	   DMARC Policy Record, example.com" */
	ck_assert_str_eq(v.policy_domain, "example.com");
	assert_trace(&t, queries, 9);
	/* failing: the subdomain policy of example.com's record (p) */
	dkim.pass = false;
	dmarc_test_eval(r, &walk_settings,
			"u@a.b.c.d.e.f.g.h.i.j.k.example.com", &dkim, 1,
			"example.com", false, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "fail");
	ck_assert_str_eq(dmarc_policy_str(v.policy), "reject");
	arena_free(&a);
	dns_resolver_free(&r);
}
END_TEST

#define B43_ZONE                                                        \
	"\tlocal-data: '_dmarc.bank.example. 300 IN TXT \"v=DMARC1; p=reject; psd=y\"'\n" \
	"\tlocal-data: '_dmarc.giant.bank.example. 300 IN TXT \"v=DMARC1; p=quarantine\"'\n"

START_TEST(test_b_4_3_psd)
{
	static const char *const queries[] = {
		"_dmarc.giant.bank.example", "_dmarc.bank.example",
		"_dmarc.mail.mega.bank.example", "_dmarc.mega.bank.example",
		"_dmarc.mail.giant.bank.example",
	};
	struct dns_resolver *r = dmarc_test_resolver(B43_ZONE);
	struct arena *a = arena_new(0);
	struct dmarc_dkim dkim = {
		.domain = "mail.mega.bank.example", .selector = "s",
		.pass = true };
	struct dmarc_verdict v;
	struct dmarc_test_trace t;

	dmarc_test_eval(r, &walk_settings, "ceo@giant.bank.example", &dkim, 1,
			"mail.giant.bank.example", true, a, &v, &t);
	/* "The Organizational Domain is giant.bank.example ... it is also
	   the policy domain"; "SPF is aligned"; "DKIM is not aligned";
	   "Since SPF is aligned, it can be used ... DMARC pass" */
	ck_assert_str_eq(v.org_domain, "giant.bank.example");
	ck_assert_str_eq(v.policy_domain, "giant.bank.example");
	ck_assert(v.spf_aligned);
	ck_assert(!v.dkim_aligned);
	ck_assert_str_eq(dmarc_result_str(v.result), "pass");
	assert_trace(&t, queries, 5);
	/* SPF not passing: DKIM alone does not align -> fail, policy of
	   giant.bank.example's record */
	dmarc_test_eval(r, &walk_settings, "ceo@giant.bank.example", &dkim, 1,
			"mail.giant.bank.example", false, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "fail");
	ck_assert_str_eq(dmarc_policy_str(v.disposition), "quarantine");
	/* a domain under the PSD without a record of its own gets the PSD
	   policy (4.10.1 third location) as a subdomain policy */
	dmarc_test_eval(r, &walk_settings, "x@mail.mega.bank.example", NULL, 0,
			NULL, false, a, &v, &t);
	ck_assert_str_eq(v.org_domain, "mega.bank.example");
	ck_assert_str_eq(v.policy_domain, "bank.example");
	ck_assert_str_eq(dmarc_result_str(v.result), "fail");
	ck_assert_str_eq(dmarc_policy_str(v.policy), "reject");
	arena_free(&a);
	dns_resolver_free(&r);
}
END_TEST

#define B1_ZONE                                                         \
	"\tlocal-data: '_dmarc.example.com. 300 IN TXT \"v=DMARC1; p=reject\"'\n" \
	"\tlocal-data: 'child.example.com. 300 IN A 192.0.2.1'\n"             \
	"\tlocal-data: '_dmarc.strict.example. 300 IN TXT \"v=DMARC1; p=reject; adkim=s; aspf=s\"'\n" \
	"\tlocal-data: 'child.strict.example. 300 IN A 192.0.2.1'\n"

START_TEST(test_b_1_alignment)
{
	static const struct {
		const char *from, *spf, *dkim;
		bool spf_aligned, dkim_aligned;
	} cases[] = {
		/* B.1.1 Example 1: identical -> strict (and relaxed) */
		{ "sender@example.com", "example.com", NULL, true, false },
		/* B.1.1 Example 2: relaxed alignment */
		{ "sender@example.com", "child.example.com", NULL, true, false },
		/* B.1.1 Example 3: no alignment */
		{ "sender@child.example.com", "example.net", NULL, false,
		  false },
		/* B.1.2 Example 1, 2, 3 */
		{ "sender@example.com", NULL, "example.com", false, true },
		{ "sender@child.example.com", NULL, "example.com", false, true },
		{ "sender@child.example.com", NULL, "example.net", false,
		  false },
		/* the same under adkim=s / aspf=s: only identical aligns */
		{ "sender@strict.example", "strict.example", NULL, true, false },
		{ "sender@strict.example", "child.strict.example", NULL, false,
		  false },
		{ "sender@child.strict.example", NULL, "strict.example", false,
		  false },
		{ "sender@strict.example", NULL, "strict.example", false, true },
		/* case-insensitive comparison */
		{ "sender@Example.COM", "EXAMPLE.com", "eXample.com", true,
		  true },
	};
	struct dns_resolver *r = dmarc_test_resolver(B1_ZONE);
	struct arena *a = arena_new(0);
	struct dmarc_verdict v;
	struct dmarc_test_trace t;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dmarc_dkim dkim = {
			.domain = cases[i].dkim, .selector = "s",
			.pass = true };

		dmarc_test_eval(r, &walk_settings, cases[i].from, &dkim,
				cases[i].dkim != NULL ? 1 : 0, cases[i].spf,
				cases[i].spf != NULL, a, &v, &t);
		ck_assert_msg(v.spf_aligned == cases[i].spf_aligned &&
			      v.dkim_aligned == cases[i].dkim_aligned,
			      "%s spf=%s dkim=%s: got spf %d dkim %d",
			      cases[i].from, cases[i].spf, cases[i].dkim,
			      v.spf_aligned, v.dkim_aligned);
		ck_assert_str_eq(dmarc_result_str(v.result),
				 cases[i].spf_aligned || cases[i].dkim_aligned ?
				 "pass" : "fail");
	}
	arena_free(&a);
	dns_resolver_free(&r);
}
END_TEST

#define POLICY_ZONE                                                     \
	"\tlocal-data: '_dmarc.np.example. 300 IN TXT \"v=DMARC1; p=none; sp=quarantine; np=reject\"'\n" \
	"\tlocal-data: 'exists.np.example. 300 IN A 192.0.2.1'\n"            \
	"\tlocal-data: '_dmarc.test.example.com. 300 IN TXT \"v=DMARC1; p=quarantine; \" \"rua=mailto:dmarc-feedback@example.com,\" \"mailto:tld-test@thirdparty.example.net; \" \"t=y\"'\n" \
	"\tlocal-data: '_dmarc.live.example.com. 300 IN TXT \"v=DMARC1; p=reject; \" \"rua=mailto:dmarc-feedback@example.com,\" \"mailto:tld-test@thirdparty.example.net\"'\n" \
	"\tlocal-data: '_dmarc.pct0.example. 300 IN TXT \"v=DMARC1; p=reject; pct=0\"'\n" \
	"\tlocal-data: '_dmarc.two.example. 300 IN TXT \"v=DMARC1; p=reject\"'\n" \
	"\tlocal-data: '_dmarc.two.example. 300 IN TXT \"v=DMARC1; p=none\"'\n" \
	"\tlocal-data: '_dmarc.spfonly.example. 300 IN TXT \"v=spf1 -all\"'\n" \
	"\tlocal-data: '_dmarc.spfonly.example. 300 IN TXT \"v=DMARC1; p=quarantine\"'\n" \
	"\tlocal-data: '_dmarc.upper.example. 300 IN TXT \"V=DMARC1; P=reject\"'\n" \
	"\tlocal-data: '_dmarc.nop.example. 300 IN TXT \"v=DMARC1; sp=reject\"'\n" \
	"\tlocal-data: '_dmarc.noprua.example. 300 IN TXT \"v=DMARC1; sp=reject; rua=mailto:r@noprua.example\"'\n" \
	"\tlocal-data: '_dmarc.badnp.example. 300 IN TXT \"v=DMARC1; p=reject; np=never\"'\n" \
	"\tlocal-data: '_dmarc.bad.example. 300 IN TXT \"v=DMARC1; p=bogus\"'\n" \
	"\tlocal-data: '_dmarc.badrua.example. 300 IN TXT \"v=DMARC1; p=bogus; rua=mailto:r@badrua.example\"'\n"

static void
expect_verdict(struct dns_resolver *r, const char *from, const char *result,
	       const char *policy, const char *disposition)
{
	struct arena *a = arena_new(0);
	struct dmarc_verdict v;
	struct dmarc_test_trace t;

	dmarc_test_eval(r, &walk_settings, from, NULL, 0, NULL, false, a, &v,
			&t);
	ck_assert_msg(strcmp(dmarc_result_str(v.result), result) == 0,
		      "%s: got %s (%s), want %s", from,
		      dmarc_result_str(v.result), v.reason, result);
	ck_assert_msg(strcmp(dmarc_policy_str(v.policy), policy) == 0,
		      "%s: policy got %s, want %s", from,
		      dmarc_policy_str(v.policy), policy);
	ck_assert_msg(strcmp(dmarc_policy_str(v.disposition), disposition) ==
		      0, "%s: disposition got %s, want %s", from,
		      dmarc_policy_str(v.disposition), disposition);
	arena_free(&a);
}

START_TEST(test_policies)
{
	struct dns_resolver *r = dmarc_test_resolver(POLICY_ZONE);

	/* 4.10.1: own record -> p; existing subdomain -> sp; non-existent
	   subdomain (NXDOMAIN, 3.2.13) -> np */
	expect_verdict(r, "a@np.example", "fail", "none", "none");
	expect_verdict(r, "a@exists.np.example", "fail", "quarantine",
		       "quarantine");
	expect_verdict(r, "a@nx.np.example", "fail", "reject", "reject");
	/* B.2.5: p=quarantine with t=y -> "a policy of none will be
	   applied"; after the update p=reject without t -> reject */
	expect_verdict(r, "a@test.example.com", "fail", "quarantine", "none");
	expect_verdict(r, "a@live.example.com", "fail", "reject", "reject");
	/* A.6: pct=0 means t=y: reject -> quarantine */
	expect_verdict(r, "a@pct0.example", "fail", "reject", "quarantine");
	/* 4.10 step 2: several DMARC records -> no record -> none; a
	   non-DMARC TXT next to one DMARC record does not count */
	expect_verdict(r, "a@two.example", "none", "", "none");
	expect_verdict(r, "a@spfonly.example", "fail", "quarantine",
		       "quarantine");
	/* 4.10.1: invalid p without rua -> no DMARC processing; with a
	   valid rua -> p=none */
	expect_verdict(r, "a@bad.example", "none", "", "none");
	expect_verdict(r, "a@badrua.example", "fail", "none", "none");
	/* 4.7 ABNF: dmarc-version = "v" equals %s"DMARC1" - only the
	   value is case-sensitive; tag names are ABNF literals / 1*ALPHA,
	   case-insensitive (RFC 5234 2.3): "V=DMARC1; P=reject" is a
	   DMARC record with p=reject */
	expect_verdict(r, "a@upper.example", "fail", "reject", "reject");
	/* 4.10.1: "If a retrieved DMARC Policy Record does not contain a
	   valid "p" tag, or contains an "sp" or "np" tag that is not valid,
	   then: If a "rua" tag is present and contains at least one
	   syntactically valid reporting URI, the Mail Receiver MUST act as
	   if a record containing "p=none" was retrieved and continue
	   processing; Otherwise, the Mail Receiver applies no DMARC
	   processing to this message."  (4.7 "p": a record without p "is
	   treated as if it included p=none (see Section 4.10.1)".) */
	expect_verdict(r, "a@nop.example", "none", "", "none");
	expect_verdict(r, "a@sub.nop.example", "none", "", "none");
	expect_verdict(r, "a@noprua.example", "fail", "none", "none");
	expect_verdict(r, "a@badnp.example", "none", "", "none");
	/* no record anywhere */
	expect_verdict(r, "a@nothing.example", "none", "", "none");
	/* DNS failure (REFUSED -> SERVFAIL) -> temperror, never fail */
	expect_verdict(r, "a@x.fail.example", "temperror", "", "none");
	dns_resolver_free(&r);
}
END_TEST

START_TEST(test_hostile_from)
{
	struct dns_resolver *r = dmarc_test_resolver(B4_ZONE);
	struct arena *a = arena_new(0);
	struct dmarc_verdict v;
	struct dmarc_test_trace t;
	const char *two[] = { "a@example.com", "b@example.com" };
	struct dmarc_request req;
	const char *err;

	/* RFC 7489 6.6.1 / RFC 9989 5.3.1: no single Author Domain */
	dmarc_test_eval(r, &walk_settings, NULL, NULL, 0, NULL, false, a, &v,
			&t);
	ck_assert_str_eq(dmarc_result_str(v.result), "permerror");
	ck_assert(v.hostile);
	ck_assert_str_eq(dmarc_policy_str(v.disposition), "reject");
	dmarc_test_eval(r, &walk_settings, "a@example.com, b@example.net",
			NULL, 0, NULL, false, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "permerror");
	ck_assert(v.hostile);
	ck_assert_uint_eq(t.count, 0);
	/* same domain twice is fine */
	dmarc_test_eval(r, &walk_settings, "a@example.com, B@EXAMPLE.COM",
			NULL, 0, "example.com", true, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "pass");
	/* two From header fields */
	memset(&req, 0, sizeof(req));
	ck_assert_int_eq(dmarc_check_run(r, &walk_settings, two, 2, &req,
					 NULL, a, &v, &err), 0);
	ck_assert_str_eq(dmarc_result_str(v.result), "permerror");
	ck_assert(v.hostile);
	arena_free(&a);
	dns_resolver_free(&r);
}
END_TEST

#define PSL_ZONE                                                        \
	"\tlocal-data: '_dmarc.example.com. 300 IN TXT \"v=DMARC1; p=reject; sp=quarantine\"'\n" \
	"\tlocal-data: '_dmarc.mail.example.com. 300 IN TXT \"v=DMARC1; p=none\"'\n"

/* RFC 7489 3.2 / 6.6.3: the Organizational Domain from the PSL; policy
 * at the Author Domain, else at its Organizational Domain (sp). */
START_TEST(test_psl_method)
{
	struct dns_resolver *r = dmarc_test_resolver(PSL_ZONE);
	struct arena *a = arena_new(0);
	struct dmarc_settings set = { DMARC_ORG_PSL, NULL, false };
	struct dmarc_psl *psl = NULL;
	struct dmarc_dkim dkim = {
		.domain = "mail.example.com", .selector = "s",
		.pass = true };
	struct dmarc_verdict v;
	struct dmarc_test_trace t;
	const char *err;
	static const char *const queries[] = {
		"_dmarc.a.b.example.com", "_dmarc.example.com",
	};

	ck_assert_int_eq(dmarc_psl_load(NULL, &psl, &err), 0);
	set.psl = psl;
	ck_assert_str_eq(dmarc_psl_org_domain(psl, "a.b.example.co.uk"),
			 "example.co.uk");
	ck_assert_str_eq(dmarc_psl_org_domain(psl, "co.uk"), "co.uk");
	dmarc_test_eval(r, &set, "x@a.b.example.com", NULL, 0, NULL, false, a,
			&v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "fail");
	ck_assert_str_eq(v.policy_domain, "example.com");
	ck_assert_str_eq(dmarc_policy_str(v.policy), "quarantine");
	assert_trace(&t, queries, 2);
	/* relaxed: mail.example.com and example.com share the
	   Organizational Domain example.com */
	dmarc_test_eval(r, &set, "x@example.com", &dkim, 1, NULL, false, a,
			&v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "pass");
	ck_assert_str_eq(v.org_domain, "example.com");
	dmarc_psl_free(&psl);
	ck_assert_ptr_null(psl);
	arena_free(&a);
	dns_resolver_free(&r);
}
END_TEST

/* 4.10 / 4.10.1: the walk never sends more than eight queries for the
 * author, however many labels. */
START_TEST(test_query_limit)
{
	struct dns_resolver *r = dmarc_test_resolver("");
	struct arena *a = arena_new(0);
	struct dmarc_verdict v;
	struct dmarc_test_trace t;

	dmarc_test_eval(r, &walk_settings,
			"x@1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20."
			"21.22.23.24.25.26.27.28.29.30.example.com",
			NULL, 0, NULL, false, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "none");
	ck_assert_uint_eq(t.count, DMARC_WALK_MAX_QUERIES);
	ck_assert_uint_eq(v.dns_queries, DMARC_WALK_MAX_QUERIES);
	/* "remove ... labels ... until 7 labels remain" */
	ck_assert_str_eq(t.names[1], "_dmarc.26.27.28.29.30.example.com");
	arena_free(&a);
	dns_resolver_free(&r);
}
END_TEST

/* The Author Domain's own record answers but a parent fails: the policy
 * is known; identical identifiers still align (4.10.2 "no need to perform
 * Identifier Alignment Evaluations"), relaxed ones cannot be decided. */
START_TEST(test_parent_failure)
{
	struct dns_resolver *r = dmarc_test_resolver(
		"\tlocal-zone: \"refused.\" always_refuse\n"
		"\tlocal-zone: \"ok.refused.\" static\n"
		"\tlocal-data: '_dmarc.ok.refused. 300 IN TXT \"v=DMARC1; p=reject\"'\n");
	struct arena *a = arena_new(0);
	struct dmarc_dkim dkim = {
		.domain = "mail.ok.refused", .selector = "s",
		.pass = true };
	struct dmarc_verdict v;
	struct dmarc_test_trace t;

	dmarc_test_eval(r, &walk_settings, "a@ok.refused", NULL, 0,
			"ok.refused", true, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "pass");
	dmarc_test_eval(r, &walk_settings, "a@ok.refused", &dkim, 1, NULL,
			false, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "temperror");
	dmarc_test_eval(r, &walk_settings, "a@ok.refused", NULL, 0, NULL,
			false, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "fail");
	ck_assert_str_eq(dmarc_policy_str(v.disposition), "reject");
	/* without a record of its own the walk cannot continue */
	dmarc_test_eval(r, &walk_settings, "a@x.ok.refused", NULL, 0,
			"x.ok.refused", true, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "temperror");
	arena_free(&a);
	dns_resolver_free(&r);
}
END_TEST

struct async_ctx {
	unsigned int calls;
	enum dmarc_result results[4];
};

static void
async_cb(const struct dmarc_verdict *v, void *context)
{
	struct async_ctx *c = context;

	c->results[c->calls++] = v->result;
}

/* Several checks at once on one resolver; a cancelled one never calls
 * back; the callback never runs inside dmarc_check_start(). */
START_TEST(test_async_concurrent_cancel)
{
	struct dns_resolver *r = dmarc_test_resolver(B4_ZONE);
	struct dmarc_request req;
	struct dmarc_check *chk[3];
	struct async_ctx ctx;
	const char *err;
	size_t i;
	static const char *const authors[] = { "example.com", "nothing.example",
					       "x.signing.example.com" };

	memset(&ctx, 0, sizeof(ctx));
	memset(&req, 0, sizeof(req));
	req.spf_result = SPF_PASS;
	req.spf_domain = "example.com";
	for (i = 0; i < 3; i++) {
		req.author_domain = authors[i];
		ck_assert_int_eq(dmarc_check_start(r, &walk_settings, &req,
						   NULL, async_cb, &ctx,
						   &chk[i], &err), 0);
		ck_assert_uint_eq(ctx.calls, 0);
	}
	dmarc_check_cancel(&chk[1]);
	ck_assert_ptr_null(chk[1]);
	ck_assert_int_eq(dns_resolver_run(r), 0);
	ck_assert_uint_eq(ctx.calls, 2);
	/* example.com: SPF example.com aligned; x.signing.example.com: org
	   example.com (fewest labels), SPF aligned relaxed */
	ck_assert_str_eq(dmarc_result_str(ctx.results[0]), "pass");
	ck_assert_str_eq(dmarc_result_str(ctx.results[1]), "pass");
	/* unusable requests are refused at once */
	req.author_domain = NULL;
	ck_assert_int_lt(dmarc_check_start(r, &walk_settings, &req, NULL,
					   async_cb, &ctx, NULL, &err), 0);
	dns_resolver_free(&r);
}
END_TEST

/* A DNS server that never answers: temperror within the timeout. */
START_TEST(test_timeout_temperror)
{
	struct harness_silent_dns sd;
	struct dns_settings set;
	struct dns_resolver *r = NULL;
	struct arena *a = arena_new(0);
	struct dmarc_verdict v;
	struct dmarc_test_trace t;
	const char *err;

	harness_silent_dns_start(&sd, "dmarc-to");
	memset(&set, 0, sizeof(set));
	set.resolver_config = sd.conf;
	set.timeout_ms = 300;
	ck_assert_int_eq(dns_resolver_new(&set, NULL, NULL, &r, &err), 0);
	dmarc_test_eval(r, &walk_settings, "a@example.com", NULL, 0,
			"example.com", true, a, &v, &t);
	ck_assert_str_eq(dmarc_result_str(v.result), "temperror");
	ck_assert_str_eq(dmarc_policy_str(v.disposition), "none");
	dns_resolver_free(&r);
	arena_free(&a);
	harness_silent_dns_stop(&sd);
}
END_TEST

/* RFC 9989 5.3.6: "If one or more DNS queries required to perform DMARC
 * validation on the message do not complete due to temporary or
 * permanent DNS errors, the message cannot be considered to pass or fail
 * the DMARC mechanism check.  In such cases, the Domain Owner Assessment
 * Policy cannot be applied to the message".  A DKIM key lookup or an SPF
 * check that failed on DNS for an aligned identifier is such a query;
 * 5.3.5: "If one or more of the Authenticated Identifiers align with the
 * Author Domain, the message is considered to pass" - so another aligned
 * pass still wins, and an unaligned identifier's failure does not
 * matter. */
struct aligned_dns_case {
	const char *dkim1, *dkim2; /* d= or NULL */
	bool pass1, temp1, pass2, temp2;
	const char *spf_domain;
	enum spf_result spf;
	const char *result, *disposition;
};

static const struct aligned_dns_case aligned_dns_cases[] = {
	/* aligned d= key lookup temperror, nothing else */
	{ "example.com", NULL, false, true, false, false, NULL, SPF_NONE,
	  "temperror", "none" },
	/* SPF temperror on the aligned MAIL FROM domain */
	{ NULL, NULL, false, false, false, false, "example.com",
	  SPF_TEMPERROR, "temperror", "none" },
	/* relaxed: MAIL FROM in a subdomain of the Author Domain */
	{ NULL, NULL, false, false, false, false, "bounce.example.com",
	  SPF_TEMPERROR, "temperror", "none" },
	/* both failed on DNS, one unaligned pass: still temperror */
	{ "example.com", "other.net", false, true, true, false,
	  "example.com", SPF_TEMPERROR, "temperror", "none" },
	/* another aligned identifier passes: pass */
	{ "example.com", "example.com", false, true, true, false, NULL,
	  SPF_NONE, "pass", "none" },
	{ "example.com", NULL, false, true, false, false, "example.com",
	  SPF_PASS, "pass", "none" },
	/* the DNS failure is on an unaligned identifier: fail */
	{ "other.net", NULL, false, true, false, false, "other.net",
	  SPF_TEMPERROR, "fail", "reject" },
	/* an aligned key that was not found (permerror, NXDOMAIN is an
	   answer) is no DNS failure: fail */
	{ "example.com", NULL, false, false, false, false, NULL, SPF_NONE,
	  "fail", "reject" },
};

START_TEST(test_aligned_dns_failure)
{
	const struct aligned_dns_case *c = &aligned_dns_cases[_i];
	struct dns_resolver *r = dmarc_test_resolver(B4_ZONE);
	struct arena *a = arena_new(0);
	struct dmarc_dkim dk[2];
	struct dmarc_request req;
	struct dmarc_verdict v;
	const char *from = "Alice <alice@example.com>", *err = NULL;

	memset(dk, 0, sizeof(dk));
	memset(&req, 0, sizeof(req));
	dk[0].domain = c->dkim1;
	dk[0].pass = c->pass1;
	dk[0].temperror = c->temp1;
	dk[1].domain = c->dkim2;
	dk[1].pass = c->pass2;
	dk[1].temperror = c->temp2;
	req.dkim = dk;
	req.ndkim = c->dkim2 != NULL ? 2 : c->dkim1 != NULL ? 1 : 0;
	req.spf_result = c->spf;
	req.spf_domain = c->spf_domain;
	ck_assert_msg(dmarc_check_run(r, &walk_settings, &from, 1, &req, NULL,
				      a, &v, &err) == 0, "run: %s", err);
	ck_assert_msg(strcmp(dmarc_result_str(v.result), c->result) == 0,
		      "case %d: got %s (%s), want %s", _i,
		      dmarc_result_str(v.result), v.reason, c->result);
	ck_assert_msg(strcmp(dmarc_policy_str(v.disposition),
			     c->disposition) == 0,
		      "case %d: disposition got %s, want %s", _i,
		      dmarc_policy_str(v.disposition), c->disposition);
	arena_free(&a);
	dns_resolver_free(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dmarc");
	TCase *tc = tcase_create("dns");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_b_4_1_simple);
	tcase_add_test(tc, test_b_4_2_deep);
	tcase_add_test(tc, test_b_4_3_psd);
	tcase_add_test(tc, test_b_1_alignment);
	tcase_add_test(tc, test_policies);
	tcase_add_test(tc, test_hostile_from);
	tcase_add_test(tc, test_psl_method);
	tcase_add_test(tc, test_query_limit);
	tcase_add_test(tc, test_parent_failure);
	tcase_add_test(tc, test_async_concurrent_cancel);
	tcase_add_test(tc, test_timeout_temperror);
	tcase_add_loop_test(tc, test_aligned_dns_failure, 0,
			    sizeof(aligned_dns_cases) /
			    sizeof(aligned_dns_cases[0]));
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
