/*
 * check_conf.c - the table-driven configuration reader: every type, the
 * limits, continuation lines, and the "FILE:LINE: NAME: problem" errors
 * users see.
 */
#include "config.h"

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/conf.h"
#include "harness.h"

struct test_settings {
	const char *authserv_id;
	bool skip_auth;
	unsigned int limit;
	unsigned int timeout_ms;
	unsigned int helo_reject;
	const char *const *whitelist;
};

static const char *const reject_choices[] = {"Fail", "SPF_Not_Pass",
					     "Softfail", "Null", "False",
					     "No_Check", NULL};

static const struct conf_option table[] = {
	{"Authserv_Id", CONF_STRING, "mx.example", offsetof(struct test_settings, authserv_id), 0, 0, NULL},
	{"skip_authenticated", CONF_BOOL, "yes", offsetof(struct test_settings, skip_auth), 0, 0, NULL},
	{"limit", CONF_UINT, "10", offsetof(struct test_settings, limit), 1, 100, NULL},
	{"timeout", CONF_TIME, "5s", offsetof(struct test_settings, timeout_ms), 0, 0, NULL},
	{"HELO_reject", CONF_ENUM, "Fail", offsetof(struct test_settings, helo_reject), 0, 0, reject_choices},
	{"Whitelist", CONF_LIST, "", offsetof(struct test_settings, whitelist), 0, 0, NULL},
	{NULL, 0, NULL, 0, 0, 0, NULL},
};

START_TEST(test_defaults)
{
	struct arena *a = arena_new(0);
	struct test_settings s;
	const char *err;

	ck_assert_int_eq(conf_defaults(table, &s, a, &err), 0);
	ck_assert_str_eq(s.authserv_id, "mx.example");
	ck_assert(s.skip_auth);
	ck_assert_uint_eq(s.limit, 10);
	ck_assert_uint_eq(s.timeout_ms, 5000);
	ck_assert_uint_eq(s.helo_reject, 0);
	ck_assert_ptr_null(s.whitelist[0]);
	arena_free(&a);
}
END_TEST

START_TEST(test_file)
{
	static const char text[] =
		"# policyd-spf style\n"
		"\n"
		"authserv_id = mail.example.org\n"
		"Skip_Authenticated = False\n"
		"limit=  42   \n"
		"timeout = 250ms\n"
		"helo_reject = softfail\n"
		"Whitelist = 192.0.2.0/24, 2001:db8::/32\n"
		"    198.51.100.7\n"
		"# trailing comment\n";
	struct arena *a = arena_new(0);
	struct test_settings s;
	const char *err = NULL;

	ck_assert_int_eq(conf_defaults(table, &s, a, &err), 0);
	ck_assert_msg(conf_read_buffer(table, &s, a, "t.conf", text,
				       strlen(text), &err) == 0, "%s", err);
	ck_assert_str_eq(s.authserv_id, "mail.example.org");
	ck_assert(!s.skip_auth);
	ck_assert_uint_eq(s.limit, 42);
	ck_assert_uint_eq(s.timeout_ms, 250);
	ck_assert_uint_eq(s.helo_reject, 2);
	ck_assert_str_eq(s.whitelist[0], "192.0.2.0/24");
	ck_assert_str_eq(s.whitelist[1], "2001:db8::/32");
	ck_assert_str_eq(s.whitelist[2], "198.51.100.7");
	ck_assert_ptr_null(s.whitelist[3]);
	arena_free(&a);
}
END_TEST

static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{"a = 1\n", "t.conf:1: a: unknown option"},
	{"\nlimit = 0\n", "t.conf:2: limit: 0 out of range 1..100"},
	{"limit = 101\n", "t.conf:1: limit: 101 out of range 1..100"},
	{"limit = 1x\n", "t.conf:1: limit: invalid number '1x'"},
	{"#\n#\ntimeout = soon\n", "t.conf:3: timeout: invalid time 'soon'"},
	{"skip_authenticated = maybe\n",
	 "t.conf:1: skip_authenticated: invalid boolean 'maybe' (use yes or no)"},
	{"helo_reject = sometimes\n",
	 "t.conf:1: HELO_reject: invalid value 'sometimes' (expected one of: "
	 "Fail, SPF_Not_Pass, Softfail, Null, False, No_Check)"},
	{"limit 5\n", "t.conf:1: missing '='"},
	{"limit = 99999999999999\n", "t.conf:1: limit: invalid number '99999999999999'"},
};

START_TEST(test_errors)
{
	struct arena *a = arena_new(0);
	struct test_settings s;
	const char *err = NULL;

	ck_assert_int_eq(conf_defaults(table, &s, a, &err), 0);
	ck_assert_int_eq(conf_read_buffer(table, &s, a, "t.conf", bad[_i].text,
					  strlen(bad[_i].text), &err), -1);
	ck_assert_msg(strcmp(err, bad[_i].error) == 0, "got '%s', want '%s'",
		      err, bad[_i].error);
	arena_free(&a);
}
END_TEST

/* A configuration file over 4 MiB is refused, not read into memory. */
START_TEST(test_file_too_large)
{
	char path[] = "/tmp/mailauth-conf-XXXXXX";
	struct arena *a = arena_new(0);
	struct test_settings s;
	const char *err = NULL, *want;
	char line[1024];
	FILE *fp;
	int fd = mkstemp(path), i;

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	memset(line, '#', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (i = 0; i < 4 * 1024 + 1; i++)
		fwrite(line, 1, sizeof(line), fp);
	fclose(fp);
	ck_assert_int_eq(conf_defaults(table, &s, a, &err), 0);
	ck_assert_int_eq(conf_read_file(table, &s, a, path, &err), -1);
	want = arena_printf(a, "%s: file too large", path);
	ck_assert_msg(strcmp(err, want) == 0, "got '%s', want '%s'", err, want);
	unlink(path);
	arena_free(&a);
}
END_TEST

START_TEST(test_missing_file)
{
	struct arena *a = arena_new(0);
	struct test_settings s;
	const char *err = NULL;

	ck_assert_int_eq(conf_read_file(table, &s, a, "/nonexistent/x.conf", &err), -1);
	ck_assert_str_eq(err, "/nonexistent/x.conf: No such file or directory");
	arena_free(&a);
}
END_TEST

/* OpenDKIM's syntax (opendkim.conf(5): "the name of a parameter,
 * followed by white space, followed by the value"; "Lines containing a
 * hash ("#") character are truncated at the hash character"). */
START_TEST(test_space_syntax)
{
	static const char text[] =
		"# OpenDKIM style\n"
		"Authserv_Id\tmx.example.org   # trailing comment\n"
		"limit 42\n"
		"  Whitelist 192.0.2.1, 192.0.2.2\n"
		"\n"
		"skip_authenticated no\n";
	struct arena *a = arena_new(0);
	struct test_settings s;
	const char *err = NULL;

	ck_assert_int_eq(conf_defaults(table, &s, a, &err), 0);
	ck_assert_msg(conf_read_buffer_syntax(table, &s, a, CONF_SYNTAX_SPACE,
					      "t.conf", text, strlen(text),
					      &err) == 0, "%s", err);
	ck_assert_str_eq(s.authserv_id, "mx.example.org");
	ck_assert_uint_eq(s.limit, 42);
	ck_assert_str_eq(s.whitelist[1], "192.0.2.2");
	ck_assert(!s.skip_auth);
	ck_assert_int_eq(conf_read_buffer_syntax(table, &s, a, CONF_SYNTAX_SPACE,
						 "t.conf", "limit 1\nlimit\n", 14,
						 &err), -1);
	ck_assert_str_eq(err, "t.conf:2: limit: missing value");
	ck_assert_int_eq(conf_read_buffer_syntax(table, &s, a, CONF_SYNTAX_SPACE,
						 "t.conf", "limit = 5\n", 10,
						 &err), -1);
	ck_assert_str_eq(err, "t.conf:1: limit: invalid number '= 5'");
	arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("reader");
	int failed;

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_file);
	tcase_add_loop_test(tc, test_errors, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_file_too_large);
	tcase_add_test(tc, test_space_syntax);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
