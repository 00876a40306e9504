/*
 * check_signer_proto.c - the SigningSocket protocol (signer-proto.h) and
 * the service's peer check (signer-service.h):
 * - request lines: the ones the client writes parse back; malformed,
 *   oversized and out-of-range lines are refused;
 * - replies: an outcome written by the service parses back to the same
 *   outcome (signed, unsigned); garbage, a forged field that is not a
 *   DKIM-Signature field (issue #20 item 2: never let the service's
 *   reply put arbitrary header fields on a message), counts that do not
 *   match, a NUL, a missing line end are refused as garbage, so that the
 *   client falls back instead of passing the message on;
 * - SO_PEERCRED: our own uid is served, another uid only when listed.
 * The client/service behaviour end to end: tests/dkim-signer-service.sh.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "harness.h"
#include "signer-message.h"
#include "signer-proto.h"
#include "signer-service.h"

START_TEST(test_request_roundtrip)
{
	struct signer_request in = {.sender_len = 17, .queue_id_len = 10,
				    .message_len = 123456789, .now = 1764324000};
	struct signer_request out;
	struct buf b = BUF_INIT;
	const char *err = NULL;

	signer_proto_request_line(&b, &in);
	ck_assert_msg(b.len > 0 && b.data[b.len - 1] == '\n',
		      "got %s, want a line", buf_cstr(&b));
	ck_assert_msg(signer_proto_request_parse(b.data, b.len - 1, &out,
						 &err) == 0,
		      "got %s for %s", err, buf_cstr(&b));
	ck_assert_uint_eq(out.sender_len, 17);
	ck_assert_uint_eq(out.queue_id_len, 10);
	ck_assert_uint_eq(out.message_len, 123456789);
	ck_assert_int_eq(out.now, 1764324000);
	buf_free(&b);
}
END_TEST

static const char *const bad_requests[] = {
	"",
	"SIGN",
	"SIGN 1 2 3",
	"SIGN 1 2 3 4 5",
	"SIGN 1 2 3 4 ",
	"SIGN  1 2 3 4",
	"SIGN -1 2 3 4",
	"SIGN 4097 0 0 1",		 /* sender over SIGNER_PROTO_MAX_SENDER */
	"SIGN 0 257 0 1",		 /* queue id too long */
	"SIGN 0 0 0 1073741825",	 /* over 1 GiB */
	"SIGN 0 0 0 99999999999999999999", /* overflow */
	"SIGNED 0 0 0 1",
	"HELO 0 0 0 1",
	"SIGN 0x1 0 0 1",
};

START_TEST(test_request_bad)
{
	const char *line = bad_requests[_i];
	struct signer_request r;
	const char *err = NULL;

	ck_assert_msg(signer_proto_request_parse(line, strlen(line), &r,
						 &err) == -1,
		      "got accepted, want refused: '%s'", line);
	ck_assert_msg(err != NULL, "no error text for '%s'", line);
}
END_TEST

#define FIELDS                                                               \
	"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=rsa2026;\n"    \
	"\tbh=abc; b=def\n"                                                  \
	"DKIM-Signature: v=1; a=ed25519-sha256; d=example.com; s=ed2026;\n" \
	"\tbh=abc; b=ghi\n"

#define MINIMAL_SIGNED \
	"SIGNED 1 20\nrsa-sha256 example.com rsa2026\nDKIM-Signature: v=1\n"

/* Parse a whole reply: head line, then body.  0 or -1. */
static int
parse_reply(const char *data, size_t len, struct arena *a,
	    struct signer_outcome *o)
{
	struct signer_reply_head head;
	const char *lf = memchr(data, '\n', len), *err = NULL;

	if (lf == NULL ||
	    signer_proto_reply_head_parse(data, (size_t)(lf - data), &head,
					  &err) < 0 ||
	    head.kind == SIGNER_REPLY_TEMPFAIL)
		return -1;
	return signer_proto_reply_body_parse(&head, lf + 1,
					     len - (size_t)(lf - data) - 1, a,
					     o, &err);
}

START_TEST(test_reply_roundtrip)
{
	struct arena *a = arena_new(0);
	struct signer_outcome in, out;
	struct buf b = BUF_INIT;

	memset(&in, 0, sizeof(in));
	in.verdict = SIGNER_SIGNED;
	in.nsigs = 2;
	in.sigs[0] = (struct signer_sig){"example.com", "rsa2026",
					 DKIM_ALG_RSA_SHA256};
	in.sigs[1] = (struct signer_sig){"example.com", "ed2026",
					 DKIM_ALG_ED25519_SHA256};
	in.fields = FIELDS;
	in.fields_len = strlen(FIELDS);
	signer_proto_reply_outcome(&b, &in);
	ck_assert_msg(parse_reply(b.data, b.len, a, &out) == 0,
		      "got refused, want accepted: %s", buf_cstr(&b));
	ck_assert_int_eq(out.verdict, SIGNER_SIGNED);
	ck_assert_uint_eq(out.nsigs, 2);
	ck_assert_str_eq(out.sigs[1].selector, "ed2026");
	ck_assert_int_eq(out.sigs[1].alg, DKIM_ALG_ED25519_SHA256);
	ck_assert_uint_eq(out.fields_len, strlen(FIELDS));
	ck_assert_msg(memcmp(out.fields, FIELDS, out.fields_len) == 0,
		      "got %s, want %s", out.fields, FIELDS);

	/* the shape the refused cases of bad_replies vary */
	ck_assert_msg(parse_reply(MINIMAL_SIGNED, strlen(MINIMAL_SIGNED), a,
				  &out) == 0,
		      "got refused, want accepted: %s", MINIMAL_SIGNED);
	ck_assert_uint_eq(out.fields_len, 20);

	buf_reset(&b);
	memset(&in, 0, sizeof(in));
	in.verdict = SIGNER_UNSIGNED;
	in.reason = "carol@example.org in no SigningTable line";
	signer_proto_reply_outcome(&b, &in);
	ck_assert_msg(parse_reply(b.data, b.len, a, &out) == 0,
		      "got refused, want accepted: %s", buf_cstr(&b));
	ck_assert_int_eq(out.verdict, SIGNER_UNSIGNED);
	ck_assert_str_eq(out.reason, in.reason);
	buf_free(&b);
	arena_free(&a);
}
END_TEST

struct bad_reply {
	const char *what, *data;
	size_t len; /* 0: strlen */
};

static const struct bad_reply bad_replies[] = {
	{"garbage", "HELLO WORLD\n", 0},
	{"no line end", "SIGNED 1 10", 0},
	{"zero signatures", "SIGNED 0 0\n", 0},
	{"too many signatures", "SIGNED 9 10\n", 0},
	{"forged field",
	 "SIGNED 1 17\nrsa-sha256 example.com rsa2026\nX-Evil: not dkim\n", 0},
	{"a second, non-DKIM field after the signature",
	 "SIGNED 1 42\nrsa-sha256 example.com rsa2026\n"
	 "DKIM-Signature: v=1\nBcc: evil@example.org\n", 0},
	{"fields count differs",
	 "SIGNED 2 20\nrsa-sha256 example.com rsa2026\n"
	 "ed25519-sha256 example.com ed2026\nDKIM-Signature: v=1\n", 0},
	{"truncated fields",
	 "SIGNED 1 400\nrsa-sha256 example.com rsa2026\nDKIM-Signature: v=1\n",
	 0},
	{"bytes after the fields",
	 "SIGNED 1 20\nrsa-sha256 example.com rsa2026\nDKIM-Signature: v=1\nX", 0},
	{"fields without a final line end",
	 "SIGNED 1 19\nrsa-sha256 example.com rsa2026\nDKIM-Signature: v=1", 0},
	{"NUL in the fields",
	 "SIGNED 1 20\nrsa-sha256 example.com rsa2026\nDKIM-Signature:\0v=1\n",
	 63},
	{"unknown algorithm",
	 "SIGNED 1 20\nrsa-sha1 example.com rsa2026\nDKIM-Signature: v=1\n", 0},
	{"space in the domain",
	 "SIGNED 1 20\nrsa-sha256 exa mple.com rsa2026\nDKIM-Signature: v=1\n",
	 0},
	{"unsigned reason length differs", "UNSIGNED 50\nshort", 0},
	{"TEMPFAIL (a failure, not an outcome)", "TEMPFAIL 3\nbad", 0},
};

START_TEST(test_reply_bad)
{
	const struct bad_reply *t = &bad_replies[_i];
	struct arena *a = arena_new(0);
	struct signer_outcome o;
	size_t len = t->len != 0 ? t->len : strlen(t->data);

	ck_assert_msg(parse_reply(t->data, len, a, &o) == -1,
		      "%s: got accepted, want refused", t->what);
	arena_free(&a);
}
END_TEST

START_TEST(test_peer_credentials)
{
	int sv[2];
	uid_t uid, other = getuid() == 0 ? 65534 : 0, self_listed[1];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	/* the peer is this process: our own uid is served */
	ck_assert(signer_service_peer_allowed(sv[0], NULL, 0, &uid));
	ck_assert_uint_eq(uid, geteuid());
	if (geteuid() != 0) {
		/* a list without our uid does not matter: we own the keys */
		self_listed[0] = other;
		ck_assert(signer_service_peer_allowed(sv[0], self_listed, 1,
						      &uid));
	}
	close(sv[0]);
	close(sv[1]);
	/* not a socket: SO_PEERCRED fails, refused */
	ck_assert(!signer_service_peer_allowed(0 > 1 ? 0 : -1, NULL, 0, &uid));
	ck_assert_uint_eq(uid, (uid_t)-1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("signer_proto");
	TCase *tc = tcase_create("proto");

	tcase_add_test(tc, test_request_roundtrip);
	tcase_add_loop_test(tc, test_request_bad, 0,
			    sizeof(bad_requests) / sizeof(bad_requests[0]));
	tcase_add_test(tc, test_reply_roundtrip);
	tcase_add_loop_test(tc, test_reply_bad, 0,
			    sizeof(bad_replies) / sizeof(bad_replies[0]));
	tcase_add_test(tc, test_peer_credentials);
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
