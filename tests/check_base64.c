/*
 * check_base64.c - base64 (RFC 4648 section 10 test vectors, both
 * directions) and DKIM's folding white space inside it (RFC 6376 2.6),
 * and what is rejected: characters outside the alphabet, data after
 * padding, a dangling character, too small an output buffer.
 */
#include "config.h"

#include <check.h>
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

int
main(void)
{
	Suite *s = suite_create("base64");
	TCase *tc = tcase_create("rfc4648");
	int failed;

	tcase_add_loop_test(tc, test_rfc4648_vectors, 0,
			    sizeof(rfc4648) / sizeof(rfc4648[0]));
	tcase_add_test(tc, test_fws_and_errors);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
