/*
 * check_dkim_dns.c - DKIM key records through the real DNS layer:
 * libunbound with local-data generated from
 * tests/fixtures/dkim/keytable.txt (records over 255 octets split
 * into several character-strings, RFC 6376 3.6.2.2), NXDOMAIN -> no key
 * (permerror), a server that never answers -> temperror (RFC 6376
 * 6.1.2), two TXT records at one name -> permerror (RFC 6376 3.6.2.2:
 * results undefined; OpenDKIM: "multiple DNS replies"), and the key cache.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "util/buf.h"
#include "dkim/dkim-key.h"
#include "dkim/dkim-keystore.h"
#include "dkim-test.h"
#include "dns/dns.h"
#include "harness.h"

static char *dir, *conf;

/* keytable.txt -> a libunbound config with local-data lines. */
static void
setup(void)
{
	struct buf b = BUF_INIT;

	buf_append_str(&b, "server:\n\tlocal-zone: \"example.org.\" static\n");
	dkim_test_keytable_local_data(&b);
	dir = harness_tmpdir("dkim-dns");
	conf = harness_write_file(dir, "local.conf", buf_cstr(&b));
	ck_assert_ptr_nonnull(conf);
	buf_free(&b);
}

static void
teardown(void)
{
	unlink(conf);
	rmdir(dir);
	free(conf);
	free(dir);
}

static struct dns_resolver *
resolver(const char *config, unsigned int timeout_ms)
{
	struct dns_settings set;
	struct dns_resolver *r = NULL;
	const char *err = NULL;

	memset(&set, 0, sizeof(set));
	set.resolver_config = config;
	set.timeout_ms = timeout_ms;
	ck_assert_msg(dns_resolver_new(&set, NULL, NULL, &r, &err) == 0, "%s",
		      err);
	return r;
}

/* Verify through the DNS key store, running the resolver's loop. */
static size_t
verify_dns(struct dkim_keystore *ks, struct dns_resolver *r, const char *msg,
	   size_t len, struct dkim_test_result *res, size_t max)
{
	struct dkim_verify_settings set;
	const struct dkim_verify_result *vr;
	struct dkim_verify *v;
	size_t n, i;

	memset(&set, 0, sizeof(set));
	v = dkim_verify_new(&set, ks, NULL);
	dkim_verify_push(v, msg, len);
	dkim_verify_end(v);
	(void)dns_resolver_run(r);
	ck_assert(dkim_verify_done(v));
	vr = dkim_verify_results(v, &n);
	for (i = 0; i < n && i < max; i++) {
		res[i].result = vr[i].result;
		snprintf(res[i].reason, sizeof(res[i].reason), "%s",
			 vr[i].reason != NULL ? vr[i].reason : "");
	}
	dkim_verify_free(&v);
	return n;
}

START_TEST(test_vectors_through_dns)
{
	static const char *files[] = {
		"rfc8463/signed-ed25519+rsa.eml", "rfc8463/signed-rsa.eml",
		"third-party/exim-ed25519.eml", "third-party/gmail-2012-rsa.eml",
	};
	struct dns_resolver *r = resolver(conf, 3000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct dkim_test_result res[4];
	size_t f, n, i, len;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char *msg = dkim_test_read(files[f], &len);

		n = verify_dns(ks, r, msg, len, res, 4);
		ck_assert_uint_ge(n, 1);
		for (i = 0; i < n; i++)
			ck_assert_msg(res[i].result == DKIM_RESULT_PASS,
				      "%s: got %s (%s)", files[f],
				      dkim_result_str(res[i].result), res[i].reason);
		free(msg);
	}
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
}
END_TEST

static void
answer_cb(const struct dkim_key_answer *a, void *context)
{
	struct dkim_test_result *res = context;

	res->result = a->result;
	snprintf(res->reason, sizeof(res->reason), "%s",
		 a->reason != NULL ? a->reason : "");
	res->testing++; /* counts calls */
}

START_TEST(test_nxdomain_and_cache)
{
	struct dns_resolver *r = resolver(conf, 3000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct dkim_test_result res;
	struct dkim_key_lookup *l;

	memset(&res, 0, sizeof(res));
	dkim_keystore_lookup(ks, "missing", "example.org", 1000, answer_cb,
			     &res, &l);
	ck_assert_ptr_nonnull(l); /* DNS: later, from the loop */
	ck_assert_int_eq(res.testing, 0);
	(void)dns_resolver_run(r);
	ck_assert_int_eq(res.testing, 1);
	ck_assert_int_eq(res.result, DKIM_RESULT_PERMERROR);
	ck_assert_str_eq(res.reason, "no key for signature");
	/* a found key is cached: the second answer comes synchronously */
	dkim_keystore_lookup(ks, "brisbane", "football.example.com", 1000,
			     answer_cb, &res, &l);
	(void)dns_resolver_run(r);
	ck_assert_int_eq(res.result, DKIM_RESULT_PASS);
	dkim_keystore_lookup(ks, "BRISBANE", "Football.Example.com.", 1100,
			     answer_cb, &res, &l);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(res.testing, 3);
	ck_assert_int_eq(res.result, DKIM_RESULT_PASS);
	/* after the TTL (300 s) it is asked again */
	dkim_keystore_lookup(ks, "brisbane", "football.example.com", 1400,
			     answer_cb, &res, &l);
	ck_assert_ptr_nonnull(l);
	dkim_key_lookup_cancel(&l);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(res.testing, 3);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
}
END_TEST

static void
done_cb(struct dkim_verify *v, void *context)
{
	size_t *calls = context, n;
	const struct dkim_verify_result *r = dkim_verify_results(v, &n);

	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(r[0].result, DKIM_RESULT_PASS);
	ck_assert_int_eq(r[1].result, DKIM_RESULT_PASS);
	(*calls)++;
}

/* probe 2026-12 F15: with two TXT records at the selector the verifier
 * took whichever came first in the answer, so the verdict depended on
 * the resolver's order.  RFC 6376 3.6.2.2: "If multiple TXT records are
 * returned ... the results are undefined"; OpenDKIM refuses the answer
 * ("multiple DNS replies"), and so do we: permerror, whatever the order.
 * The other signature of the same message, one record, still passes. */
START_TEST(test_multiple_key_records)
{
	struct buf b = BUF_INIT;
	struct dns_resolver *r;
	struct dkim_keystore *ks;
	struct dkim_test_result res[4];
	size_t len, n;
	char *msg = dkim_test_read("rfc8463/signed-ed25519+rsa.eml", &len);
	char *two;

	buf_append_str(&b, "server:\n\tlocal-zone: \"example.org.\" static\n");
	dkim_test_keytable_local_data(&b);
	/* the same key once more, as a second record (t=y) */
	buf_append_str(&b, "\tlocal-data: 'brisbane._domainkey.football."
			   "example.com. 300 IN TXT \"v=DKIM1; t=y; k=ed25519; "
			   "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"'\n");
	two = harness_write_file(dir, "two.conf", buf_cstr(&b));
	ck_assert_ptr_nonnull(two);
	r = resolver(two, 3000);
	ks = dkim_keystore_new_dns(r, NULL);
	n = verify_dns(ks, r, msg, len, res, 4);
	ck_assert_uint_eq(n, 2);
	/* RFC 8463 appendix A.3: the ed25519 signature comes first */
	ck_assert_int_eq(res[0].result, DKIM_RESULT_PERMERROR);
	ck_assert_str_eq(res[0].reason,
			 "multiple key records (RFC 6376 3.6.2.2)");
	ck_assert_int_eq(res[1].result, DKIM_RESULT_PASS);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	unlink(two);
	free(two);
	free(msg);
	buf_free(&b);
}
END_TEST

/* The daemons' way: the caller's libevent loop, a done callback. */
START_TEST(test_external_loop_callback)
{
	struct event_base *base = event_base_new();
	struct dns_settings ds;
	struct dns_resolver *r = NULL;
	struct dkim_verify_settings set;
	struct dkim_keystore *ks;
	struct dkim_verify *v;
	const char *err;
	size_t len, calls = 0;
	char *msg = dkim_test_read("rfc8463/signed-ed25519+rsa.eml", &len);

	memset(&ds, 0, sizeof(ds));
	ds.resolver_config = conf;
	ck_assert_int_eq(dns_resolver_new(&ds, base, NULL, &r, &err), 0);
	ks = dkim_keystore_new_dns(r, NULL);
	memset(&set, 0, sizeof(set));
	set.done_callback = done_cb;
	set.done_context = &calls;
	v = dkim_verify_new(&set, ks, NULL);
	dkim_verify_push(v, msg, len / 2);
	dkim_verify_push(v, msg + len / 2, len - len / 2);
	dkim_verify_end(v);
	ck_assert(!dkim_verify_done(v)); /* the keys are still on their way */
	ck_assert_uint_eq(calls, 0);
	while (!dkim_verify_done(v))
		ck_assert_int_ge(event_base_loop(base, EVLOOP_ONCE), 0);
	ck_assert_uint_eq(calls, 1);
	dkim_verify_free(&v);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	event_base_free(base);
	free(msg);
}
END_TEST

/* Freeing a verifier whose key lookups are in flight cancels them: no
 * callback runs afterwards (ASan would see a use after free). */
START_TEST(test_free_with_pending_lookups)
{
	struct dns_resolver *r = resolver(conf, 3000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct dkim_verify_settings set;
	struct dkim_verify *v;
	size_t len;
	char *msg = dkim_test_read("rfc8463/signed-ed25519+rsa.eml", &len);

	memset(&set, 0, sizeof(set));
	v = dkim_verify_new(&set, ks, NULL);
	dkim_verify_push(v, msg, len);
	ck_assert_uint_eq(dns_resolver_pending(r), 2);
	dkim_verify_free(&v);
	ck_assert_uint_eq(dns_resolver_pending(r), 0);
	ck_assert_int_eq(dns_resolver_run(r), 0);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	free(msg);
}
END_TEST

START_TEST(test_timeout_is_temperror)
{
	struct harness_silent_dns sd;
	struct dns_resolver *r;
	struct dkim_keystore *ks;
	struct dkim_test_result res[4];
	size_t len, n;
	char *msg = dkim_test_read("rfc8463/signed-rsa.eml", &len);

	harness_silent_dns_start(&sd, "dkim-dns-to");
	r = resolver(sd.conf, 500);
	ks = dkim_keystore_new_dns(r, NULL);
	n = verify_dns(ks, r, msg, len, res, 4);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(res[0].result, DKIM_RESULT_TEMPERROR);
	ck_assert_str_eq(res[0].reason, "key lookup timed out");
	free(msg);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	harness_silent_dns_stop(&sd);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkim_dns");
	TCase *tc = tcase_create("rfc6376-3.6.2");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vectors_through_dns);
	tcase_add_test(tc, test_nxdomain_and_cache);
	tcase_add_test(tc, test_timeout_is_temperror);
	tcase_add_test(tc, test_multiple_key_records);
	tcase_add_test(tc, test_external_loop_callback);
	tcase_add_test(tc, test_free_with_pending_lookups);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
