/*
 * check_fatal.c - lib/'s two fatal hooks (util/xalloc.h out of memory,
 * util/panic.h a bug) and the front-ends' handler for both
 * (common/progfatal.h): the hook gets the size / the formatted line,
 * MA_ASSERT names what failed, a panic without a hook aborts, and
 * progfatal ends the process with the program's status (issue 22: before,
 * there was no panic hook and only the signer installed the
 * out-of-memory one).
 */
#include "config.h"

#include <check.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/panic.h"
#include "util/xalloc.h"
#include "logsink.h"
#include "progfatal.h"
#include "harness.h"

static jmp_buf back;
static char got_msg[1100];
static size_t got_size;

static void
record_panic(const char *msg)
{
	strncpy(got_msg, msg, sizeof(got_msg) - 1);
	longjmp(back, 1);
}

static void
record_oom(size_t size)
{
	got_size = size;
	longjmp(back, 1);
}

START_TEST(test_panic_hook)
{
	got_msg[0] = '\0';
	ma_set_panic_handler(record_panic);
	if (setjmp(back) == 0)
		ma_panic("state %d of %s", 7, "dns");
	ma_set_panic_handler(NULL);
	ck_assert_msg(strcmp(got_msg, "state 7 of dns") == 0,
		      "got '%s', want 'state 7 of dns'", got_msg);
}
END_TEST

START_TEST(test_assert_hook)
{
	volatile int two = 2;

	got_msg[0] = '\0';
	ma_set_panic_handler(record_panic);
	if (setjmp(back) == 0) {
		MA_ASSERT(two == 2); /* holds: no call */
		MA_ASSERT(two == 3);
	}
	ma_set_panic_handler(NULL);
	ck_assert_msg(strstr(got_msg, "check_fatal.c:") != NULL &&
			      strstr(got_msg, "assertion failed: two == 3") !=
				      NULL,
		      "got '%s', want file, line and 'two == 3'", got_msg);
}
END_TEST

START_TEST(test_panic_long_line)
{
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	got_msg[0] = '\0';
	ma_set_panic_handler(record_panic);
	if (setjmp(back) == 0)
		ma_panic("%s", big);
	ma_set_panic_handler(NULL);
	/* one log line, cut, never an overflow */
	ck_assert_uint_gt(strlen(got_msg), 100);
	ck_assert_uint_lt(strlen(got_msg), 1100);
}
END_TEST

static void *got_ptr;

/* setjmp in a function of its own: nothing of the test's is clobbered */
static void
overflow_with_hook(void)
{
	got_ptr = NULL;
	got_size = 0;
	ma_set_oom_handler(record_oom);
	if (setjmp(back) == 0)
		got_ptr = ma_reallocarray(NULL, SIZE_MAX / 2 + 2, 2);
	ma_set_oom_handler(NULL);
}

START_TEST(test_oom_hook)
{
	overflow_with_hook(); /* nmemb * size overflows: never allocated */
	ck_assert_ptr_null(got_ptr);
	ck_assert_msg(got_size == SIZE_MAX, "got %zu, want SIZE_MAX", got_size);
}
END_TEST

/* No hook installed: a panic is abort() (SIGABRT). */
START_TEST(test_panic_default_aborts)
{
	ma_set_panic_handler(NULL);
	ma_panic("no hook");
}
END_TEST

/* progfatal: both hooks end the process with the program's status. */
static struct logsink quiet = {"check_fatal", LOGSINK_NONE};

START_TEST(test_progfatal_oom)
{
	progfatal_install(&quiet, 75);
	(void)ma_reallocarray(NULL, SIZE_MAX / 2 + 2, 2);
}
END_TEST

START_TEST(test_progfatal_panic)
{
	progfatal_install(&quiet, 75);
	ma_panic("a bug");
}
END_TEST

static Suite *
fatal_suite(void)
{
	Suite *s = suite_create("fatal");
	TCase *tc = tcase_create("hooks");

	tcase_add_test(tc, test_panic_hook);
	tcase_add_test(tc, test_assert_hook);
	tcase_add_test(tc, test_panic_long_line);
	tcase_add_test(tc, test_oom_hook);
	tcase_add_test_raise_signal(tc, test_panic_default_aborts, SIGABRT);
	tcase_add_exit_test(tc, test_progfatal_oom, 75);
	tcase_add_exit_test(tc, test_progfatal_panic, 75);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return harness_run_suite(fatal_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
