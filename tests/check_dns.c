/*
 * check_dns.c - the DNS layer against a real unbound on 127.0.0.1: every
 * outcome (answer, NODATA, NXDOMAIN, SERVFAIL, timeout, bad name), record
 * decoding (A, AAAA, MX, PTR, CNAME, long multi-string TXT), concurrency
 * and cancellation, and libunbound local-data without any server.
 *
 * Expected values are the zone data below; the timeout test uses a socket
 * that never answers and checks that the lookup returns within the
 * configured bound.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/dns-name.h"
#include "dns/dns.h"
#include "harness.h"

static struct harness_unbound server;
static char *fwd_config;

/* 255 + 255 + 10 octets in three character-strings */
#define S255A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define S255B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const char zones[] =
	"local-zone: \"test.example.\" static\n"
	"local-data: \"test.example. 3600 IN SOA ns.test.example. h.test.example. 1 3600 600 86400 300\"\n"
	"local-data: \"host.test.example. 300 IN A 192.0.2.10\"\n"
	"local-data: \"host.test.example. 300 IN A 192.0.2.11\"\n"
	"local-data: \"v6.test.example. 600 IN AAAA 2001:db8::25\"\n"
	"local-data: \"zero.test.example. 0 IN A 192.0.2.12\"\n"
	"local-data: \"test.example. 900 IN MX 10 mx1.test.example.\"\n"
	"local-data: \"test.example. 900 IN MX 20 mx2.test.example.\"\n"
	"local-data: \"alias.test.example. 300 IN CNAME host.test.example.\"\n"
	"local-data: 'test.example. 300 IN TXT \"v=spf1 \" \"ip4:192.0.2.0/24 -all\"'\n"
	"local-data: 'long.test.example. 300 IN TXT \"" S255A "\" \"" S255B "\" \"cccccccccc\"'\n"
	"local-data: 'two.test.example. 300 IN TXT \"first\"'\n"
	"local-data: 'two.test.example. 300 IN TXT \"second\"'\n"
	"local-zone: \"2.0.192.in-addr.arpa.\" static\n"
	"local-data: \"10.2.0.192.in-addr.arpa. 300 IN PTR host.test.example.\"\n"
	"local-zone: \"refused.example.\" always_refuse\n"
	"local-zone: \"nosoa.example.\" static\n";

static struct dns_resolver *
new_resolver(const char *config, unsigned int timeout_ms)
{
	struct dns_settings set;
	struct dns_resolver *r = NULL;
	const char *err = NULL;

	memset(&set, 0, sizeof(set));
	set.resolver_config = config;
	set.timeout_ms = timeout_ms;
	ck_assert_msg(dns_resolver_new(&set, NULL, NULL, &r, &err) == 0,
		      "resolver: %s", err);
	return r;
}

static struct dns_result *
lookup(const char *name, enum dns_type type)
{
	struct dns_resolver *r = new_resolver(fwd_config, 5000);
	struct dns_result *res = NULL;
	const char *err = NULL;

	ck_assert_msg(dns_lookup(r, name, type, &res, &err) == 0, "%s", err);
	dns_resolver_free(&r);
	ck_assert_ptr_null(r);
	return res;
}

static void
assert_outcome(const struct dns_result *res, enum dns_outcome want)
{
	ck_assert_msg(res->outcome == want, "%s/%s: got %s, want %s",
		      res->qname, dns_type_str(res->qtype),
		      dns_outcome_str(res->outcome), dns_outcome_str(want));
}

START_TEST(test_a)
{
	struct dns_result *res = lookup("host.test.example", DNS_T_A);
	char a0[INET_ADDRSTRLEN], a1[INET_ADDRSTRLEN];

	assert_outcome(res, DNS_ANSWER);
	ck_assert_uint_eq(res->count, 2);
	ck_assert_uint_eq(res->ttl, 300);
	ck_assert_int_eq(res->security, DNS_SEC_UNCHECKED);
	inet_ntop(AF_INET, &res->rrs[0].u.a, a0, sizeof(a0));
	inet_ntop(AF_INET, &res->rrs[1].u.a, a1, sizeof(a1));
	ck_assert_msg((strcmp(a0, "192.0.2.10") == 0 && strcmp(a1, "192.0.2.11") == 0) ||
			      (strcmp(a0, "192.0.2.11") == 0 && strcmp(a1, "192.0.2.10") == 0),
		      "got %s %s", a0, a1);
	dns_result_free(&res);
	ck_assert_ptr_null(res);
}
END_TEST

START_TEST(test_aaaa)
{
	struct dns_result *res = lookup("v6.test.example.", DNS_T_AAAA);
	char a[INET6_ADDRSTRLEN];

	assert_outcome(res, DNS_ANSWER);
	ck_assert_uint_eq(res->count, 1);
	ck_assert_uint_eq(res->ttl, 600);
	ck_assert_str_eq(inet_ntop(AF_INET6, &res->rrs[0].u.aaaa, a, sizeof(a)),
			 "2001:db8::25");
	dns_result_free(&res);
}
END_TEST

START_TEST(test_mx)
{
	struct dns_result *res = lookup("test.example", DNS_T_MX);
	size_t i;
	int seen = 0;

	assert_outcome(res, DNS_ANSWER);
	ck_assert_uint_eq(res->count, 2);
	for (i = 0; i < res->count; i++) {
		const struct dns_rr *rr = &res->rrs[i];

		if (rr->u.mx.preference == 10) {
			ck_assert_str_eq(rr->u.mx.exchange, "mx1.test.example");
			seen |= 1;
		} else {
			ck_assert_uint_eq(rr->u.mx.preference, 20);
			ck_assert_str_eq(rr->u.mx.exchange, "mx2.test.example");
			seen |= 2;
		}
	}
	ck_assert_int_eq(seen, 3);
	dns_result_free(&res);
}
END_TEST

START_TEST(test_ptr_cname)
{
	struct dns_result *res = lookup("10.2.0.192.in-addr.arpa", DNS_T_PTR);

	assert_outcome(res, DNS_ANSWER);
	ck_assert_str_eq(res->rrs[0].u.name, "host.test.example");
	dns_result_free(&res);
	res = lookup("alias.test.example", DNS_T_A);
	assert_outcome(res, DNS_ANSWER);
	ck_assert_str_eq(res->canonname, "host.test.example");
	ck_assert_uint_eq(res->count, 2);
	dns_result_free(&res);
}
END_TEST

START_TEST(test_txt_concatenation)
{
	struct dns_result *res = lookup("test.example", DNS_T_TXT);
	const struct dns_rr *rr;

	assert_outcome(res, DNS_ANSWER);
	ck_assert_uint_eq(res->count, 1);
	rr = &res->rrs[0];
	/* RFC 7208 3.3: strings joined with no separator */
	ck_assert_uint_eq(rr->u.txt.nstrings, 2);
	ck_assert_str_eq(rr->u.txt.text, "v=spf1 ip4:192.0.2.0/24 -all");
	ck_assert_uint_eq(rr->u.txt.strings[0].len, 7);
	ck_assert_int_eq(memcmp(rr->u.txt.strings[0].data, "v=spf1 ", 7), 0);
	dns_result_free(&res);
}
END_TEST

START_TEST(test_txt_long)
{
	struct dns_result *res = lookup("long.test.example", DNS_T_TXT);
	const struct dns_rr *rr;

	assert_outcome(res, DNS_ANSWER);
	rr = &res->rrs[0];
	ck_assert_uint_eq(rr->u.txt.nstrings, 3);
	ck_assert_uint_eq(rr->u.txt.strings[0].len, 255);
	ck_assert_uint_eq(rr->u.txt.strings[1].len, 255);
	ck_assert_uint_eq(rr->u.txt.strings[2].len, 10);
	ck_assert_uint_eq(rr->u.txt.text_len, 520);
	ck_assert_str_eq(rr->u.txt.text, S255A S255B "cccccccccc");
	dns_result_free(&res);
}
END_TEST

START_TEST(test_txt_two_records)
{
	struct dns_result *res = lookup("two.test.example", DNS_T_TXT);

	assert_outcome(res, DNS_ANSWER);
	ck_assert_uint_eq(res->count, 2);
	dns_result_free(&res);
}
END_TEST

START_TEST(test_nodata_nxdomain)
{
	struct dns_result *res = lookup("host.test.example", DNS_T_AAAA);

	assert_outcome(res, DNS_NODATA);
	ck_assert_uint_eq(res->count, 0);
	dns_result_free(&res);
	res = lookup("nope.test.example", DNS_T_TXT);
	assert_outcome(res, DNS_NXDOMAIN);
	dns_result_free(&res);
}
END_TEST

/* Through the answer cache (settings.cache_entries, lib/dns/dns-cache.h):
 * a repeated lookup is the cached result itself (the same object, so it
 * never went through libunbound), for answers and, with the zone's SOA
 * (RFC 2308 5: min(SOA TTL 3600, MINIMUM 300) = 300), for NXDOMAIN and
 * NODATA; SERVFAIL (temperror) is asked again, and so are an answer with
 * TTL 0 (RFC 1035 3.2.1: "zero values are interpreted to mean that the RR
 * can only be used for the transaction in progress, and should not be
 * cached") and an NXDOMAIN without SOA (RFC 2308 5: "Negative responses
 * without SOA records SHOULD NOT be cached"). */
START_TEST(test_answer_cache)
{
	static const struct {
		const char *name;
		enum dns_type type;
		enum dns_outcome outcome;
		bool cached;
	} cases[] = {
		{"host.test.example", DNS_T_A, DNS_ANSWER, true},
		{"nope.test.example", DNS_T_TXT, DNS_NXDOMAIN, true},
		{"host.test.example", DNS_T_AAAA, DNS_NODATA, true},
		{"x.refused.example", DNS_T_TXT, DNS_SERVFAIL, false},
		{"zero.test.example", DNS_T_A, DNS_ANSWER, false},
		{"x.nosoa.example", DNS_T_TXT, DNS_NXDOMAIN, false},
	};
	struct dns_settings set;
	struct dns_resolver *r = NULL;
	const char *err = NULL;
	size_t i;

	memset(&set, 0, sizeof(set));
	set.resolver_config = fwd_config;
	set.timeout_ms = 5000;
	set.cache_entries = 10;
	ck_assert_msg(dns_resolver_new(&set, NULL, NULL, &r, &err) == 0,
		      "resolver: %s", err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dns_result *first = NULL, *second = NULL;

		ck_assert(dns_lookup(r, cases[i].name, cases[i].type, &first,
				     &err) == 0);
		assert_outcome(first, cases[i].outcome);
		if ((cases[i].outcome == DNS_NXDOMAIN ||
		     cases[i].outcome == DNS_NODATA) && cases[i].cached)
			ck_assert_uint_eq(first->negative_ttl, 300);
		ck_assert(dns_lookup(r, cases[i].name, cases[i].type, &second,
				     &err) == 0);
		assert_outcome(second, cases[i].outcome);
		ck_assert_msg((first == second) == cases[i].cached,
			      "%s/%s: cached %d, want %d", cases[i].name,
			      dns_type_str(cases[i].type), first == second,
			      cases[i].cached);
		dns_result_free(&first);
		dns_result_free(&second);
	}
	dns_resolver_free(&r);
}
END_TEST

START_TEST(test_servfail)
{
	/* the server refuses this zone; the resolver must not call it data */
	struct dns_result *res = lookup("x.refused.example", DNS_T_TXT);

	assert_outcome(res, DNS_SERVFAIL);
	dns_result_free(&res);
}
END_TEST

START_TEST(test_badname)
{
	struct dns_result *res = lookup(
		"a1234567890123456789012345678901234567890123456789012345678901234.test.example",
		DNS_T_TXT);

	assert_outcome(res, DNS_BADNAME);
	dns_result_free(&res);
	res = lookup("a..test.example", DNS_T_TXT);
	assert_outcome(res, DNS_BADNAME);
	dns_result_free(&res);
	ck_assert(dns_name_is_valid("a.b."));
	ck_assert(!dns_name_is_valid(""));
	ck_assert(!dns_name_is_valid("."));
}
END_TEST

START_TEST(test_timeout)
{
	struct harness_silent_dns sd;
	struct dns_resolver *r;
	struct dns_result *res;
	const char *err;

	harness_silent_dns_start(&sd, "dns-timeout");
	r = new_resolver(sd.conf, 700);
	ck_assert_int_eq(dns_lookup(r, "slow.example", DNS_T_TXT, &res, &err), 0);
	assert_outcome(res, DNS_TIMEOUT);
	/* DNS_TIMEOUT is our cut-off (libunbound alone would answer
	 * SERVFAIL after its own retries); not before the timeout, and the
	 * upper bound has a wide margin (20x) so a loaded machine does not
	 * fail it: it only catches a cut-off that does not fire */
	ck_assert_uint_ge(res->elapsed_ms, 650);
	ck_assert_uint_lt(res->elapsed_ms, 14000);
	dns_result_free(&res);
	dns_resolver_free(&r);
	harness_silent_dns_stop(&sd);
}
END_TEST

struct collect {
	unsigned int calls;
	enum dns_outcome outcome[8];
};

static void
collect_cb(struct dns_result *res, void *context)
{
	struct collect *c = context;

	if (c->calls < 8)
		c->outcome[c->calls] = res->outcome;
	c->calls++;
	dns_result_free(&res);
}

START_TEST(test_async_concurrent_and_cancel)
{
	struct dns_resolver *r = new_resolver(fwd_config, 5000);
	struct collect c = {0, {0}};
	struct dns_query *q;
	const char *err;
	int i;

	for (i = 0; i < 5; i++)
		ck_assert_int_eq(dns_lookup_async(r, "host.test.example", DNS_T_A,
						  collect_cb, &c, NULL, &err), 0);
	ck_assert_int_eq(dns_lookup_async(r, "v6.test.example", DNS_T_AAAA,
					  collect_cb, &c, &q, &err), 0);
	ck_assert_uint_eq(dns_resolver_pending(r), 6);
	dns_query_cancel(&q);
	ck_assert_ptr_null(q);
	ck_assert_uint_eq(dns_resolver_pending(r), 5);
	ck_assert_uint_eq(c.calls, 0); /* never from inside the call */
	ck_assert_int_eq(dns_resolver_run(r), 0);
	ck_assert_uint_eq(c.calls, 5);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(c.outcome[i], DNS_ANSWER);
	/* a pending query is cancelled by freeing the resolver */
	ck_assert_int_eq(dns_lookup_async(r, "host.test.example", DNS_T_A,
					  collect_cb, &c, NULL, &err), 0);
	dns_resolver_free(&r);
	ck_assert_uint_eq(c.calls, 5);
}
END_TEST

START_TEST(test_local_data_no_server)
{
	char *dir = harness_tmpdir("dns-local"), *conf;
	struct dns_resolver *r;
	struct dns_result *res;
	const char *err;

	conf = harness_write_file(dir, "local.conf",
		"server:\n"
		"\tlocal-zone: \"local.example.\" static\n"
		"\tlocal-data: 'local.example. 120 IN TXT \"v=DMARC1; p=reject\"'\n");
	r = new_resolver(conf, 2000);
	ck_assert_int_eq(dns_lookup(r, "local.example", DNS_T_TXT, &res, &err), 0);
	assert_outcome(res, DNS_ANSWER);
	ck_assert_uint_eq(res->ttl, 120);
	ck_assert_str_eq(res->rrs[0].u.txt.text, "v=DMARC1; p=reject");
	dns_result_free(&res);
	ck_assert_int_eq(dns_lookup(r, "other.local.example", DNS_T_TXT, &res, &err), 0);
	assert_outcome(res, DNS_NXDOMAIN);
	dns_result_free(&res);
	dns_resolver_free(&r);
	unlink(conf);
	rmdir(dir);
	free(conf);
	free(dir);
}
END_TEST

START_TEST(test_bad_config)
{
	struct dns_settings set;
	struct dns_resolver *r = NULL;
	const char *err = NULL;

	memset(&set, 0, sizeof(set));
	set.resolver_config = "/nonexistent/unbound.conf";
	ck_assert_int_eq(dns_resolver_new(&set, NULL, NULL, &r, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_strings)
{
	enum dns_type t;

	ck_assert_msg(dns_type_parse("txt", &t), "txt unknown");
	ck_assert_int_eq(t, DNS_T_TXT);
	ck_assert_msg(dns_type_parse("AAAA", &t), "AAAA unknown");
	ck_assert_int_eq(t, DNS_T_AAAA);
	t = DNS_T_MX;
	ck_assert_msg(!dns_type_parse("bogus", &t), "bogus parsed");
	ck_assert_int_eq(t, DNS_T_MX); /* untouched */
	ck_assert_str_eq(dns_type_str(DNS_T_MX), "MX");
	ck_assert_str_eq(dns_outcome_str(DNS_NXDOMAIN), "nxdomain");
	ck_assert_str_eq(dns_security_str(DNS_SEC_BOGUS), "bogus");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dns");
	TCase *tc = tcase_create("unbound");
	int failed;
	char *dir;

	if (harness_unbound_start(zones, &server) < 0) {
		fprintf(stderr, "check_dns: could not start unbound\n");
		return EXIT_FAILURE;
	}
	dir = harness_tmpdir("dns-fwd");
	fwd_config = harness_forward_config(dir, server.port);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_a);
	tcase_add_test(tc, test_aaaa);
	tcase_add_test(tc, test_mx);
	tcase_add_test(tc, test_ptr_cname);
	tcase_add_test(tc, test_txt_concatenation);
	tcase_add_test(tc, test_txt_long);
	tcase_add_test(tc, test_txt_two_records);
	tcase_add_test(tc, test_nodata_nxdomain);
	tcase_add_test(tc, test_servfail);
	tcase_add_test(tc, test_answer_cache);
	tcase_add_test(tc, test_badname);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_async_concurrent_and_cancel);
	tcase_add_test(tc, test_local_data_no_server);
	tcase_add_test(tc, test_bad_config);
	tcase_add_test(tc, test_strings);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	harness_unbound_stop(&server);
	unlink(fwd_config);
	rmdir(dir);
	free(fwd_config);
	free(dir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
