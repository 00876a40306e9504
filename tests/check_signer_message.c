/*
 * check_signer_message.c - dkim-signer's way of a message: the spool
 * (memory, then an unlinked temp file; bytes back exactly), the header
 * scan (From fields, DKIM-Signature fields present, line-end style), the
 * sign / do-not-sign decisions (our own signature already there, a
 * header too large to sign) and the output (fields + the input bytes
 * unchanged).  Oracle: RFC 8463 appendix A (signer-fixture.h).  The
 * program's exit codes are checked by tests/dkim-signer-cli.sh.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "harness.h"
#include "signer-existing.h"
#include "signer-fixture.h"
#include "signer-spool.h"

START_TEST(test_spool_roundtrip)
{
	/* a small memory limit forces the temp file; 1-byte and whole
	 * writes must give back the same bytes */
	size_t len = 300000, i, steps[] = {1, 4096, 0};
	char *data = malloc(len), *back = malloc(len + 1);
	const char *err = NULL;

	for (i = 0; i < len; i++)
		data[i] = (char)(i * 131 + (i >> 7));
	for (size_t s = 0; s < 3; s++) {
		struct signer_spool sp;
		size_t off = 0, got = 0, step = steps[s];
		ssize_t n;

		signer_spool_init(&sp, fixture_dir, 1000);
		while (off < len) {
			size_t k = step == 0 || len - off < step ? len - off : step;

			ck_assert_int_eq(signer_spool_write(&sp, data + off, k,
							    &err), 0);
			off += k;
		}
		ck_assert(signer_spool_on_disk(&sp));
		signer_spool_rewind(&sp);
		while ((n = signer_spool_read(&sp, back + got, 7777, &err)) > 0)
			got += (size_t)n;
		ck_assert_int_eq(n, 0);
		ck_assert_uint_eq(got, len);
		ck_assert(memcmp(back, data, len) == 0);
		signer_spool_deinit(&sp);
	}
	free(data);
	free(back);
}
END_TEST

START_TEST(test_spool_memory)
{
	struct signer_spool sp;
	const char *err = NULL;
	char back[16];

	signer_spool_init(&sp, "/nonexistent", 0);
	ck_assert_int_eq(signer_spool_write(&sp, "hello", 5, &err), 0);
	ck_assert(!signer_spool_on_disk(&sp));
	signer_spool_rewind(&sp);
	ck_assert_int_eq(signer_spool_read(&sp, back, sizeof(back), &err), 5);
	ck_assert(memcmp(back, "hello", 5) == 0);
	signer_spool_deinit(&sp);
	/* the temp file cannot be made: an error, not a crash */
	signer_spool_init(&sp, "/nonexistent", 4);
	ck_assert_int_eq(signer_spool_write(&sp, "hello", 5, &err), -1);
	harness_assert_str("error", err, "No such file or directory");
	signer_spool_deinit(&sp);
}
END_TEST

static const struct {
	const char *msg;
	size_t from_count, nexisting;
	bool lf;
} scans[] = {
	{"From: a@x\nTo: b@y\n\nbody\n", 1, 0, true},
	{"From: a@x\r\nFrom: c@x\r\n\r\nbody\r\n", 2, 0, false},
	{"To: b@y\n\n", 0, 0, true},
	/* every DKIM-Signature field counts, parsable or not (they are
	 * examined after the keys are chosen: signer-existing.h) */
	{"DKIM-Signature: v=1; d=x; s=s1; b=\n"
	 "dkim-signature: v=1; d=y;\n s=s2; b=\n"
	 "DKIM-Signature: broken\nFrom: a@x\n\n", 1, 3, true},
	/* a From in the body is not a header field */
	{"Subject: x\n\nFrom: a@x\n", 0, 0, true},
	/* no body separator: the header ends at EOF */
	{"From: a@x", 1, 0, true},
	{"", 0, 0, true},
};

START_TEST(test_header_scan)
{
	for (size_t step = 0; step < 3; step++) {
		struct signer_message m;

		signer_message_init(&m, fixture_dir, 0);
		fixture_feed(&m, scans[_i].msg, strlen(scans[_i].msg), step);
		ck_assert_uint_eq(m.from_count, scans[_i].from_count);
		ck_assert_uint_eq(m.nexisting, scans[_i].nexisting);
		ck_assert_int_eq(m.lf, scans[_i].lf);
		signer_message_deinit(&m);
	}
}
END_TEST

static const struct {
	const char *msg, *reason;
} unsigned_cases[] = {
	{"To: b@y\n\nx\n", "no From field"},
	{"From: joe@football.example.com\nFrom: joe@football.example.com\n\nx\n",
	 "multiple From fields"},
	{"From: joe@other.example\n\nx\n",
	 "joe@other.example in no SigningTable line"},
	{"From: joe@sub.football.example.com\n\nx\n",
	 "joe@sub.football.example.com in no SigningTable line"},
	{"From: <<<\n\nx\n", "From field does not parse"},
	{"From: joe@[192.0.2.1]\n\nx\n", NULL /* any reason */},
	/* probe 2026-12 (informational): a bare CR hides a second From;
	 * the verifier fails every signature of such a message */
	{"X-Foo: bar\rFrom: mallory@evil.example\n"
	 "From: joe@football.example.com\n\nx\n",
	 "multiple From fields: bare CR or LF inside a header field hides a "
	 "From field"},
	/* probe 2026-12 (informational): "From :" (RFC 5322 4.5): dkimpy
	 * failed both signatures made over it */
	{"From : joe@football.example.com\n\nx\n",
	 "From field with white space before its colon (RFC 5322 4.5 "
	 "obsolete syntax; verifiers disagree on it)"},
};

START_TEST(test_unsigned)
{
	struct signer_config *c = fixture_config("");
	struct signer_message m;
	struct signer_outcome o;
	const char *err = NULL, *msg = unsigned_cases[_i].msg;
	size_t len;
	char *out;

	signer_message_init(&m, fixture_dir, 0);
	fixture_feed(&m, msg, strlen(msg), 0);
	ck_assert_msg(signer_message_sign(&m, c, "s@x", 0, &o, &err) == 0,
		      "sign: %s", err);
	ck_assert_int_eq(o.verdict, SIGNER_UNSIGNED);
	ck_assert_ptr_nonnull(o.reason);
	if (unsigned_cases[_i].reason != NULL)
		harness_assert_str("reason", o.reason, unsigned_cases[_i].reason);
	/* passed on unchanged */
	out = fixture_output(&m, &o, &len);
	ck_assert_uint_eq(len, strlen(msg));
	ck_assert(memcmp(out, msg, len) == 0);
	free(out);
	signer_message_deinit(&m);
	signer_config_free(&c);
}
END_TEST

/* CRLF and LF input, whole and one byte at a time: fields + input. */
START_TEST(test_signed)
{
	struct signer_config *c = fixture_config("");
	struct buf lf = BUF_INIT;
	const char *msgs[2], *err = NULL;
	size_t lens[2];

	for (const char *p = rfc8463_msg; *p != '\0'; p++) {
		if (*p != '\r')
			buf_append_char(&lf, *p);
	}
	msgs[0] = rfc8463_msg;
	lens[0] = strlen(rfc8463_msg);
	msgs[1] = lf.data;
	lens[1] = lf.len;
	for (size_t v = 0; v < 2; v++) {
		for (size_t step = 0; step < 2; step++) {
			struct signer_message m;
			struct signer_outcome o;
			size_t len;
			char *out;

			signer_message_init(&m, fixture_dir,
					    step == 1 ? 64 : 0);
			fixture_feed(&m, msgs[v], lens[v], step);
			ck_assert_msg(signer_message_sign(&m, c, "", 1528637909,
							  &o, &err) == 0,
				      "sign: %s", err);
			ck_assert_int_eq(o.verdict, SIGNER_SIGNED);
			ck_assert_uint_eq(o.nsigs, 1);
			harness_assert_str("d", o.sigs[0].domain,
					   "football.example.com");
			out = fixture_output(&m, &o, &len);
			ck_assert_uint_eq(len, o.fields_len + lens[v]);
			ck_assert(strncmp(out, "DKIM-Signature: v=1; "
					  "a=ed25519-sha256; c=simple/simple;",
					  40) == 0);
			ck_assert_msg(strstr(out, RFC8463_BH) != NULL,
				      "no RFC 8463 body hash in %s", out);
			ck_assert_msg(strstr(out, "t=1528637909;") != NULL,
				      "t= %s", out);
			/* line ends of our fields follow the input's */
			ck_assert_int_eq(strstr(out, "\r\n") != NULL, v == 0);
			ck_assert(memcmp(out + o.fields_len, msgs[v], lens[v]) ==
				  0);
			free(out);
			signer_message_deinit(&m);
		}
	}
	buf_free(&lf);
	signer_config_free(&c);
}
END_TEST

START_TEST(test_envelope_address)
{
	struct signer_config *c = fixture_config("SigningAddress envelope\n");
	struct signer_message m;
	struct signer_outcome o;
	const char *err = NULL;

	signer_message_init(&m, fixture_dir, 0);
	/* From says other.example; the envelope sender selects */
	fixture_feed(&m, "From: a@other.example\n\nx\n", 25, 0);
	ck_assert_int_eq(signer_message_sign(&m, c, "bounce@football.example.com",
					     0, &o, &err), 0);
	ck_assert_int_eq(o.verdict, SIGNER_SIGNED);
	signer_message_deinit(&m);
	signer_message_init(&m, fixture_dir, 0);
	fixture_feed(&m, "From: joe@football.example.com\n\nx\n", 35, 0);
	ck_assert_int_eq(signer_message_sign(&m, c, "", 0, &o, &err), 0);
	ck_assert_int_eq(o.verdict, SIGNER_UNSIGNED);
	harness_assert_str("null sender", o.reason,
			   "envelope sender has no domain");
	signer_message_deinit(&m);
	signer_config_free(&c);
}
END_TEST

static size_t
count_str(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* probe 2026-12 F09: "never signed twice" remembered only the first 32
 * DKIM-Signature fields (with 32 others above ours the same d=/s= signed
 * again), and any field claiming our d=/s= - even b=AAAA - suppressed
 * signing, so the message left with only the bogus signature.  Now only a
 * signature that verifies with our key counts (dkimpy checks the results
 * in tests/dkim-signer-cli.sh). */
START_TEST(test_existing_signatures)
{
	struct signer_config *c = fixture_config("");
	struct buf junk = BUF_INIT, msg = BUF_INIT;
	char *reason;
	char *signed1, *out;
	size_t len1, len;
	int i;

	ck_assert_int_eq(fixture_sign(c, rfc8463_msg, strlen(rfc8463_msg),
				   &signed1, &len1, &reason), SIGNER_SIGNED);
	/* our real signature, below 40 others: recognised, not signed again */
	for (i = 0; i < 40; i++)
		buf_printf(&junk, "DKIM-Signature: v=1; a=rsa-sha256; d=x%d.test;"
			   " s=s; h=from; bh=AAAA; b=AAAA\r\n", i);
	buf_append(&msg, junk.data, junk.len);
	buf_append(&msg, signed1, len1);
	ck_assert_int_eq(fixture_sign(c, msg.data, msg.len, &out, &len, &reason),
			 SIGNER_UNSIGNED);
	harness_assert_str("40 above ours", reason,
			   "already signed by d=football.example.com s=brisbane");
	ck_assert_uint_eq(len, msg.len);
	free(out);
	free(reason);
	/* a field only claiming our d=/s= does not stop signing */
	buf_reset(&msg);
	buf_append_str(&msg, "DKIM-Signature: v=1; a=ed25519-sha256; "
		       "d=Football.Example.COM;\r\n s=brisbane; h=from; "
		       "bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=; "
		       "b=AAAA\r\n");
	buf_append_str(&msg, rfc8463_msg);
	ck_assert_int_eq(fixture_sign(c, msg.data, msg.len, &out, &len, &reason),
			 SIGNER_SIGNED);
	ck_assert_uint_eq(count_str(out, "s=brisbane"), 2);
	free(out);
	/* our signature over a message changed since (body): not ours any
	 * more, signed again */
	buf_reset(&msg);
	buf_append(&msg, signed1, len1 - 3);
	buf_append_str(&msg, "X.\r\n");
	ck_assert_int_eq(fixture_sign(c, msg.data, msg.len, &out, &len, &reason),
			 SIGNER_SIGNED);
	free(out);
	/* the bound: more than SIGNER_EXISTING_MAX_CLAIMS claims above ours
	 * - we err on signing again (signer-existing.h) */
	buf_reset(&msg);
	for (i = 0; i <= SIGNER_EXISTING_MAX_CLAIMS; i++)
		buf_append_str(&msg, "DKIM-Signature: v=1; a=ed25519-sha256; "
			       "d=football.example.com; s=brisbane; h=from; "
			       "bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=;"
			       " b=AAAA\r\n");
	buf_append(&msg, signed1, len1);
	ck_assert_int_eq(fixture_sign(c, msg.data, msg.len, &out, &len, &reason),
			 SIGNER_SIGNED);
	free(out);
	free(signed1);
	buf_free(&junk);
	buf_free(&msg);
	signer_config_free(&c);
}
END_TEST

/* probe 2026-12 F03, F10: a header dkim-sign.h refuses to sign is a
 * property of the message, so it is passed on unsigned, never an error
 * (exit 75 deferred it until it bounced); an oversized From is not even
 * parsed (F10: msg_address_list_parse(NULL, 0) was undefined). */
static const struct {
	const char *what;
	size_t fields, field_len, from_len;
	const char *reason;
} too_large_cases[] = {
	{"1001 fields", 1001, 1, 0, "header too large to sign (over 1000 "
	 "fields or 1 MiB, or a field over 256 KiB)"},
	{"1.5 MB header", 500, 3000, 0, "header too large to sign (over 1000 "
	 "fields or 1 MiB, or a field over 256 KiB)"},
	{"300 KB field", 1, 300000, 0, "header too large to sign (over 1000 "
	 "fields or 1 MiB, or a field over 256 KiB)"},
	{"300 KB From", 0, 0, 300000,
	 "header too large to sign: a From field over 256 KiB"},
};

START_TEST(test_too_large)
{
	struct signer_config *c = fixture_config("");
	struct signer_message m;
	struct signer_outcome o;
	struct buf msg = BUF_INIT;
	const char *err = NULL;
	size_t i, len;
	char *out;

	buf_append_str(&msg, "From: ");
	for (i = 0; i < too_large_cases[_i].from_len; i++)
		buf_append_char(&msg, 'q');
	buf_append_str(&msg, " <joe@football.example.com>\nSubject: t\n");
	for (i = 0; i < too_large_cases[_i].fields; i++) {
		buf_printf(&msg, "X-F%zu: ", i);
		for (len = 0; len < too_large_cases[_i].field_len; len++)
			buf_append_char(&msg, 'v');
		buf_append_char(&msg, '\n');
	}
	buf_append_str(&msg, "\nhi\n");
	signer_message_init(&m, fixture_dir, 0);
	fixture_feed(&m, msg.data, msg.len, 0);
	ck_assert_msg(signer_message_sign(&m, c, "s@x", 0, &o, &err) == 0,
		      "%s: sign: %s", too_large_cases[_i].what, err);
	ck_assert_msg(o.verdict == SIGNER_UNSIGNED, "%s: signed",
		      too_large_cases[_i].what);
	harness_assert_str(too_large_cases[_i].what, o.reason,
			   too_large_cases[_i].reason);
	out = fixture_output(&m, &o, &len);
	ck_assert_uint_eq(len, msg.len);
	ck_assert(memcmp(out, msg.data, len) == 0);
	free(out);
	buf_free(&msg);
	signer_message_deinit(&m);
	signer_config_free(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("signer_message");
	TCase *tc = tcase_create("signer_message");
	int failed;

	tcase_add_checked_fixture(tc, fixture_setup,
				  fixture_teardown);
	tcase_add_test(tc, test_spool_roundtrip);
	tcase_add_test(tc, test_spool_memory);
	tcase_add_loop_test(tc, test_header_scan, 0,
			    sizeof(scans) / sizeof(scans[0]));
	tcase_add_loop_test(tc, test_unsigned, 0,
			    sizeof(unsigned_cases) / sizeof(unsigned_cases[0]));
	tcase_add_test(tc, test_signed);
	tcase_add_test(tc, test_envelope_address);
	tcase_add_test(tc, test_existing_signatures);
	tcase_add_loop_test(tc, test_too_large, 0,
			    sizeof(too_large_cases) / sizeof(too_large_cases[0]));
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
