/*
 * check_dns_cache.c - the answer cache in front of libunbound
 * (lib/dns/dns-cache.c), on a clock the test moves by hand: an answer
 * lives for its TTL (RFC 1035 3.2.1), NXDOMAIN and NODATA for the
 * negative TTL of RFC 2308 section 5 and not at all without an SOA
 * (RFC 2308 5: "SHOULD NOT be cached"), failures (temperror, RFC 7208
 * 2.6.6) never; the number of entries is bounded, least recently used
 * first out; results handed out stay valid after the cache drops them.
 * Issue 20 item 3: cache hits never enter libunbound.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns-cache.h"
#include "dns/dns.h"
#include "harness.h"
#include "util/arena.h"

/* A result as the resolver builds it: outcome, TTL, one A record. */
static struct dns_result *
result(const char *name, enum dns_type type, enum dns_outcome outcome,
       uint32_t ttl, uint32_t negative_ttl)
{
	struct arena *arena = arena_new(0);
	struct dns_result *r = arena_zalloc(arena, sizeof(*r));
	struct dns_rr *rr = arena_zalloc(arena, sizeof(*rr));

	r->arena = arena;
	r->qname = arena_strdup(arena, name);
	r->qtype = type;
	r->outcome = outcome;
	if (outcome == DNS_ANSWER) {
		rr->type = type;
		rr->u.a.s_addr = htonl(0xc0000201); /* 192.0.2.1 */
		r->rrs = rr;
		r->count = 1;
		r->ttl = ttl;
	} else {
		r->negative_ttl = negative_ttl;
	}
	return r;
}

/* Put a new result and drop the caller's reference; whether it was kept. */
static bool
put(struct dns_cache *c, struct dns_result *r, uint64_t now)
{
	bool kept = dns_cache_put(c, r, now);

	dns_result_free(&r);
	return kept;
}

/* Is (name, type) served at `now`?  The ttl handed out, or -1. */
static long
ttl_at(struct dns_cache *c, const char *name, enum dns_type type, uint64_t now)
{
	struct dns_result *r = dns_cache_get(c, name, type, now);
	long ttl;

	if (r == NULL)
		return -1;
	harness_assert_str("cached qname", r->qname, name);
	ttl = r->outcome == DNS_ANSWER ? (long)r->ttl : 0;
	dns_result_free(&r);
	return ttl;
}

START_TEST(test_answer_ttl)
{
	struct dns_cache *c = dns_cache_new(100);

	ck_assert(put(c, result("a.test", DNS_T_A, DNS_ANSWER, 300, 0), 1000));
	ck_assert_int_eq(ttl_at(c, "a.test", DNS_T_A, 1000), 300);
	/* the TTL handed out counts down with the clock */
	ck_assert_int_eq(ttl_at(c, "a.test", DNS_T_A, 1299), 1);
	/* RFC 1035 3.2.1: not after its TTL */
	ck_assert_int_eq(ttl_at(c, "a.test", DNS_T_A, 1300), -1);
	ck_assert_uint_eq(dns_cache_count(c), 0);
	/* the key is (name, type) */
	ck_assert(put(c, result("a.test", DNS_T_A, DNS_ANSWER, 60, 0), 2000));
	ck_assert_int_eq(ttl_at(c, "a.test", DNS_T_TXT, 2000), -1);
	ck_assert_int_eq(ttl_at(c, "b.test", DNS_T_A, 2000), -1);
	/* a TTL of 0 is not kept at all (RFC 1035 3.2.1) */
	ck_assert(!put(c, result("z.test", DNS_T_A, DNS_ANSWER, 0, 0), 2000));
	ck_assert_int_eq(ttl_at(c, "z.test", DNS_T_A, 2000), -1);
	/* a newer answer replaces the old one */
	ck_assert(put(c, result("a.test", DNS_T_A, DNS_ANSWER, 10, 0), 2001));
	ck_assert_int_eq(ttl_at(c, "a.test", DNS_T_A, 2001), 10);
	ck_assert_uint_eq(dns_cache_count(c), 1);
	/* never longer than DNS_CACHE_MAX_TTL */
	ck_assert(put(c, result("l.test", DNS_T_A, DNS_ANSWER, 2000000, 0), 0));
	ck_assert_int_eq(ttl_at(c, "l.test", DNS_T_A, 0), DNS_CACHE_MAX_TTL);
	ck_assert_int_eq(ttl_at(c, "l.test", DNS_T_A, DNS_CACHE_MAX_TTL), -1);
	dns_cache_free(&c);
	ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_negative)
{
	struct dns_cache *c = dns_cache_new(100);
	struct dns_result *r;

	/* RFC 2308 5: NXDOMAIN and NODATA live for the negative TTL */
	ck_assert(put(c, result("nx.test", DNS_T_TXT, DNS_NXDOMAIN, 0, 60), 0));
	ck_assert(put(c, result("nd.test", DNS_T_TXT, DNS_NODATA, 0, 30), 0));
	r = dns_cache_get(c, "nx.test", DNS_T_TXT, 59);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->outcome, DNS_NXDOMAIN);
	ck_assert_uint_eq(r->count, 0);
	dns_result_free(&r);
	r = dns_cache_get(c, "nd.test", DNS_T_TXT, 29);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->outcome, DNS_NODATA);
	dns_result_free(&r);
	ck_assert_int_eq(ttl_at(c, "nx.test", DNS_T_TXT, 60), -1);
	ck_assert_int_eq(ttl_at(c, "nd.test", DNS_T_TXT, 30), -1);
	/* RFC 2308 5: without an SOA (negative TTL 0), not cached */
	ck_assert(!put(c, result("ns.test", DNS_T_TXT, DNS_NXDOMAIN, 0, 0), 0));
	ck_assert(!put(c, result("ns.test", DNS_T_A, DNS_NODATA, 0, 0), 0));
	ck_assert_int_eq(ttl_at(c, "ns.test", DNS_T_TXT, 0), -1);
	ck_assert_int_eq(ttl_at(c, "ns.test", DNS_T_A, 0), -1);
	/* at most DNS_CACHE_MAX_NEGATIVE_TTL */
	ck_assert(put(c, result("nl.test", DNS_T_TXT, DNS_NXDOMAIN, 0, 86400),
		      0));
	ck_assert_int_eq(ttl_at(c, "nl.test", DNS_T_TXT,
				DNS_CACHE_MAX_NEGATIVE_TTL - 1), 0);
	ck_assert_int_eq(ttl_at(c, "nl.test", DNS_T_TXT,
				DNS_CACHE_MAX_NEGATIVE_TTL), -1);
	dns_cache_free(&c);
}
END_TEST

/* Everything a caller maps to temperror is asked again next time. */
START_TEST(test_temperror_not_cached)
{
	struct dns_cache *c = dns_cache_new(100);
	struct dns_result *r;

	ck_assert(!put(c, result("f.test", DNS_T_TXT, DNS_SERVFAIL, 0, 300),
		       0));
	ck_assert(!put(c, result("t.test", DNS_T_TXT, DNS_TIMEOUT, 0, 300), 0));
	ck_assert(!put(c, result("b.test", DNS_T_TXT, DNS_BADNAME, 0, 300), 0));
	/* a bogus DNSSEC answer (the resolver makes it SERVFAIL anyway) */
	r = result("s.test", DNS_T_TXT, DNS_ANSWER, 300, 0);
	r->security = DNS_SEC_BOGUS;
	ck_assert(!put(c, r, 0));
	ck_assert_uint_eq(dns_cache_count(c), 0);
	/* a failure after an answer leaves the answer alone */
	ck_assert(put(c, result("f.test", DNS_T_A, DNS_ANSWER, 300, 0), 0));
	ck_assert(!put(c, result("f.test", DNS_T_A, DNS_SERVFAIL, 0, 0), 1));
	ck_assert_int_eq(ttl_at(c, "f.test", DNS_T_A, 1), 299);
	dns_cache_free(&c);
}
END_TEST

START_TEST(test_bound_lru)
{
	struct dns_cache *c = dns_cache_new(3);

	ck_assert(put(c, result("1.test", DNS_T_A, DNS_ANSWER, 300, 0), 0));
	ck_assert(put(c, result("2.test", DNS_T_A, DNS_ANSWER, 300, 0), 0));
	ck_assert(put(c, result("3.test", DNS_T_A, DNS_ANSWER, 300, 0), 0));
	/* 1 used again: 2 is now the least recently used */
	ck_assert_int_eq(ttl_at(c, "1.test", DNS_T_A, 1), 299);
	ck_assert(put(c, result("4.test", DNS_T_A, DNS_ANSWER, 300, 0), 2));
	ck_assert_uint_eq(dns_cache_count(c), 3);
	ck_assert_int_eq(ttl_at(c, "2.test", DNS_T_A, 2), -1);
	ck_assert_int_ge(ttl_at(c, "1.test", DNS_T_A, 2), 0);
	ck_assert_int_ge(ttl_at(c, "3.test", DNS_T_A, 2), 0);
	ck_assert_int_ge(ttl_at(c, "4.test", DNS_T_A, 2), 0);
	/* many more: still 3 */
	for (int i = 0; i < 1000; i++) {
		char name[32];

		snprintf(name, sizeof(name), "n%d.test", i);
		ck_assert(put(c, result(name, DNS_T_A, DNS_ANSWER, 300, 0), 3));
	}
	ck_assert_uint_eq(dns_cache_count(c), 3);
	ck_assert_int_ge(ttl_at(c, "n999.test", DNS_T_A, 3), 0);
	dns_cache_free(&c);
}
END_TEST

/* A result handed out outlives its entry and the cache (the sanitizer
 * build sees any use after free). */
START_TEST(test_references)
{
	struct dns_cache *c = dns_cache_new(1);
	struct dns_result *held, *again;

	ck_assert(put(c, result("r.test", DNS_T_A, DNS_ANSWER, 300, 0), 0));
	held = dns_cache_get(c, "r.test", DNS_T_A, 0);
	ck_assert_ptr_nonnull(held);
	again = dns_cache_get(c, "r.test", DNS_T_A, 0);
	ck_assert_ptr_eq(again, held);
	dns_result_free(&again);
	ck_assert_ptr_null(again);
	/* evicted by another entry, then the cache is gone */
	ck_assert(put(c, result("o.test", DNS_T_A, DNS_ANSWER, 300, 0), 0));
	dns_cache_free(&c);
	harness_assert_str("held qname", held->qname, "r.test");
	ck_assert_uint_eq(held->count, 1);
	dns_result_free(&held);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dns_cache");
	TCase *tc = tcase_create("rfc2308");

	tcase_add_test(tc, test_answer_ttl);
	tcase_add_test(tc, test_negative);
	tcase_add_test(tc, test_temperror_not_cached);
	tcase_add_test(tc, test_bound_lru);
	tcase_add_test(tc, test_references);
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
