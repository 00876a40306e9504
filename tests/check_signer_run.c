/*
 * check_signer_run.c - what dkim-signer needs to run as a service: the
 * UserID lookup (USER:GROUP) and the escaping of message text in its log
 * lines.
 */
#include "config.h"

#include <check.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>

#include "util/arena.h"
#include "util/buf.h"
#include "harness.h"
#include "logsink.h"
#include "signer-user.h"

/* probe 2026-12 F13: UserID USER:GROUP - the group is looked up (not
 * ignored), an unknown one refused.  Expected ids from getpwnam(3) and
 * getgrnam(3). */
START_TEST(test_user_lookup)
{
	struct arena *arena = arena_new(0);
	struct signer_user u;
	const char *err = NULL;
	struct group *gr;

	ck_assert_int_eq(signer_user_lookup("root", arena, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 0);
	ck_assert_uint_eq(u.gid, getpwnam("root")->pw_gid);
	if ((gr = getgrnam("mail")) != NULL) {
		ck_assert_int_eq(signer_user_lookup("root:mail", arena, &u,
						    &err), 0);
		ck_assert_uint_eq(u.uid, 0);
		ck_assert_uint_eq(u.gid, getgrnam("mail")->gr_gid);
	}
	ck_assert_int_eq(signer_user_lookup("root:no-such-group-x", arena, &u,
					    &err), -1);
	harness_assert_str("unknown group", err,
			   "UserID: no such group 'no-such-group-x'");
	ck_assert_int_eq(signer_user_lookup("no-such-user-x:mail", arena, &u,
					    &err), -1);
	harness_assert_str("unknown user", err,
			   "UserID: no such user 'no-such-user-x'");
	ck_assert_int_eq(signer_user_lookup("root:", arena, &u, &err), -1);
	harness_assert_str("empty group", err,
			   "UserID: empty user or group name");
	arena_free(&arena);
}
END_TEST

/* probe 2026-12 F12: log text from a message can neither start a line
 * nor send terminal escapes; the format is logsink.h's (\xHH, "\\"). */
static const struct {
	const char *in, *want;
} escapes[] = {
	{"carol@example.org", "carol@example.org"},
	{"x\033[2J\033[31m y", "x\\x1B[2J\\x1B[31m y"},
	{"a\nfake: line\rz", "a\\x0Afake: line\\x0Dz"},
	{"back\\slash \x7f \x80\xff", "back\\\\slash \\x7F \\x80\\xFF"},
	{"", ""},
};

START_TEST(test_log_escape)
{
	struct buf out = BUF_INIT;

	logsink_escape(&out, escapes[_i].in);
	harness_assert_str("escaped", buf_cstr(&out), escapes[_i].want);
	buf_free(&out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("signer_run");
	TCase *tc = tcase_create("signer_run");
	int failed;

	tcase_add_test(tc, test_user_lookup);
	tcase_add_loop_test(tc, test_log_escape, 0,
			    sizeof(escapes) / sizeof(escapes[0]));
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
