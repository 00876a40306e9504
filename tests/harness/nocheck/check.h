/*
 * check.h - stand-in for libcheck's <check.h> when the Debian package
 * `check` is not installed (configure then puts this directory first in
 * CHECK_CFLAGS).  It is not a test framework: it only lets the unit tests
 * compile, and suite_create(), the first thing every test's main() does,
 * prints a SKIP line and exits 77 so that automake counts the program as
 * SKIP, never as passed.  Nothing is allocated; no memory to own.
 *
 * Every macro and function of libcheck's public API that the tests use
 * is here; each takes its arguments through ma_nocheck_use() so that
 * the compiler sees them used.  Add one here when a test starts using
 * another (the build without libcheck fails to compile otherwise).
 */
#ifndef MA_NOCHECK_CHECK_H
#define MA_NOCHECK_CHECK_H

#include <stdio.h>
#include <stdlib.h>

typedef struct ma_nocheck_suite Suite;
typedef struct ma_nocheck_tcase TCase;
typedef struct ma_nocheck_srunner SRunner;

enum print_output { CK_SILENT, CK_MINIMAL, CK_NORMAL, CK_VERBOSE, CK_ENV };

static inline void
ma_nocheck_use(int n, ...)
{
	(void)n;
}

static inline Suite *
suite_create(const char *name)
{
	printf("SKIP: %s: libcheck is not installed (apt-get install check, "
	       "then configure)\n", name);
	exit(77);
}

#define START_TEST(name) static void name(int _i __attribute__((unused)))
#define END_TEST

#define tcase_create(name) (ma_nocheck_use(0, name), (TCase *)NULL)
#define suite_add_tcase(s, tc) ma_nocheck_use(0, s, tc)
#define tcase_add_test(tc, tf) ma_nocheck_use(0, tc, tf)
#define tcase_add_loop_test(tc, tf, s, e) ma_nocheck_use(0, tc, tf, s, e)
#define tcase_add_test_raise_signal(tc, tf, sig) \
	ma_nocheck_use(0, tc, tf, sig)
#define tcase_add_exit_test(tc, tf, v) ma_nocheck_use(0, tc, tf, v)
#define tcase_add_checked_fixture(tc, su, td) ma_nocheck_use(0, tc, su, td)
#define tcase_add_unchecked_fixture(tc, su, td) \
	ma_nocheck_use(0, tc, su, td)
#define tcase_set_timeout(tc, t) ma_nocheck_use(0, tc, t)
#define srunner_create(s) (ma_nocheck_use(0, s), (SRunner *)NULL)
#define srunner_add_suite(sr, s) ma_nocheck_use(0, sr, s)
#define srunner_run_all(sr, mode) ma_nocheck_use(0, sr, mode)
#define srunner_ntests_failed(sr) (ma_nocheck_use(0, sr), 0)
#define srunner_free(sr) ma_nocheck_use(0, sr)
#define srunner_set_fork_status(sr, f) ma_nocheck_use(0, sr, f)

#define mark_point() ((void)0)
#define ck_assert(e) ma_nocheck_use(0, e)
#define ck_assert_msg(...) ma_nocheck_use(0, __VA_ARGS__)
#define ck_abort() ((void)0)
#define ck_abort_msg(...) ma_nocheck_use(0, __VA_ARGS__)
#define fail_if(...) ma_nocheck_use(0, __VA_ARGS__)
#define fail_unless(...) ma_nocheck_use(0, __VA_ARGS__)
#define ck_assert_int_eq(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_int_ne(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_int_lt(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_int_le(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_int_gt(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_int_ge(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_uint_eq(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_uint_ne(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_uint_lt(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_uint_le(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_uint_gt(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_uint_ge(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_double_eq(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_double_eq_tol(a, b, t) ma_nocheck_use(0, a, b, t)
#define ck_assert_str_eq(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_str_ne(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_str_lt(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_str_le(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_str_gt(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_str_ge(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_pstr_eq(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_pstr_ne(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_mem_eq(a, b, n) ma_nocheck_use(0, a, b, n)
#define ck_assert_mem_ne(a, b, n) ma_nocheck_use(0, a, b, n)
#define ck_assert_ptr_eq(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_ptr_ne(a, b) ma_nocheck_use(0, a, b)
#define ck_assert_ptr_null(a) ma_nocheck_use(0, a)
#define ck_assert_ptr_nonnull(a) ma_nocheck_use(0, a)

#endif
