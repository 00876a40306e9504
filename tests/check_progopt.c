/*
 * check_progopt.c - common/progopt.h's option tables (issue 22: one
 * table-driven lookup instead of a strcmp chain per program): an option
 * with a value takes the next argument and moves the cursor past it,
 * one without leaves it, a missing value and an unknown argument are
 * told apart, and nothing is matched by prefix.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "progopt.h"
#include "harness.h"

enum { OPT_FLAG, OPT_KEY };
static const struct progopt_def opts[] = {
	[OPT_FLAG] = {"-n", 0},
	[OPT_KEY] = {"--key", 1},
	{NULL, 0},
};

START_TEST(test_find)
{
	char a0[] = "prog", a1[] = "-n", a2[] = "--key", a3[] = "k.pem",
	     a4[] = "file", a5[] = "--ke", a6[] = "--key";
	char *argv[] = {a0, a1, a2, a3, a4, a5, a6, NULL};
	int argc = 7, i = 1;
	const char *v = "x";

	ck_assert_int_eq(progopt_find(opts, argc, argv, &i, &v), OPT_FLAG);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(i, 1);
	i = 2;
	ck_assert_int_eq(progopt_find(opts, argc, argv, &i, &v), OPT_KEY);
	harness_assert_str("value", v, "k.pem");
	ck_assert_int_eq(i, 3); /* the caller's i++ goes past the value */
	i = 4;
	ck_assert_int_eq(progopt_find(opts, argc, argv, &i, &v),
			 PROGOPT_NOT_OURS);
	ck_assert_int_eq(i, 4);
	i = 5; /* no prefix matching: "--ke" is not "--key" */
	ck_assert_int_eq(progopt_find(opts, argc, argv, &i, &v),
			 PROGOPT_NOT_OURS);
	i = 6; /* "--key" as the last argument */
	ck_assert_int_eq(progopt_find(opts, argc, argv, &i, &v),
			 PROGOPT_NO_VALUE);
	ck_assert_int_eq(i, 6);
	ck_assert_ptr_null(v);
}
END_TEST

static Suite *
progopt_suite(void)
{
	Suite *s = suite_create("progopt");
	TCase *tc = tcase_create("find");

	tcase_add_test(tc, test_find);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return harness_run_suite(progopt_suite()) == 0 ? EXIT_SUCCESS :
							 EXIT_FAILURE;
}
