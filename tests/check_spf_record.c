/*
 * check_spf_record.c - the SPF record parser (RFC 7208 4.5, 4.6, 5, 6),
 * the macro expander (7) and CIDR matching (5.6).
 *
 * Expected values: validity follows from the RFC 7208 ABNF (the section
 * is named per case); macro expansions are the RFC 7208 section 7.4
 * examples, plus a few cases whose values were produced by an independent
 * implementation, pyspf 2.0.14 (Debian python3-spf), marked as such.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "spf/spf-addr.h"
#include "spf/spf-macro.h"
#include "spf/spf-record.h"
#include "spf/spf.h"
#include "harness.h"

static const struct {
	const char *record;
	int ok;        /* 1 valid, 0 syntax error */
	size_t nterms; /* mechanisms, when valid */
	const char *why;
} record_cases[] = {
    {"v=spf1", 1, 0, "4.6.1: version alone"},
    {"V=SPF1 -ALL", 1, 1, "4.6.1 / 4.6.2: case-insensitive"},
    {"v=spf1 a -all ", 1, 2, "4.6.1: record = version terms *SP"},
    {"v=spf1   ip4:192.0.2.0/24    -all", 1, 2, "4.6.1: 1*SP"},
    {"v=spf1 a/24//64 mx:example.com/24 ip4:192.0.2.0/24 "
     "ip6:2001:db8::/32 ptr exists:%{i}.x.example.com "
     "include:_spf.example.com ?all",
     1, 8, "5: every mechanism"},
    {"v=spf1 +a ~mx -ptr ?all", 1, 4, "4.6.2: qualifiers"},
    {"v=spf1 a:example.com.", 1, 1, "4.6.1: domain-end may end in '.'"},
    {"v=spf1 foo=bar x-y_z.w=%{d}", 1, 0, "6: unknown modifiers"},
    {"v=spf1 foo=", 1, 0, "6: unknown-modifier value may be empty"},
    {"v=spf1 exists:%{ir}.%{v}._spf.%{d2}", 1, 1, "7.4: macro domain-end"},
    {"v=spf1 a:foo.%-", 1, 1, "7.1: %- is a macro-expand"},
    {"v=spf1 a//0", 1, 1, "5.6: ip6-cidr-length 0"},
    {"v=spf1 redirect=_spf.example.com", 1, 0, "6.1"},
    {"v=spf1 -all exp=explain.%{d}", 1, 1, "6.2"},
    {"v=spf1 ip4:192.0.2.0/33", 0, 0, "5.6: ip4-cidr-length <= 32"},
    {"v=spf1 ip6:2001:db8::/129", 0, 0, "5.6: ip6-cidr-length <= 128"},
    {"v=spf1 a/024", 0, 0, "5.6: no leading zero in a CIDR length"},
    {"v=spf1 ip4:192.0.2", 0, 0, "5.6: ip4-network is a dotted quad"},
    {"v=spf1 ip4:192.0.2.1/", 0, 0, "5.6: empty CIDR length"},
    {"v=spf1 ip6:192.0.2.1", 0, 0, "5.6: ip6-network"},
    {"v=spf1 redirect=a.example.com redirect=b.example.com", 0, 0,
     "6: redirect at most once"},
    {"v=spf1 exp=a.example.com exp=b.example.com", 0, 0, "6: exp at most once"},
    {"v=spf1 -foo=bar", 0, 0, "4.6.1: no qualifier on a modifier"},
    {"v=spf1 1foo=bar", 0, 0, "6: name = ALPHA *(...)"},
    {"v=spf1 foo=%{z}", 0, 0, "7.1: unknown macro letter"},
    {"v=spf1 a:example", 0, 0, "4.6.1: domain-end = \".\" toplabel"},
    {"v=spf1 a:192.0.2.1", 0, 0, "4.6.1: toplabel is not all digits"},
    {"v=spf1 a:example.-com", 0, 0, "4.6.1: toplabel"},
    {"v=spf1 include:", 0, 0, "5.2: include needs a domain-spec"},
    {"v=spf1 exists", 0, 0, "5.7: exists needs a domain-spec"},
    {"v=spf1 all:example.com", 0, 0, "5.1: all takes no argument"},
    {"v=spf1 ptr/24", 0, 0, "5.5: ptr has no CIDR length"},
    {"v=spf1 ip4:192.0.2.1//64", 0, 0, "5.6: ip4 has no ip6 length"},
    {"v=spf1 aa", 0, 0, "4.6.1: unknown mechanism"},
    {"v=spf1 exp=%{c}.example.com", 0, 0, "7.3: c only in exp text"},
    {"v=spf1 a:%{d", 0, 0, "7.1: unterminated macro"},
    {"v=spf1 a:%{d0}.example.com", 0, 0, "7.1: digit transformer > 0"},
    {"v=spf1 a:50%.example.com", 0, 0, "7.1: lone %"},
    {"v=spf1 ip4:192.0.2.1 -all\x80", 0, 0, "4.6.1: 8-bit octet"},
    {"v=spf1 a:ctrl.example.com\rptr -all", 0, 0, "4.6.1: SP only"},
    {"v=spf1 -all redirect=", 0, 0, "6.1: redirect needs a domain"},
};

START_TEST(test_record_parse)
{
	struct arena *arena = arena_new(0);
	struct spf_record *rec;
	const char *err = NULL, *text = record_cases[_i].record;
	int r = spf_record_parse(text, strlen(text), arena, &rec, &err);

	ck_assert_msg((r == 0) == (record_cases[_i].ok != 0),
	              "%s (%s): got %s (%s), want %s", text,
	              record_cases[_i].why, r == 0 ? "valid" : "error",
	              r == 0 ? "" : err,
	              record_cases[_i].ok ? "valid" : "error");
	if (r == 0)
		ck_assert_msg(rec->nterms == record_cases[_i].nterms,
		              "%s: got %zu terms, want %zu", text, rec->nterms,
		              record_cases[_i].nterms);
	arena_free(&arena);
}
END_TEST

START_TEST(test_record_nul)
{
	static const char rec[] = "v=spf1 a:foo.example.com\0 -all";
	struct arena *arena = arena_new(0);
	struct spf_record *r;
	const char *err;

	/* a NUL octet is no macro-literal (4.6.1, 7.1) */
	ck_assert_int_eq(
	    spf_record_parse(rec, sizeof(rec) - 1, arena, &r, &err), -1);
	arena_free(&arena);
}
END_TEST

START_TEST(test_record_fields)
{
	static const char rec[] =
	    "v=spf1 ~a:mail.example.com/24//64 mx//0 ip6:2001:db8::/32 "
	    "-ip4:192.0.2.128/25 redirect=_spf.%{d} exp=e.%{p}.example.com";
	struct arena *arena = arena_new(0);
	struct spf_record *r;
	const struct spf_term *t;
	const char *err = NULL;

	ck_assert_msg(spf_record_parse(rec, strlen(rec), arena, &r, &err) == 0,
	              "%s", err);
	ck_assert_uint_eq(r->nterms, 4);
	t = &r->terms[0];
	ck_assert_int_eq(t->mechanism, SPF_MECH_A);
	ck_assert_int_eq(t->qualifier, SPF_SOFTFAIL);
	ck_assert_str_eq(t->domain_spec, "mail.example.com");
	ck_assert_uint_eq(t->cidr4, 24);
	ck_assert_uint_eq(t->cidr6, 64);
	t = &r->terms[1];
	ck_assert_int_eq(t->mechanism, SPF_MECH_MX);
	ck_assert_ptr_null(t->domain_spec);
	ck_assert_uint_eq(t->cidr4, 32);
	ck_assert_uint_eq(t->cidr6, 0);
	t = &r->terms[2];
	ck_assert_int_eq(t->qualifier, SPF_PASS);
	ck_assert(t->network.v6);
	ck_assert_uint_eq(t->cidr6, 32);
	t = &r->terms[3];
	ck_assert_int_eq(t->qualifier, SPF_FAIL);
	ck_assert_uint_eq(t->cidr4, 25);
	ck_assert_str_eq(t->text, "-ip4:192.0.2.128/25");
	ck_assert_str_eq(r->redirect, "_spf.%{d}");
	ck_assert(!r->redirect_uses_p);
	ck_assert_str_eq(r->exp, "e.%{p}.example.com");
	ck_assert(r->exp_uses_p);
	arena_free(&arena);
}
END_TEST

START_TEST(test_record_selection)
{
	/* 4.5: "v=spf1" followed by SP or the end, case-insensitive */
	ck_assert(spf_record_is_spf1("v=spf1", 6));
	ck_assert(spf_record_is_spf1("V=Spf1 -all", 11));
	ck_assert(!spf_record_is_spf1("v=spf10 -all", 12));
	ck_assert(!spf_record_is_spf1("v=spf1\t-all", 11));
	ck_assert(!spf_record_is_spf1(" v=spf1", 7));
	ck_assert(!spf_record_is_spf1("v=spf", 5));
}
END_TEST

/* RFC 7208 7.4: sender strong-bad@email.example.com, IPv4 192.0.2.3,
 * IPv6 2001:db8::cb01. */
static const struct {
	const char *macro, *want, *ip;
} macro_cases[] = {
    {"%{s}", "strong-bad@email.example.com", NULL},
    {"%{o}", "email.example.com", NULL},
    {"%{d}", "email.example.com", NULL},
    {"%{d4}", "email.example.com", NULL},
    {"%{d3}", "email.example.com", NULL},
    {"%{d2}", "example.com", NULL},
    {"%{d1}", "com", NULL},
    {"%{dr}", "com.example.email", NULL},
    {"%{d2r}", "example.email", NULL},
    {"%{l}", "strong-bad", NULL},
    {"%{l-}", "strong.bad", NULL},
    {"%{lr}", "strong-bad", NULL},
    {"%{lr-}", "bad.strong", NULL},
    {"%{l1r-}", "strong", NULL},
    {"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com", NULL},
    {"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com", NULL},
    {"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
     "bad.strong.lp.3.2.0.192.in-addr._spf.example.com", NULL},
    {"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
     "3.2.0.192.in-addr.strong.lp._spf.example.com", NULL},
    {"%{d2}.trusted-domains.example.net",
     "example.com.trusted-domains.example.net", NULL},
    {"%{ir}.%{v}._spf.%{d2}",
     "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
     "ip6._spf.example.com",
     "2001:db8::cb01"},
    /* values from pyspf 2.0.14 */
    {"%{S}", "strong-bad%40email.example.com", NULL},
    {"x%%y%_z%-w", "x%y z%20w", NULL},
    {"%{d5}", "email.example.com", NULL},
    {"%{l+-}", "strong.bad", NULL},
    {"%{h}", "mx.example.org", NULL},
};

START_TEST(test_macro_rfc_examples)
{
	struct arena *arena = arena_new(0);
	struct spf_addr ip;
	struct spf_macro_vars v = {"strong-bad@email.example.com",
	                           "strong-bad",
	                           "email.example.com",
	                           "email.example.com",
	                           &ip,
	                           NULL,
	                           "mx.example.org",
	                           NULL,
	                           0};
	const char *err = NULL, *m = macro_cases[_i].macro;
	char *out = NULL;

	ck_assert_int_eq(spf_addr_parse(macro_cases[_i].ip != NULL
	                                    ? macro_cases[_i].ip
	                                    : "192.0.2.3",
	                                &ip),
	                 0);
	ck_assert_msg(spf_macro_expand(arena, m, strlen(m), SPF_MACRO_DOMAIN,
	                               &v, &out, &err) == 0,
	              "%s: %s", m, err);
	ck_assert_msg(strcmp(out, macro_cases[_i].want) == 0,
	              "%s: got %s, want %s", m, out, macro_cases[_i].want);
	arena_free(&arena);
}
END_TEST

START_TEST(test_macro_explain_letters)
{
	struct arena *arena = arena_new(0);
	struct spf_addr ip;
	struct spf_macro_vars v = {
	    "a@b.example", "a",  "b.example",      "b.example", &ip,
	    NULL,          NULL, "mx.example.net", 1117574938};
	const char *err = NULL, *m = "%{c} %{r} %{t} %{p} %{h}";
	char *out = NULL;

	/* 7.3: c is the readable address, r the receiver, t the time; p
	 * and h are "unknown" when not known */
	ck_assert_int_eq(spf_addr_parse("2001:DB8::CB01", &ip), 0);
	ck_assert_int_eq(spf_macro_expand(arena, m, strlen(m),
	                                  SPF_MACRO_EXPLAIN, &v, &out, &err),
	                 0);
	ck_assert_str_eq(out, "2001:db8::cb01 mx.example.net 1117574938 "
	                      "unknown unknown");
	ck_assert_int_eq(
	    spf_macro_check("%{c}", 4, SPF_MACRO_DOMAIN, NULL, &err), -1);
	ck_assert_int_eq(
	    spf_macro_check("a b", 3, SPF_MACRO_DOMAIN, NULL, &err), -1);
	ck_assert_int_eq(
	    spf_macro_check("a b", 3, SPF_MACRO_EXPLAIN, NULL, &err), 0);
	arena_free(&arena);
}
END_TEST

START_TEST(test_macro_bounded)
{
	struct arena *arena = arena_new(0);
	struct spf_addr ip;
	struct spf_macro_vars v = {"a@b.example", "a",  "b.example",
	                           "b.example",   &ip,  NULL,
	                           NULL,          NULL, 0};
	char *m = malloc(4 * 4000 + 1), *out = NULL;
	const char *err = NULL, *t;
	size_t i;

	ck_assert_int_eq(spf_addr_parse("192.0.2.1", &ip), 0);
	for (i = 0; i < 4000; i++)
		memcpy(m + 4 * i, "%{s}", 4);
	m[4 * 4000] = '\0';
	ck_assert_int_eq(spf_macro_expand(arena, m, strlen(m), SPF_MACRO_DOMAIN,
	                                  &v, &out, &err),
	                 -1);
	/* 7.3: names over 253 octets lose labels on the left */
	for (i = 0; i < 100; i++)
		memcpy(m + 4 * i, "abc.", 4);
	strcpy(m + 400, "example.com");
	t = spf_macro_truncate_domain(m);
	ck_assert_uint_le(strlen(t), 253);
	ck_assert_uint_gt(strlen(t), 249);
	ck_assert(strncmp(t, "abc.", 4) == 0);
	free(m);
	arena_free(&arena);
}
END_TEST

static const struct {
	const char *client, *net;
	unsigned int prefix;
	bool match;
} cidr_cases[] = {
    {"192.0.2.3", "192.0.2.0", 24, true},
    {"192.0.2.3", "192.0.2.0", 32, false},
    {"192.0.2.3", "192.0.2.0", 31, false},
    {"192.0.2.3", "192.0.2.2", 31, true},
    {"192.0.2.3", "0.0.0.0", 0, true},
    {"198.51.100.1", "192.0.2.0", 8, false},
    {"::ffff:192.0.2.3", "192.0.2.0", 24, true}, /* 5.6 */
    {"2001:db8::cb01", "2001:db8::", 32, true},
    {"2001:db8::cb01", "2001:db9::", 32, false},
    {"2001:db8::cb01", "2001:db8::cb00", 127, true},
    {"2001:db8::cb01", "2001:db8::cb00", 128, false},
    {"2001:db8::1", "::", 0, true},
    {"192.0.2.3", "::", 0, false}, /* families never mix */
};

START_TEST(test_cidr)
{
	struct spf_addr client, net;

	ck_assert_int_eq(spf_addr_parse(cidr_cases[_i].client, &client), 0);
	ck_assert_int_eq(spf_addr_parse(cidr_cases[_i].net, &net), 0);
	ck_assert_msg(spf_addr_match(&client, &net, cidr_cases[_i].prefix) ==
	                  cidr_cases[_i].match,
	              "%s in %s/%u: got %d, want %d", cidr_cases[_i].client,
	              cidr_cases[_i].net, cidr_cases[_i].prefix,
	              !cidr_cases[_i].match, cidr_cases[_i].match);
}
END_TEST

START_TEST(test_addr_forms)
{
	struct arena *arena = arena_new(0);
	struct spf_addr a;

	ck_assert_int_eq(spf_addr_parse("not-an-ip", &a), -1);
	ck_assert_int_eq(spf_addr_parse("::ffff:192.0.2.3", &a), 0);
	ck_assert(!a.v6);
	ck_assert_str_eq(spf_addr_reverse_name(arena, &a),
	                 "3.2.0.192.in-addr.arpa");
	ck_assert_int_eq(spf_addr_parse("2001:db8::cb01", &a), 0);
	ck_assert_str_eq(spf_addr_reverse_name(arena, &a),
	                 "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	                 "8.b.d.0.1.0.0.2.ip6.arpa");
	arena_free(&arena);
}
END_TEST

START_TEST(test_result_str)
{
	static const char *const names[] = {"none",     "neutral",  "pass",
	                                    "fail",     "softfail", "temperror",
	                                    "permerror"};
	enum spf_result r;
	int i;

	for (i = 0; i < 7; i++) {
		ck_assert_str_eq(spf_result_str((enum spf_result)i), names[i]);
		ck_assert_msg(spf_result_parse(names[i], &r), "%s unknown", names[i]);
		ck_assert_int_eq(r, i);
	}
	ck_assert_msg(spf_result_parse("PermError", &r), "PermError unknown");
	ck_assert_int_eq(r, SPF_PERMERROR);
	r = SPF_PASS;
	ck_assert_msg(!spf_result_parse("unknown", &r), "\"unknown\" parsed");
	ck_assert_int_eq(r, SPF_PASS); /* untouched */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("spf_record");
	TCase *tc = tcase_create("parse");
	int failed;

	tcase_add_loop_test(tc, test_record_parse, 0,
	                    sizeof(record_cases) / sizeof(record_cases[0]));
	tcase_add_test(tc, test_record_nul);
	tcase_add_test(tc, test_record_fields);
	tcase_add_test(tc, test_record_selection);
	tcase_add_loop_test(tc, test_macro_rfc_examples, 0,
	                    sizeof(macro_cases) / sizeof(macro_cases[0]));
	tcase_add_test(tc, test_macro_explain_letters);
	tcase_add_test(tc, test_macro_bounded);
	tcase_add_loop_test(tc, test_cidr, 0,
	                    sizeof(cidr_cases) / sizeof(cidr_cases[0]));
	tcase_add_test(tc, test_addr_forms);
	tcase_add_test(tc, test_result_str);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? 0 : 1;
}
