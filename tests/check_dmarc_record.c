/*
 * check_dmarc_record.c - DMARC (RFC 9989) without DNS: record parsing
 * (4.7, 4.8, A.6), the tree walk names (4.10) and Organizational Domain
 * selection (4.10.2 with its three worked examples).  Evaluations through
 * libunbound are in check_dmarc.c.
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

/* ---- records ---------------------------------------------------------- */

struct record_case {
	const char *text;
	int is_dmarc;
	enum dmarc_policy p, sp, np;
	enum dmarc_alignment adkim, aspf;
	enum dmarc_psd psd;
	int testing;
	int pct;
	/* effective policy for the domain itself / a subdomain */
	enum dmarc_policy eff_self, eff_sub;
};

#define NA DMARC_POLICY_UNSET
#define PN DMARC_POLICY_NONE
#define PQ DMARC_POLICY_QUARANTINE
#define PR DMARC_POLICY_REJECT
#define PI DMARC_POLICY_INVALID
#define AR DMARC_ALIGN_RELAXED
#define AS DMARC_ALIGN_STRICT

static const struct record_case record_cases[] = {
	/* B.2.1 */
	{ "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com", 1,
	  PN, NA, NA, AR, AR, DMARC_PSD_U, 0, -1, PN, PN },
	/* B.2.5, the two strings concatenated */
	{ "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
	  "mailto:tld-test@thirdparty.example.net; t=y", 1,
	  PQ, NA, NA, AR, AR, DMARC_PSD_U, 1, -1, PQ, PQ },
	{ "v=DMARC1;p=quarantine;sp=none;np=reject;adkim=s;aspf=s;psd=n;t=n",
	  1, PQ, PN, PR, AS, AS, DMARC_PSD_N, 0, -1, PQ, PN },
	{ "v = DMARC1 ; p = Reject ; psd = y", 1,
	  PR, NA, NA, AR, AR, DMARC_PSD_Y, 0, -1, PR, PR },
	/* 4.7 v: value case-sensitive, must be first */
	{ "v=dmarc1; p=reject", 0, NA, NA, NA, AR, AR, DMARC_PSD_U, 0, -1,
	  NA, NA },
	{ "p=reject; v=DMARC1", 0, NA, NA, NA, AR, AR, DMARC_PSD_U, 0, -1,
	  NA, NA },
	{ "v=DMARC10; p=reject", 0, NA, NA, NA, AR, AR, DMARC_PSD_U, 0, -1,
	  NA, NA },
	/* 4.7 p: absent -> "treated as if it included p=none (see Section
	   4.10.1)"; 4.10.1: "If a retrieved DMARC Policy Record does not
	   contain a valid "p" tag [...] If a "rua" tag is present and
	   contains at least one syntactically valid reporting URI, the Mail
	   Receiver MUST act as if a record containing "p=none" was
	   retrieved [...] Otherwise, the Mail Receiver applies no DMARC
	   processing to this message." */
	{ "v=DMARC1; rua=mailto:a@example.com", 1,
	  NA, NA, NA, AR, AR, DMARC_PSD_U, 0, -1, PN, PN },
	{ "v=DMARC1", 1, NA, NA, NA, AR, AR, DMARC_PSD_U, 0, -1, NA, NA },
	{ "v=DMARC1; sp=reject; adkim=s", 1, NA, PR, NA, AS, AR,
	  DMARC_PSD_U, 0, -1, NA, NA },
	{ "v=DMARC1; sp=reject; rua=nonsense", 1, NA, PR, NA, AR, AR,
	  DMARC_PSD_U, 0, -1, NA, NA },
	/* 4.7 ABNF: dmarc-version = "v" equals %s"DMARC1" ; case sensitive
	   - only the value is %s; "v" and dmarc-tag = 1*ALPHA names are
	   case-insensitive (RFC 5234 2.3 "ABNF strings are case
	   insensitive") */
	{ "V=DMARC1; P=reject", 1, PR, NA, NA, AR, AR, DMARC_PSD_U, 0, -1,
	  PR, PR },
	{ "V = DMARC1;P=Quarantine;SP=none;ADKIM=s;Aspf=s;T=y", 1,
	  PQ, PN, NA, AS, AS, DMARC_PSD_U, 1, -1, PQ, PN },
	{ "V=dmarc1; p=reject", 0, NA, NA, NA, AR, AR, DMARC_PSD_U, 0, -1,
	  NA, NA },
	/* the same tag in two cases is a duplicate: first one wins */
	{ "v=DMARC1; p=none; P=reject", 1, PN, NA, NA, AR, AR, DMARC_PSD_U,
	  0, -1, PN, PN },
	/* 4.10.1: invalid p with a valid rua -> p=none; without -> none */
	{ "v=DMARC1; p=bogus; rua=mailto:a@example.com", 1,
	  PI, NA, NA, AR, AR, DMARC_PSD_U, 0, -1, PN, PN },
	{ "v=DMARC1; p=bogus", 1, PI, NA, NA, AR, AR, DMARC_PSD_U, 0, -1,
	  NA, NA },
	{ "v=DMARC1; p=reject; sp=bogus", 1, PR, PI, NA, AR, AR, DMARC_PSD_U,
	  0, -1, NA, NA },
	{ "v=DMARC1; p=reject; sp=none; rua=nonsense", 1,
	  PR, PN, NA, AR, AR, DMARC_PSD_U, 0, -1, PR, PN },
	/* 4.8: invalid values of other tags fall back to defaults */
	{ "v=DMARC1; p=reject; adkim=x; aspf=strict; psd=maybe; t=1", 1,
	  PR, NA, NA, AR, AR, DMARC_PSD_U, 0, -1, PR, PR },
	/* A.6: pct=0 is what t=y replaced; pct other values ignored */
	{ "v=DMARC1; p=reject; pct=0", 1, PR, NA, NA, AR, AR, DMARC_PSD_U,
	  1, 0, PR, PR },
	{ "v=DMARC1; p=reject; pct=0; t=n", 1, PR, NA, NA, AR, AR,
	  DMARC_PSD_U, 0, 0, PR, PR },
	{ "v=DMARC1; p=reject; pct=50; rf=afrf; ri=86400", 1,
	  PR, NA, NA, AR, AR, DMARC_PSD_U, 0, 50, PR, PR },
	{ "v=DMARC1; p=reject; pct=101", 1, PR, NA, NA, AR, AR, DMARC_PSD_U,
	  0, -1, PR, PR },
	/* unknown tags ignored; a duplicate tag: first one wins */
	{ "v=DMARC1; p=quarantine; future=1; x_y=z", 1,
	  PQ, NA, NA, AR, AR, DMARC_PSD_U, 0, -1, PQ, PQ },
	{ "v=DMARC1; p=reject; p=none", 1, PR, NA, NA, AR, AR, DMARC_PSD_U,
	  0, -1, PR, PR },
	{ "v=DMARC1; p=reject; garbage; sp=none", 1,
	  PR, PN, NA, AR, AR, DMARC_PSD_U, 0, -1, PR, PN },
};

START_TEST(test_record)
{
	const struct record_case *c = &record_cases[_i];
	struct arena *a = arena_new(0);
	struct dmarc_record rec;
	const char *err = NULL;
	int rc = dmarc_record_parse(c->text, strlen(c->text), a, &rec, &err);

	ck_assert_msg((rc == 0) == c->is_dmarc, "%s: got rc %d, want %s",
		      c->text, rc, c->is_dmarc ? "record" : "not DMARC");
	if (rc == 0) {
		ck_assert_msg(rec.p == c->p && rec.sp == c->sp &&
			      rec.np == c->np, "%s: got p/sp/np %s/%s/%s",
			      c->text, dmarc_policy_str(rec.p),
			      dmarc_policy_str(rec.sp),
			      dmarc_policy_str(rec.np));
		ck_assert_msg(rec.adkim == c->adkim && rec.aspf == c->aspf,
			      "%s: got adkim %s aspf %s", c->text,
			      dmarc_alignment_str(rec.adkim),
			      dmarc_alignment_str(rec.aspf));
		ck_assert_msg(rec.psd == c->psd, "%s: got psd %d, want %d",
			      c->text, rec.psd, c->psd);
		ck_assert_msg(rec.testing == (c->testing != 0),
			      "%s: got testing %d", c->text, rec.testing);
		ck_assert_msg(rec.pct == c->pct, "%s: got pct %d, want %d",
			      c->text, rec.pct, c->pct);
		ck_assert_msg(dmarc_record_effective_policy(&rec, false,
							    false) ==
			      c->eff_self, "%s: self policy got %s, want %s",
			      c->text,
			      dmarc_policy_str(dmarc_record_effective_policy(
				      &rec, false, false)),
			      dmarc_policy_str(c->eff_self));
		ck_assert_msg(dmarc_record_effective_policy(&rec, true,
							    false) ==
			      c->eff_sub, "%s: sub policy got %s, want %s",
			      c->text,
			      dmarc_policy_str(dmarc_record_effective_policy(
				      &rec, true, false)),
			      dmarc_policy_str(c->eff_sub));
	}
	arena_free(&a);
}
END_TEST

/* 4.7 np: non-existent subdomains get np, else sp, else p. */
START_TEST(test_np_fallbacks)
{
	static const struct {
		const char *text;
		enum dmarc_policy nx_sub;
	} cases[] = {
		{ "v=DMARC1; p=none; sp=quarantine; np=reject", PR },
		{ "v=DMARC1; p=none; sp=quarantine", PQ },
		{ "v=DMARC1; p=reject", PR },
	};
	struct arena *a = arena_new(0);
	struct dmarc_record rec;
	const char *err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(dmarc_record_parse(cases[i].text,
			strlen(cases[i].text), a, &rec, &err), 0);
		ck_assert_msg(dmarc_record_effective_policy(&rec, true, true) ==
			      cases[i].nx_sub, "%s: got %s, want %s",
			      cases[i].text,
			      dmarc_policy_str(dmarc_record_effective_policy(
				      &rec, true, true)),
			      dmarc_policy_str(cases[i].nx_sub));
		/* np never applies to the domain itself */
		ck_assert_int_eq(dmarc_record_effective_policy(&rec, false,
							       true), rec.p);
	}
	arena_free(&a);
}
END_TEST

START_TEST(test_result_str)
{
	static const char *const tokens[] = { "none", "pass", "fail",
					      "temperror", "permerror" };
	enum dmarc_result r;
	size_t i;

	for (i = 0; i < 5; i++) {
		ck_assert_str_eq(dmarc_result_str((enum dmarc_result)i),
				 tokens[i]);
		ck_assert_msg(dmarc_result_parse(tokens[i], &r), "%s unknown",
			      tokens[i]);
		ck_assert_int_eq(r, (int)i);
	}
	ck_assert_msg(dmarc_result_parse("PASS", &r), "PASS unknown");
	ck_assert_int_eq(r, DMARC_RESULT_PASS);
	r = DMARC_RESULT_NONE;
	ck_assert_msg(!dmarc_result_parse("softfail", &r), "softfail parsed");
	ck_assert_int_eq(r, DMARC_RESULT_NONE); /* untouched */
	ck_assert_str_eq(dmarc_policy_str(DMARC_POLICY_QUARANTINE),
			 "quarantine");
}
END_TEST

/* ---- tree walk names and Organizational Domain selection ------------- */

static void
assert_names(const char *domain, const char *const *want, size_t nwant)
{
	const char *names[DMARC_WALK_MAX_QUERIES];
	size_t n = dmarc_walk_names(domain, names), i;

	ck_assert_msg(n == nwant, "%s: got %zu names, want %zu", domain, n,
		      nwant);
	for (i = 0; i < n; i++)
		ck_assert_msg(strcmp(names[i], want[i]) == 0,
			      "%s: name %zu got %s, want %s", domain, i,
			      names[i], want[i]);
}

START_TEST(test_walk_names)
{
	/* 4.10: "a full DNS Tree Walk would require the following eight
	   queries" */
	static const char *const rfc_4_10[] = {
		"a.b.c.d.e.f.g.h.i.j.mail.example.com", "g.h.i.j.mail.example.com",
		"h.i.j.mail.example.com", "i.j.mail.example.com",
		"j.mail.example.com", "mail.example.com", "example.com", "com",
	};
	/* B.4.2 */
	static const char *const rfc_b_4_2[] = {
		"a.b.c.d.e.f.g.h.i.j.k.example.com", "g.h.i.j.k.example.com",
		"h.i.j.k.example.com", "i.j.k.example.com", "j.k.example.com",
		"k.example.com", "example.com", "com",
	};
	/* 4.10.2: "starting with _dmarc.a.mail.example.com and finishing
	   with _dmarc.com" */
	static const char *const rfc_4_10_2[] = {
		"a.mail.example.com", "mail.example.com", "example.com", "com",
	};
	/* exactly eight labels: the immediate parent comes next (4.10.1) */
	static const char *const eight[] = {
		"a.b.c.d.e.f.example.com", "b.c.d.e.f.example.com",
		"c.d.e.f.example.com", "d.e.f.example.com", "e.f.example.com",
		"f.example.com", "example.com", "com",
	};

	assert_names(rfc_4_10[0], rfc_4_10, 8);
	assert_names(rfc_b_4_2[0], rfc_b_4_2, 8);
	assert_names(rfc_4_10_2[0], rfc_4_10_2, 4);
	assert_names(eight[0], eight, 8);
	ck_assert_uint_eq(dmarc_walk_names("", (const char *[8]){ 0 }), 0);
}
END_TEST

START_TEST(test_org_select_rfc_examples)
{
	struct dmarc_record plain, psd_n, psd_y;
	struct dmarc_walk_step s[4] = {
		{ "a.mail.example.com", NULL }, { "mail.example.com", NULL },
		{ "example.com", NULL }, { "com", NULL },
	};

	memset(&plain, 0, sizeof(plain));
	psd_n = plain;
	psd_y = plain;
	psd_n.psd = DMARC_PSD_N;
	psd_y.psd = DMARC_PSD_Y;
	/* "records at _dmarc.mail.example.com and _dmarc.example.com ...
	   the Organizational Domain ... would be example.com" */
	s[1].record = &plain;
	s[2].record = &plain;
	ck_assert_str_eq(dmarc_org_select(s, 4), "example.com");
	/* "_dmarc.mail.example.com with psd=n ... mail.example.com"
	   (the walk stops there) */
	s[1].record = &psd_n;
	s[2].record = NULL;
	ck_assert_str_eq(dmarc_org_select(s, 2), "mail.example.com");
	/* "only ... _dmarc.com and that record contains psd=y ...
	   example.com" */
	s[1].record = NULL;
	s[3].record = &psd_y;
	ck_assert_str_eq(dmarc_org_select(s, 4), "example.com");
	/* "If this process does not determine the Organizational Domain,
	   then the initial target domain is the Organizational Domain." */
	s[3].record = NULL;
	ck_assert_str_eq(dmarc_org_select(s, 4), "a.mail.example.com");
	/* psd=y on the starting domain itself: rule 2 does not apply */
	s[0].record = &psd_y;
	ck_assert_str_eq(dmarc_org_select(s, 1), "a.mail.example.com");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dmarc_record");
	TCase *tc = tcase_create("record");

	tcase_add_loop_test(tc, test_record, 0,
			    sizeof(record_cases) / sizeof(record_cases[0]));
	tcase_add_test(tc, test_np_fallbacks);
	tcase_add_test(tc, test_result_str);
	suite_add_tcase(s, tc);
	tc = tcase_create("walk");
	tcase_add_test(tc, test_walk_names);
	tcase_add_test(tc, test_org_select_rfc_examples);
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
