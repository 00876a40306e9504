/*
 * check_base64.c - base64 (RFC 4648 section 10 test vectors, both
 * directions) and DKIM's folding white space inside it (RFC 6376 2.6),
 * and what is rejected: characters outside the alphabet, data after
 * padding, a dangling character, too small an output buffer.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "harness.h"

static const struct {
	const char *plain, *encoded;
} rfc4648[] = {
	{"", ""},	  {"f", "Zg=="},      {"fo", "Zm8="},
	{"foo", "Zm9v"},  {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
	{"foobar", "Zm9vYmFy"},
};

START_TEST(test_rfc4648_vectors)
{
	char enc[64];
	unsigned char dec[64];
	size_t n;

	n = base64_encode((const unsigned char *)rfc4648[_i].plain,
			  strlen(rfc4648[_i].plain), enc);
	ck_assert_uint_eq(n, strlen(rfc4648[_i].encoded));
	ck_assert_str_eq(enc, rfc4648[_i].encoded);
	ck_assert_int_eq(base64_decode(rfc4648[_i].encoded,
				       strlen(rfc4648[_i].encoded), dec,
				       sizeof(dec), &n), 0);
	ck_assert_uint_eq(n, strlen(rfc4648[_i].plain));
	ck_assert(memcmp(dec, rfc4648[_i].plain, n) == 0);
}
END_TEST

START_TEST(test_fws_and_errors)
{
	static const struct {
		const char *in;
		const char *want; /* NULL: rejected */
	} cases[] = {
		{"Zm9v\r\n\tYmFy", "foobar"},
		{" Z m 9 v Y g = = ", "foob"},
		{"Zm9vYg", "foob"}, /* padding is optional at the end */
		{"Zm9vYmE", "fooba"},
		{"Zm9v*mFy", NULL},
		{"Zg==Zm8=", NULL}, /* data after padding */
		{"Zm9vY", NULL},    /* one dangling character */
		{"Zg===", NULL},
		{"Zm8==", NULL},
	};
	unsigned char dec[64];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = base64_decode(cases[i].in, strlen(cases[i].in), dec,
				      sizeof(dec), &n);

		if (cases[i].want == NULL) {
			ck_assert_msg(r == -1, "'%s' accepted", cases[i].in);
			continue;
		}
		ck_assert_msg(r == 0 && n == strlen(cases[i].want) &&
				      memcmp(dec, cases[i].want, n) == 0,
			      "'%s': got %d", cases[i].in, r);
	}
	/* output buffer exactly right, and one byte short */
	ck_assert_int_eq(base64_decode("Zm9vYmFy", 8, dec, 6, &n), 0);
	ck_assert_int_eq(base64_decode("Zm9vYmFy", 8, dec, 5, &n), -1);
	ck_assert_int_eq(base64_decode("Zm9vYmE=", 8, dec, 4, &n), -1);
}
END_TEST

/* A longer vector: 30 bytes, 40 characters without padding, so that the
 * whole-quad path runs for several quads before and after each insert. */
static const char long_plain[] = "DKIM-Signature b= and bh= data";
static const char long_enc[] = "REtJTS1TaWduYXR1cmUgYj0gYW5kIGJoPSBkYXRh";

static void
insert_at(char *buf, size_t size, const char *s, size_t pos, const char *ins)
{
	snprintf(buf, size, "%.*s%s%s", (int)pos, s, ins, s + pos);
}

/* RFC 6376 2.6: FWS may appear anywhere in base64 and is ignored: every
 * kind of FWS at every offset of every vector (inside a quad, between
 * quads, inside and after the padding) decodes to the same bytes. */
START_TEST(test_fws_everywhere)
{
	static const char *const fws[] = {" ", "\t", "\r\n ", "\n\t",
					  "  \r\n\t  "};
	const char *plain = _i < 7 ? rfc4648[_i].plain : long_plain;
	const char *enc = _i < 7 ? rfc4648[_i].encoded : long_enc;
	char in[128];
	unsigned char dec[64];
	size_t pos, f, n;

	for (pos = 0; pos <= strlen(enc); pos++) {
		for (f = 0; f < sizeof(fws) / sizeof(fws[0]); f++) {
			insert_at(in, sizeof(in), enc, pos, fws[f]);
			ck_assert_msg(base64_decode(in, strlen(in), dec,
						    sizeof(dec), &n) == 0 &&
					      n == strlen(plain) &&
					      memcmp(dec, plain, n) == 0,
				      "'%s' does not decode to '%s'", in, plain);
		}
	}
}
END_TEST

/* RFC 4648 3.3: characters outside the alphabet are rejected, at every
 * offset (the whole-quad path and the careful path alike). */
START_TEST(test_junk_everywhere)
{
	static const char *const junk[] = {"*", "-", "_", ";", "\x80",
					   "\xff", "\x0b", "\r"};
	const char *enc = _i < 7 ? rfc4648[_i].encoded : long_enc;
	char in[128];
	unsigned char dec[64];
	size_t pos, j, n;

	for (pos = 0; pos <= strlen(enc); pos++) {
		for (j = 0; j < sizeof(junk) / sizeof(junk[0]); j++) {
			if (strcmp(junk[j], "\r") == 0)
				continue; /* FWS, not junk */
			insert_at(in, sizeof(in), enc, pos, junk[j]);
			ck_assert_msg(base64_decode(in, strlen(in), dec,
						    sizeof(dec), &n) == -1,
				      "'%s' accepted", in);
		}
	}
	/* a NUL inside the given length is junk, not an end */
	ck_assert_int_eq(base64_decode("Zm9v\0mFy", 8, dec, sizeof(dec), &n),
			 -1);
}
END_TEST

/* Padding (RFC 4648 3.2, 4): only at the end, at most two '=', and the
 * characters plus padding a multiple of 4 once there is padding. */
START_TEST(test_padding)
{
	static const struct {
		const char *in;
		int want;
	} cases[] = {
		{"Zm9vYg==", 0},   {"Zm9vYg=", -1},    {"Zm9vYg===", -1},
		{"Zm9vYmE=", 0},   {"Zm9vYmE==", -1},  {"Zm9vYmFy=", -1},
		{"Zm9vYmFy", 0},   {"Zm9v=YmFy", -1},  {"=Zm9v", -1},
		{"Zm9vY=g=", -1},  {"Zg= =", 0},       {"Zg=\r\n =", 0},
		{"=", -1},	   {"==", -1},	       {"Zg==\r\n ", 0},
		{"Zm9vYg==Zg==", -1},
	};
	unsigned char dec[64];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(base64_decode(cases[i].in, strlen(cases[i].in),
					    dec, sizeof(dec), &n) ==
				      cases[i].want,
			      "'%s': want %d", cases[i].in, cases[i].want);
}
END_TEST

/* The output buffer: every size from 0 up, with and without folding in
 * the input: accepted exactly when the decoded bytes fit. */
START_TEST(test_out_size)
{
	static const char *const inputs[] = {
		long_enc,
		"REtJ TS1Ta\r\n Wdu YXR1cmUgYj0gYW5k\tIGJoPSBkYXRh",
		"REtJTS1TaWduYXR1cmUgYj0gYW5kIGJoPSBkYXQ=",
		"REtJTS1TaWduYXR1cmUgYj0gYW5kIGJoPSBkYQ",
	};
	static const size_t want[] = {30, 30, 29, 28};
	unsigned char dec[64];
	size_t i, size, n;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		for (size = 0; size <= want[i] + 4; size++) {
			int r = base64_decode(inputs[i], strlen(inputs[i]),
					      dec, size, &n);

			ck_assert_msg(r == (size >= want[i] ? 0 : -1),
				      "'%s' into %zu bytes: got %d", inputs[i],
				      size, r);
			if (r == 0)
				ck_assert_uint_eq(n, want[i]);
		}
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("base64");
	TCase *tc = tcase_create("rfc4648");
	int failed;

	tcase_add_loop_test(tc, test_rfc4648_vectors, 0,
			    sizeof(rfc4648) / sizeof(rfc4648[0]));
	tcase_add_test(tc, test_fws_and_errors);
	/* the 7 RFC 4648 vectors and the long one */
	tcase_add_loop_test(tc, test_fws_everywhere, 0, 8);
	tcase_add_loop_test(tc, test_junk_everywhere, 0, 8);
	tcase_add_test(tc, test_padding);
	tcase_add_test(tc, test_out_size);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
