/*
 * check_spf.c - check_host() evaluation through the real libunbound code
 * (zone data as local-data in a libunbound configuration): the processing
 * limits of RFC 7208 4.6.4 (10 DNS terms, 10 MX names, 2 void lookups),
 * hostile records (include loops, redirect loops, huge records), the
 * identities of 2.3 / 2.4 / 4.3, IPv4-mapped clients, the explanation
 * (6.2), many concurrent checks on one resolver, and cancellation.
 * Expected results follow from the RFC sections named in each case.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dns/dns.h"
#include "harness.h"
#include "spf/spf.h"

static char *tmpdir, *config;

static void
add_txt(struct buf *b, const char *name, const char *text)
{
	size_t len = strlen(text), off;

	/* character-strings of at most 255 octets (RFC 1035 3.3) */
	buf_printf(b, "local-data: '%s. 300 IN TXT", name);
	for (off = 0; off < len; off += 255)
		buf_printf(b, " \"%.*s\"",
		           (int)(len - off > 255 ? 255 : len - off),
		           text + off);
	buf_append_str(b, "'\n");
}

static void
build_zones(struct buf *b)
{
	struct buf rec = BUF_INIT;
	int i;

	buf_append_str(b, "server:\n local-zone: \"test.\" static\n");
	/* the SOA makes NXDOMAIN cacheable (RFC 2308 5): void lookups, too,
	 * come from the answer cache in test_limits_from_cache */
	buf_append_str(b, "local-data: \"test. 300 IN SOA ns.test. h.test. "
	                  "1 3600 600 86400 300\"\n");
	/* a chain of includes: chainN includes chainN+1 */
	for (i = 0; i < 12; i++) {
		char name[64], text[128];

		snprintf(name, sizeof(name), "chain%d.test", i);
		snprintf(text, sizeof(text),
		         "v=spf1 ip4:192.0.2.%d include:chain%d.test", 100 + i,
		         i + 1);
		add_txt(b, name, text);
	}
	add_txt(b, "loop.test", "v=spf1 include:loop.test -all");
	add_txt(b, "redir-loop.test", "v=spf1 redirect=redir-loop.test");
	add_txt(b, "void2.test",
	        "v=spf1 a:nx1.test a:nx2.test "
	        "ip4:192.0.2.1 -all");
	add_txt(b, "void3.test",
	        "v=spf1 a:nx1.test a:nx2.test a:nx3.test "
	        "ip4:192.0.2.1 -all");
	add_txt(b, "mx11.test", "v=spf1 mx -all");
	add_txt(b, "mx10.test", "v=spf1 mx -all");
	for (i = 0; i < 11; i++) {
		buf_printf(
		    b, "local-data: \"mx11.test. 300 IN MX %d m%d.test.\"\n", i,
		    i);
		if (i < 10)
			buf_printf(b,
			           "local-data: \"mx10.test. 300 IN MX %d "
			           "m%d.test.\"\n",
			           i, i);
		buf_printf(b, "local-data: \"m%d.test. 300 IN A 192.0.2.%d\"\n",
		           i, 10 + i);
	}
	/* 60 a: terms (only 10 may be looked up), then a matching ip4 */
	buf_append_str(&rec, "v=spf1");
	for (i = 0; i < 60; i++)
		buf_printf(&rec, " a:h%d.test", i);
	buf_append_str(&rec, " ip4:192.0.2.1 -all");
	add_txt(b, "huge.test", buf_cstr(&rec));
	/* 400 ip4 terms need no lookup at all */
	buf_reset(&rec);
	buf_append_str(&rec, "v=spf1");
	for (i = 0; i < 400; i++)
		buf_printf(&rec, " ip4:198.51.100.%d", i % 256);
	buf_append_str(&rec, " ip4:192.0.2.1 -all");
	add_txt(b, "many-ip4.test", buf_cstr(&rec));
	buf_free(&rec);
	add_txt(b, "simple.test",
	        "v=spf1 ip4:192.0.2.1 -all "
	        "exp=why.%{d}");
	add_txt(b, "why.simple.test", "%{i} may not send for %{d} (%{l})");
	add_txt(b, "helo.test", "v=spf1 a -all");
	buf_append_str(b, "local-data: \"helo.test. 300 IN A 192.0.2.7\"\n");
	add_txt(b, "v6.test", "v=spf1 ip6:2001:db8::/32 -all");
	add_txt(b, "late-error.test", "v=spf1 ip4:192.0.2.1 bad:mech");
}

static void
setup(void)
{
	struct buf zones = BUF_INIT;

	build_zones(&zones);
	tmpdir = harness_tmpdir("spf-check");
	ck_assert_ptr_nonnull(tmpdir);
	config =
	    harness_write_file(tmpdir, "libunbound.conf", buf_cstr(&zones));
	ck_assert_ptr_nonnull(config);
	buf_free(&zones);
}

static void
teardown(void)
{
	unlink(config);
	rmdir(tmpdir);
	free(config);
	free(tmpdir);
}

static struct dns_resolver *
resolver(void)
{
	struct dns_settings set;
	struct dns_resolver *r = NULL;
	const char *err = NULL;

	memset(&set, 0, sizeof(set));
	set.resolver_config = config;
	set.timeout_ms = 5000;
	ck_assert_msg(dns_resolver_new(&set, NULL, NULL, &r, &err) == 0, "%s",
	              err);
	return r;
}

static enum spf_result
check(const char *ip, const char *mail_from, const char *helo,
      const struct spf_settings *set, struct arena *arena,
      struct spf_verdict *v)
{
	struct dns_resolver *r = resolver();
	struct spf_request req = {SPF_IDENTITY_MAILFROM, ip, helo, mail_from,
	                          "mx.receiver.test"};
	const char *err = NULL;

	ck_assert_msg(spf_check_run(r, set, &req, NULL, arena, v, &err) == 0,
	              "%s", err);
	dns_resolver_free(&r);
	return v->result;
}

static const struct {
	const char *ip, *mail_from, *helo;
	enum spf_result want;
	const char *why;
} cases[] = {
    {"192.0.2.110", "a@chain0.test", "h.test", SPF_PASS,
     "4.6.4: 10 includes are within the limit"},
    {"192.0.2.111", "a@chain0.test", "h.test", SPF_PERMERROR,
     "4.6.4: the 11th include exceeds the limit"},
    {"192.0.2.1", "a@loop.test", "h.test", SPF_PERMERROR,
     "4.6.4: an include loop ends at the limit"},
    {"192.0.2.1", "a@redir-loop.test", "h.test", SPF_PERMERROR,
     "4.6.4: redirect counts as a DNS term"},
    {"192.0.2.1", "a@void2.test", "h.test", SPF_PASS,
     "4.6.4: two void lookups are allowed"},
    {"192.0.2.1", "a@void3.test", "h.test", SPF_PERMERROR,
     "4.6.4: the third void lookup is a permerror"},
    {"192.0.2.19", "a@mx10.test", "h.test", SPF_PASS,
     "4.6.4: 10 MX names are allowed"},
    {"192.0.2.10", "a@mx11.test", "h.test", SPF_PERMERROR,
     "4.6.4: more than 10 MX names is a permerror"},
    {"192.0.2.1", "a@huge.test", "h.test", SPF_PERMERROR,
     "4.6.4: 60 a: terms stop at the 11th"},
    {"192.0.2.1", "a@many-ip4.test", "h.test", SPF_PASS,
     "4.6.4: ip4 terms need no lookup"},
    {"192.0.2.1", "a@late-error.test", "h.test", SPF_PERMERROR,
     "4.6: a syntax error after a matching term"},
    {"::ffff:192.0.2.1", "a@simple.test", "h.test", SPF_PASS,
     "5: IPv4-mapped IPv6 is IPv4"},
    {"2001:db8::1", "a@v6.test", "h.test", SPF_PASS, "5.6: ip6"},
    {"192.0.2.1", "a@v6.test", "h.test", SPF_FAIL,
     "5.6: ip6 never matches IPv4"},
    {"192.0.2.7", "", "helo.test", SPF_PASS,
     "2.4: null reverse-path uses postmaster@HELO"},
    {"192.0.2.7", NULL, "helo.test", SPF_PASS, "2.4: NULL as well"},
    {"192.0.2.1", "a@nonexistent.test", "h.test", SPF_NONE,
     "4.3: no such domain"},
    {"192.0.2.1", "a@localhost", "h.test", SPF_NONE,
     "4.3: not a multi-label name"},
    {"192.0.2.1", "a@[192.0.2.1]", "h.test", SPF_NONE,
     "4.3: an address literal"},
    {"192.0.2.1", "a@foo..test", "h.test", SPF_NONE, "4.3: empty label"},
    {"192.0.2.1", "", NULL, SPF_NONE, "2.4: no HELO either"},
};

START_TEST(test_check_cases)
{
	struct arena *arena = arena_new(0);
	struct spf_verdict v;
	enum spf_result got = check(cases[_i].ip, cases[_i].mail_from,
	                            cases[_i].helo, NULL, arena, &v);

	ck_assert_msg(got == cases[_i].want, "%s %s (%s): got %s (%s), want %s",
	              cases[_i].ip, cases[_i].mail_from, cases[_i].why,
	              spf_result_str(got), v.reason,
	              spf_result_str(cases[_i].want));
	if (cases[_i].want == SPF_PERMERROR &&
	    strncmp(cases[_i].why, "4.6.4", 5) == 0)
		ck_assert_uint_le(v.dns_lookups, SPF_MAX_DNS_MECHANISMS + 1);
	arena_free(&arena);
}
END_TEST

/* The limits of RFC 7208 4.6.4 count DNS-querying terms and void
 * lookups, not packets: with the answer cache of lib/dns (dns-cache.h,
 * which spf-policyd turns on) the second evaluation of each case is
 * served from that cache, and must count (and stop) exactly as the first
 * did: an 11th include, a third void lookup, an 11th MX name are still a
 * permerror (issue 20 item 3: the cache must not change verdicts). */
START_TEST(test_limits_from_cache)
{
	struct dns_settings dset;
	struct dns_resolver *r = NULL;
	struct dns_result *a = NULL, *b = NULL;
	const char *err = NULL;
	size_t i;
	int round;

	memset(&dset, 0, sizeof(dset));
	dset.resolver_config = config;
	dset.timeout_ms = 5000;
	dset.cache_entries = 1000;
	ck_assert_msg(dns_resolver_new(&dset, NULL, NULL, &r, &err) == 0,
	              "%s", err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spf_request req = {SPF_IDENTITY_MAILFROM, cases[i].ip,
		                          cases[i].helo, cases[i].mail_from,
		                          "mx.receiver.test"};
		unsigned int lookups[2], voids[2];

		for (round = 0; round < 2; round++) {
			struct arena *arena = arena_new(0);
			struct spf_verdict v;

			ck_assert_msg(spf_check_run(r, NULL, &req, NULL, arena,
			                            &v, &err) == 0,
			              "%s", err);
			ck_assert_msg(v.result == cases[i].want,
			              "round %d, %s %s (%s): got %s, want %s",
			              round, cases[i].ip, cases[i].mail_from,
			              cases[i].why, spf_result_str(v.result),
			              spf_result_str(cases[i].want));
			lookups[round] = v.dns_lookups;
			voids[round] = v.void_lookups;
			arena_free(&arena);
		}
		ck_assert_msg(lookups[1] == lookups[0] && voids[1] == voids[0],
		              "%s: lookups %u/%u voids %u/%u from the cache",
		              cases[i].mail_from, lookups[1], lookups[0],
		              voids[1], voids[0]);
	}
	/* the second rounds were cache hits: the same result object */
	ck_assert(dns_lookup(r, "nx3.test", DNS_T_A, &a, &err) == 0);
	ck_assert(dns_lookup(r, "nx3.test", DNS_T_A, &b, &err) == 0);
	ck_assert_int_eq(a->outcome, DNS_NXDOMAIN);
	ck_assert_ptr_eq(a, b);
	dns_result_free(&a);
	dns_result_free(&b);
	ck_assert(dns_lookup(r, "chain10.test", DNS_T_TXT, &a, &err) == 0);
	ck_assert(dns_lookup(r, "chain10.test", DNS_T_TXT, &b, &err) == 0);
	ck_assert_ptr_eq(a, b);
	dns_result_free(&a);
	dns_result_free(&b);
	dns_resolver_free(&r);
}
END_TEST

START_TEST(test_verdict_fields)
{
	struct arena *arena = arena_new(0);
	struct spf_verdict v;

	ck_assert_int_eq(
	    check("192.0.2.99", "joe@simple.test", "h.test", NULL, arena, &v),
	    SPF_FAIL);
	ck_assert_str_eq(v.domain, "simple.test");
	ck_assert_str_eq(v.sender, "joe@simple.test");
	ck_assert_str_eq(v.mechanism, "-all");
	ck_assert_int_eq(v.identity, SPF_IDENTITY_MAILFROM);
	/* 6.2: exp= text, macro-expanded */
	ck_assert_str_eq(v.explanation,
	                 "192.0.2.99 may not send for simple.test (joe)");
	ck_assert(!v.explanation_is_default);
	ck_assert_int_eq(
	    check("192.0.2.1", "simple.test", "h.test", NULL, arena, &v),
	    SPF_PASS);
	ck_assert_str_eq(v.sender, "postmaster@simple.test"); /* 4.3 */
	ck_assert_ptr_null(v.explanation);
	arena_free(&arena);
}
END_TEST

START_TEST(test_settings_limits)
{
	struct arena *arena = arena_new(0);
	struct spf_settings set = {3, 1, "no: %{i} for %{d}"};
	struct spf_verdict v;

	ck_assert_int_eq(
	    check("192.0.2.103", "a@chain0.test", "h.test", NULL, arena, &v),
	    SPF_PASS);
	ck_assert_int_eq(
	    check("192.0.2.103", "a@chain0.test", "h.test", &set, arena, &v),
	    SPF_PASS);
	ck_assert_uint_eq(v.dns_lookups, 3);
	ck_assert_int_eq(
	    check("192.0.2.104", "a@chain0.test", "h.test", &set, arena, &v),
	    SPF_PERMERROR);
	ck_assert_int_eq(
	    check("192.0.2.1", "a@void2.test", "h.test", &set, arena, &v),
	    SPF_PERMERROR);
	ck_assert_int_eq(
	    check("192.0.2.8", "a@helo.test", "h.test", &set, arena, &v),
	    SPF_FAIL);
	ck_assert_str_eq(v.explanation, "no: 192.0.2.8 for helo.test");
	ck_assert(v.explanation_is_default);
	arena_free(&arena);
}
END_TEST

/* RFC 7208 6.2: without exp= a default explanation is returned; ours
 * names the client with %{c}, which 7.3 defines for display: "For IPv4
 * addresses, both the "i" and "c" macros expand to the standard
 * dotted-quad format.  For IPv6 addresses, the "i" macro expands to a
 * dot-format address ... The "c" macro can expand to any of the
 * hexadecimal colon-format addresses specified in Section 2.2 of
 * [RFC4291]." */
START_TEST(test_default_explanation)
{
	struct arena *arena = arena_new(0);
	struct spf_verdict v;

	ck_assert_int_eq(
	    check("2001:db9::9", "a@v6.test", "h.test", NULL, arena, &v),
	    SPF_FAIL);
	ck_assert(v.explanation_is_default);
	ck_assert_str_eq(v.explanation, "2001:db9::9 is not one of v6.test's "
	                                "designated mail servers.");
	ck_assert_int_eq(
	    check("192.0.2.1", "a@v6.test", "h.test", NULL, arena, &v),
	    SPF_FAIL);
	ck_assert_str_eq(v.explanation, "192.0.2.1 is not one of v6.test's "
	                                "designated mail servers.");
	arena_free(&arena);
}
END_TEST

START_TEST(test_helo_identity)
{
	struct dns_resolver *r = resolver();
	struct arena *arena = arena_new(0);
	struct spf_request req = {SPF_IDENTITY_HELO, "192.0.2.8", "helo.test",
	                          "a@simple.test", NULL};
	struct spf_verdict v;
	const char *err;

	/* 2.3: the HELO identity checks the HELO name, whatever MAIL FROM */
	ck_assert_int_eq(spf_check_run(r, NULL, &req, NULL, arena, &v, &err),
	                 0);
	ck_assert_int_eq(v.result, SPF_FAIL);
	ck_assert_str_eq(v.domain, "helo.test");
	ck_assert_str_eq(v.sender, "postmaster@helo.test");
	req.client_ip = "not-an-ip";
	ck_assert_int_eq(spf_check_run(r, NULL, &req, NULL, arena, &v, &err),
	                 -1);
	dns_resolver_free(&r);
	arena_free(&arena);
}
END_TEST

struct collect {
	unsigned int calls, pass, fail;
};

static void
collect_cb(const struct spf_verdict *v, void *context)
{
	struct collect *c = context;

	c->calls++;
	c->pass += v->result == SPF_PASS;
	c->fail += v->result == SPF_FAIL;
}

START_TEST(test_concurrent_and_cancel)
{
	struct dns_resolver *r = resolver();
	struct spf_check *checks[40], *cancelled;
	struct collect col = {0, 0, 0};
	struct spf_request req = {SPF_IDENTITY_MAILFROM, NULL, "h.test",
	                          "a@mx10.test", NULL};
	const char *err;
	int i;

	/* 40 evaluations in flight on one resolver, one loop */
	for (i = 0; i < 40; i++) {
		req.client_ip = i % 2 == 0 ? "192.0.2.15" : "192.0.2.200";
		ck_assert_int_eq(spf_check_start(r, NULL, &req, NULL,
		                                 collect_cb, &col, &checks[i],
		                                 &err),
		                 0);
	}
	ck_assert_int_eq(spf_check_start(r, NULL, &req, NULL, collect_cb, &col,
	                                 &cancelled, &err),
	                 0);
	ck_assert_uint_eq(col.calls, 0); /* never from inside start */
	spf_check_cancel(&cancelled);
	ck_assert_ptr_null(cancelled);
	ck_assert_int_eq(dns_resolver_run(r), 0);
	ck_assert_uint_eq(col.calls, 40);
	ck_assert_uint_eq(col.pass, 20);
	ck_assert_uint_eq(col.fail, 20);
	dns_resolver_free(&r);
}
END_TEST

struct canceller {
	struct spf_check *victim;
	unsigned int calls;
};

static void
cancel_cb(const struct spf_verdict *v, void *context)
{
	struct canceller *k = context;

	(void)v;
	k->calls++;
	spf_check_cancel(&k->victim);
}

static void
victim_cb(const struct spf_verdict *v, void *context)
{
	(void)v;
	(void)context;
	ck_abort_msg("a cancelled check delivered a verdict");
}

START_TEST(test_cancel_midway)
{
	/* cancel a check with an mx term (several DNS steps, a batch of
	 * address lookups) from another check's callback, at whatever
	 * step it is; nothing may leak or run afterwards (ASan build) */
	struct dns_resolver *r = resolver();
	struct spf_request fast = {SPF_IDENTITY_MAILFROM, "192.0.2.1", "h.test",
	                           "a@simple.test", NULL};
	struct spf_request slow = {SPF_IDENTITY_MAILFROM, "192.0.2.250",
	                           "h.test", "a@mx10.test", NULL};
	struct canceller k = {NULL, 0};
	struct spf_check *first;
	const char *err;
	int round;

	for (round = 0; round < 3; round++) {
		/* pass takes one DNS step, fail two (the explanation) */
		fast.client_ip = round == 1 ? "192.0.2.99" : "192.0.2.1";
		ck_assert_int_eq(spf_check_start(r, NULL, &slow, NULL,
		                                 victim_cb, NULL, &k.victim,
		                                 &err),
		                 0);
		ck_assert_int_eq(spf_check_start(r, NULL, &fast, NULL,
		                                 cancel_cb, &k, &first, &err),
		                 0);
		ck_assert_int_eq(dns_resolver_run(r), 0);
		ck_assert_ptr_null(k.victim);
	}
	ck_assert_uint_eq(k.calls, 3);
	dns_resolver_free(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("spf");
	TCase *tc = tcase_create("check_host");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_check_cases, 0,
	                    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_limits_from_cache);
	tcase_add_test(tc, test_verdict_fields);
	tcase_add_test(tc, test_settings_limits);
	tcase_add_test(tc, test_helo_identity);
	tcase_add_test(tc, test_default_explanation);
	tcase_add_test(tc, test_concurrent_and_cancel);
	tcase_add_test(tc, test_cancel_midway);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? 0 : 1;
}
