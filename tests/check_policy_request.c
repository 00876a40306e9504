/*
 * check_policy_request.c - the policy delegation protocol parser, fed
 * whole and one byte at a time, pipelined requests, the size and
 * attribute limits, and garbage.  The request text is the one a real
 * Postfix 3.7 smtpd sent on loopback (captured when the test harness
 * was written; not read at run time).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "policy-request.h"
#include "harness.h"

static const char real_request[] =
	"request=smtpd_access_policy\n"
	"protocol_state=RCPT\n"
	"protocol_name=ESMTP\n"
	"client_address=192.0.2.1\n"
	"client_name=unknown\n"
	"client_port=49914\n"
	"reverse_client_name=localhost\n"
	"server_address=127.0.0.1\n"
	"server_port=10025\n"
	"helo_name=mail.spf.example\n"
	"sender=user@spf.example\n"
	"recipient=alice@test.example\n"
	"recipient_count=0\n"
	"queue_id=\n"
	"instance=34db.6b07c728.ab531.0\n"
	"size=0\n"
	"etrn_domain=\n"
	"stress=\n"
	"sasl_method=\n"
	"sasl_username=\n"
	"sasl_sender=\n"
	"ccert_subject=\n"
	"ccert_issuer=\n"
	"ccert_fingerprint=\n"
	"ccert_pubkey_fingerprint=\n"
	"encryption_protocol=\n"
	"encryption_cipher=\n"
	"encryption_keysize=0\n"
	"policy_context=\n"
	"\n";

static void
feed(struct policy_parser *p, const char *s, size_t len, size_t chunk)
{
	size_t off;

	for (off = 0; off < len; off += chunk)
		policy_parser_push(p, s + off,
				   len - off < chunk ? len - off : chunk);
}

static void
check_real(const struct policy_request *r)
{
	ck_assert_uint_eq(r->nattrs, 29);
	ck_assert_str_eq(r->request, "smtpd_access_policy");
	ck_assert_str_eq(r->protocol_state, "RCPT");
	ck_assert_str_eq(r->client_address, "192.0.2.1");
	ck_assert_str_eq(r->helo_name, "mail.spf.example");
	ck_assert_str_eq(r->sender, "user@spf.example");
	ck_assert_str_eq(r->recipient, "alice@test.example");
	ck_assert_str_eq(r->instance, "34db.6b07c728.ab531.0");
	ck_assert_str_eq(r->sasl_username, "");
	ck_assert_str_eq(policy_request_get(r, "client_port"), "49914");
	ck_assert_ptr_null(policy_request_get(r, "no_such_attribute"));
}

/* Whole, and in chunks of 1, 2, 7 and 64 octets: same request. */
START_TEST(test_chunks)
{
	static const size_t chunks[] = {sizeof(real_request), 1, 2, 7, 64};
	struct policy_parser *p = policy_parser_new(0, 0);
	struct arena *a = arena_new(0);
	const struct policy_request *r;
	const char *err;

	feed(p, real_request, sizeof(real_request) - 1, chunks[_i]);
	ck_assert_int_eq(policy_parser_next(p, a, &r, &err), POLICY_REQUEST);
	check_real(r);
	ck_assert_int_eq(policy_parser_next(p, a, &r, &err), POLICY_MORE);
	ck_assert_uint_eq(policy_parser_pending(p), 0);
	policy_parser_free(&p);
	ck_assert_ptr_null(p);
	arena_free(&a);
}
END_TEST

/* The well-known fields are found by exact name, and a repeated name
 * means its last line (as policy_request_get() has it): names that share
 * a prefix or a length with a known one are not it. */
START_TEST(test_known_fields)
{
	static const char text[] = "request=smtpd_access_policy\n"
				   "sender=first@a.example\n"
				   "senders=x@b.example\n"
				   "sende=y@c.example\n"
				   "helo_name=h.example\n"
				   "helo_nam=e.example\n"
				   "sender=second@a.example\n"
				   "queue_id=ABC123\n"
				   "\n";
	struct policy_parser *p = policy_parser_new(0, 0);
	struct arena *a = arena_new(0);
	const struct policy_request *r;
	const char *err;

	feed(p, text, sizeof(text) - 1, sizeof(text));
	ck_assert_int_eq(policy_parser_next(p, a, &r, &err), POLICY_REQUEST);
	ck_assert_str_eq(r->sender, "second@a.example");
	ck_assert_str_eq(policy_request_get(r, "sender"), "second@a.example");
	ck_assert_str_eq(r->helo_name, "h.example");
	ck_assert_str_eq(r->queue_id, "ABC123");
	ck_assert_str_eq(r->request, "smtpd_access_policy");
	ck_assert_ptr_null(r->client_name);
	ck_assert_ptr_null(r->recipient);
	ck_assert_ptr_null(r->protocol_state);
	policy_parser_free(&p);
	arena_free(&a);
}
END_TEST

/* Three pipelined requests in one chunk come out in order; CRLF line
 * ends are accepted; a value may contain '='. */
START_TEST(test_pipelined)
{
	static const char text[] =
		"request=smtpd_access_policy\nsender=a@x.example\n\n"
		"request=smtpd_access_policy\r\nsender=b@x.example\r\n\r\n"
		"request=smtpd_access_policy\nccert_subject=CN=x,O=y\n\n"
		"request=smtpd_acc";
	struct policy_parser *p = policy_parser_new(0, 0);
	struct arena *a = arena_new(0);
	const struct policy_request *r;
	const char *err;

	policy_parser_push(p, text, sizeof(text) - 1);
	ck_assert_int_eq(policy_parser_next(p, a, &r, &err), POLICY_REQUEST);
	ck_assert_str_eq(r->sender, "a@x.example");
	ck_assert_int_eq(policy_parser_next(p, a, &r, &err), POLICY_REQUEST);
	ck_assert_str_eq(r->sender, "b@x.example");
	ck_assert_int_eq(policy_parser_next(p, a, &r, &err), POLICY_REQUEST);
	ck_assert_str_eq(policy_request_get(r, "ccert_subject"), "CN=x,O=y");
	ck_assert_ptr_null(r->sender);
	ck_assert_int_eq(policy_parser_next(p, a, &r, &err), POLICY_MORE);
	ck_assert_uint_gt(policy_parser_pending(p), 0);
	policy_parser_free(&p);
	arena_free(&a);
}
END_TEST

struct bad_case {
	const char *what;
	size_t max_size;
	unsigned int max_attrs;
	const char *input;
	enum policy_parse_status want;
	const char *want_reason;
};

static const struct bad_case bad_cases[] = {
	{"too large", 64, 0,
	 "request=smtpd_access_policy\nccert_subject="
	 "0123456789012345678901234567890123456789\n\n",
	 POLICY_BAD_REQUEST, "request too large"},
	{"too many attributes", 0, 3, "a=1\nb=2\nc=3\nd=4\ne=5\n\n",
	 POLICY_BAD_REQUEST, "too many attributes"},
	{"empty request", 0, 0, "\n", POLICY_BAD_REQUEST, "empty request"},
	{"no '='", 0, 0, "request=smtpd_access_policy\nhello world\n\n",
	 POLICY_GARBAGE, "attribute line without '='"},
	{"HTTP", 0, 0, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", POLICY_GARBAGE,
	 "line does not start with an attribute name"},
	{"upper-case name", 0, 0, "Request=x\n\n", POLICY_GARBAGE,
	 "line does not start with an attribute name"},
	{"name without =", 0, 0, "request\n\n", POLICY_GARBAGE,
	 "attribute line without '='"},
	{"NUL", 0, 0, "sender=a\0b\n\n", POLICY_GARBAGE,
	 "NUL octet in attribute value"},
};

/* After a skipped request the next one is parsed normally (unless the
 * input was garbage, after which nothing more comes out). */
START_TEST(test_bad)
{
	static const char next[] = "request=smtpd_access_policy\nsender=ok\n\n";
	const struct bad_case *c = &bad_cases[_i];
	size_t inlen = strlen(c->input);
	struct arena *a = arena_new(0);
	const struct policy_request *r;
	const char *err;
	size_t chunk;

	if (strcmp(c->what, "NUL") == 0)
		inlen = 12;
	for (chunk = 1; chunk <= inlen; chunk += inlen - 1) {
		struct policy_parser *p =
			policy_parser_new(c->max_size, c->max_attrs);

		feed(p, c->input, inlen, chunk);
		policy_parser_push(p, next, sizeof(next) - 1);
		ck_assert_int_eq(policy_parser_next(p, a, &r, &err), c->want);
		ck_assert_msg(strcmp(err, c->want_reason) == 0,
			      "%s: got %s, want %s", c->what, err,
			      c->want_reason);
		if (c->want == POLICY_GARBAGE) {
			ck_assert_int_eq(policy_parser_next(p, a, &r, &err),
					 POLICY_GARBAGE);
		} else {
			ck_assert_int_eq(policy_parser_next(p, a, &r, &err),
					 POLICY_REQUEST);
			ck_assert_str_eq(r->sender, "ok");
		}
		policy_parser_free(&p);
		if (inlen == 1)
			break;
	}
	arena_free(&a);
}
END_TEST

/* Bounded memory: a megabyte without a line end is not kept. */
START_TEST(test_bounded)
{
	struct policy_parser *p = policy_parser_new(1024, 0);
	struct arena *a = arena_new(0);
	const struct policy_request *r;
	const char *err;
	char junk[4096];
	int i;

	memset(junk, 'x', sizeof(junk));
	policy_parser_push(p, "sender=", 7);
	for (i = 0; i < 256; i++) {
		policy_parser_push(p, junk, sizeof(junk));
		ck_assert_uint_le(policy_parser_pending(p), 1025);
	}
	ck_assert_int_eq(policy_parser_next(p, a, &r, &err), POLICY_MORE);
	policy_parser_push(p, "\n\n", 2);
	ck_assert_int_eq(policy_parser_next(p, a, &r, &err),
			 POLICY_BAD_REQUEST);
	ck_assert_str_eq(err, "request too large");
	policy_parser_free(&p);
	arena_free(&a);
}
END_TEST

/* With a cap on queued items the parser takes input only up to the
 * item that fills the queue (backpressure: spf-policyd keeps the rest in
 * the socket), and takes more once the queue was drained; nothing is
 * lost or reordered.  A flood of empty lines is bounded the same way. */
START_TEST(test_queue_cap)
{
	static const char one[] = "request=smtpd_access_policy\nsender=a@b\n\n";
	struct policy_parser *p = policy_parser_new(0, 0);
	struct arena *a = arena_new(0);
	const struct policy_request *r;
	const char *err;
	char input[10 * sizeof(one)], nl[4096];
	size_t len = 0, off = 0, took;
	int i, got = 0;

	for (i = 0; i < 10; i++) {
		memcpy(input + len, one, sizeof(one) - 1);
		len += sizeof(one) - 1;
	}
	policy_parser_set_max_queued(p, 3);
	while (off < len) {
		took = policy_parser_push(p, input + off, len - off);
		/* at most 3 whole requests per push */
		ck_assert_uint_le(took, 3 * (sizeof(one) - 1));
		ck_assert_uint_gt(took, 0);
		off += took;
		while (policy_parser_next(p, a, &r, &err) == POLICY_REQUEST) {
			harness_assert_str("sender", r->sender, "a@b");
			got++;
		}
	}
	ck_assert_int_eq(got, 10);
	memset(nl, '\n', sizeof(nl));
	took = policy_parser_push(p, nl, sizeof(nl));
	ck_assert_uint_eq(took, 3);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(policy_parser_next(p, a, &r, &err),
				 POLICY_BAD_REQUEST);
	ck_assert_int_eq(policy_parser_next(p, a, &r, &err), POLICY_MORE);
	policy_parser_free(&p);
	arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("policy_request");
	TCase *tc = tcase_create("parser");
	int failed;

	tcase_add_loop_test(tc, test_chunks, 0, 5);
	tcase_add_test(tc, test_pipelined);
	tcase_add_test(tc, test_known_fields);
	tcase_add_loop_test(tc, test_bad, 0,
			    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_queue_cap);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
