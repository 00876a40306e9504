/*
 * check_authres.c - the Authentication-Results writer (RFC 8601) and the
 * Received-SPF writer (RFC 7208 9.1).
 *
 * Expected values are the examples of RFC 8601 appendix B and RFC 7208
 * section 9.1.  The RFCs fold their examples with their own indentation,
 * so each case compares the unfolded value (RFC 5322 2.2.3, runs of
 * white space as one space) with the unfolded RFC text, and separately
 * checks that every line of our folded field fits in 78 octets.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "msg/authres.h"
#include "util/hdrfold.h"
#include "spf/received-spf.h"
#include "harness.h"

/* Unfold and collapse runs of white space (outside of nothing: the RFC
 * examples have no multi-space runs inside quoted strings). */
static char *
normalize(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) + 1), *w = out;
	int space = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			space = 1;
			continue;
		}
		if (space && w != out)
			*w++ = ' ';
		space = 0;
		*w++ = *s;
	}
	*w = '\0';
	return out;
}

/* Every line of "NAME: value" is at most 78 octets and every line break
 * is followed by white space; the value uses the requested line end. */
static void
check_folding(const char *name, const char *value, int crlf)
{
	size_t col = strlen(name) + 2;
	const char *p;

	for (p = value; *p != '\0'; p++) {
		if (*p == '\r') {
			ck_assert_msg(crlf && p[1] == '\n', "bare CR in %s",
				      value);
			continue;
		}
		if (*p == '\n') {
			ck_assert_msg(crlf ? p > value && p[-1] == '\r' : 1,
				      "bare LF in CRLF mode: %s", value);
			ck_assert_msg(p[1] == '\t' || p[1] == ' ',
				      "line break without WSP: %s", value);
			ck_assert_msg(col <= 78, "line of %zu octets in %s",
				      col, value);
			col = 0;
			continue;
		}
		col++;
	}
	ck_assert_msg(col <= 78, "last line of %zu octets in %s", col, value);
}

struct ar_case {
	const char *what;
	const char *authserv_id;
	struct {
		const char *method, *result, *comment, *reason;
		struct authres_prop props[3];
		size_t nprops;
	} m[3];
	size_t n;
	const char *want; /* the RFC text after "Authentication-Results:" */
};

static const struct ar_case ar_cases[] = {
	/* RFC 8601 B.2 (without the optional version "1") */
	{"B.2 none", "example.org", {{0}}, 0, "example.org; none"},
	/* RFC 8601 B.3 */
	{"B.3 spf", "example.com",
	 {{"spf", "pass", NULL, NULL,
	   {{"smtp", "mailfrom", "example.net"}}, 1}},
	 1,
	 "example.com;\n                  spf=pass smtp.mailfrom=example.net"},
	/* RFC 8601 B.4, first field */
	{"B.4 auth+spf", "example.com",
	 {{"auth", "pass", "cram-md5", NULL,
	   {{"smtp", "auth", "sender@example.net"}}, 1},
	  {"spf", "pass", NULL, NULL,
	   {{"smtp", "mailfrom", "example.net"}}, 1}},
	 2,
	 "example.com;\n"
	 "          auth=pass (cram-md5) smtp.auth=sender@example.net;\n"
	 "          spf=pass smtp.mailfrom=example.net"},
	/* RFC 8601 B.4, second field */
	{"B.4 iprev", "example.com",
	 {{"iprev", "pass", NULL, NULL,
	   {{"policy", "iprev", "192.0.2.200"}}, 1}},
	 1, "example.com; iprev=pass\n          policy.iprev=192.0.2.200"},
	/* RFC 8601 B.5: quoted reason, "@domain" pvalue written bare */
	{"B.5 dkim reasons", "example.com",
	 {{"dkim", "pass", NULL, "good signature",
	   {{"header", "i", "@mail-router.example.net"}}, 1},
	  {"dkim", "fail", NULL, "bad signature",
	   {{"header", "i", "@newyork.example.com"}}, 1}},
	 2,
	 "example.com;\n"
	 "   dkim=pass reason=\"good signature\"\n"
	 "     header.i=@mail-router.example.net;\n"
	 "   dkim=fail reason=\"bad signature\"\n"
	 "     header.i=@newyork.example.com"},
	/* RFC 8601 B.6, the field of the third MTA */
	{"B.6 sender-id+dkim", "example.com",
	 {{"sender-id", "fail", NULL, NULL,
	   {{"header", "from", "example.com"}}, 1},
	  {"dkim", "pass", "good signature", NULL,
	   {{"header", "d", "sub.example.com"}}, 1}},
	 2,
	 "example.com;\n"
	 "  sender-id=fail header.from=example.com;\n"
	 "  dkim=pass (good signature) header.d=sub.example.com"},
};

START_TEST(test_authres_rfc8601)
{
	const struct ar_case *c = &ar_cases[_i];
	struct arena *a = arena_new(0);
	struct authres *ar = authres_new(a, c->authserv_id);
	const char *got, *got_crlf, *g, *w;
	size_t i;

	for (i = 0; i < c->n; i++)
		authres_add(ar, c->m[i].method, c->m[i].result,
			    c->m[i].comment, c->m[i].reason, c->m[i].props,
			    c->m[i].nprops);
	got = authres_format(ar, 0);
	got_crlf = authres_format(ar, 1);
	g = normalize(a, got);
	w = normalize(a, c->want);
	ck_assert_msg(strcmp(g, w) == 0, "%s: got %s, want %s", c->what, g,
		      w);
	ck_assert_msg(strcmp(normalize(a, got_crlf), w) == 0,
		      "%s crlf: got %s, want %s", c->what, got_crlf, w);
	check_folding("Authentication-Results", got, 0);
	check_folding("Authentication-Results", got_crlf, 1);
	arena_free(&a);
}
END_TEST

/* Quoting: values that are not tokens are quoted-strings with '"' and
 * '\' escaped (RFC 8601 2.2 value, RFC 5322 3.2.4); comments escape
 * parentheses (RFC 5322 3.2.2). */
START_TEST(test_authres_quoting)
{
	static const struct authres_prop props[] = {
		{"smtp", "mailfrom", "\"odd local\"@example.com"},
		{"header", "b", "ab/c+d=="},
		{"policy", "x", "a\"b\\c"},
	};
	struct arena *a = arena_new(0);
	struct authres *ar = authres_new(a, "mx.example.org");
	const char *got, *want;

	authres_add(ar, "spf", "fail", "x (y) z", "no; way", props, 3);
	got = normalize(a, authres_format(ar, 0));
	want = "mx.example.org; spf=fail (x \\(y\\) z) reason=\"no; way\" "
	       "smtp.mailfrom=\"\\\"odd local\\\"@example.com\" "
	       "header.b=\"ab/c+d==\" policy.x=\"a\\\"b\\\\c\"";
	ck_assert_msg(strcmp(got, want) == 0, "got %s, want %s", got, want);
	arena_free(&a);
}
END_TEST

/* A long field folds between words and never inside one. */
START_TEST(test_authres_long)
{
	struct arena *a = arena_new(0);
	struct authres *ar = authres_new(a, "mx.example.org");
	struct authres_prop props[] = {
		{"header", "d", "a-very-long-domain-name.subdomain.example.com"},
		{"header", "s", "selector2024-with-a-long-name"},
		{"header", "b", "AbCdEfGh"},
	};
	const char *got;

	authres_add(ar, "dkim", "pass", NULL, NULL, props, 3);
	authres_add(ar, "dmarc", "pass", "p=reject dis=none", NULL, props, 1);
	got = authres_format(ar, 1);
	check_folding("Authentication-Results", got, 1);
	ck_assert_msg(strstr(got, "\r\n\t") != NULL, "not folded: %s", got);
	ck_assert_msg(strstr(got, "header.d=a-very-long-domain-name."
				  "subdomain.example.com") != NULL,
		      "word split: %s", got);
	arena_free(&a);
}
END_TEST

struct rs_case {
	const char *what;
	struct spf_received r;
	const char *receiver, *sender, *ip; /* for the comment */
	enum spf_result result;
	const char *want; /* RFC text after "Received-SPF:" */
};

static const struct rs_case rs_cases[] = {
	/* RFC 7208 9.1, first example */
	{"9.1 pass",
	 {"pass", NULL, NULL, "mybox.example.org", "192.0.2.1",
	  "myname@example.com", "foo.example.com", NULL, NULL},
	 "mybox.example.org", "myname@example.com", "192.0.2.1", SPF_PASS,
	 "pass (mybox.example.org: domain of\n"
	 " myname@example.com designates 192.0.2.1 as permitted sender)\n"
	 "    receiver=mybox.example.org; client-ip=192.0.2.1;\n"
	 "    envelope-from=\"myname@example.com\"; helo=foo.example.com;"},
	/* RFC 7208 9.1, second example */
	{"9.1 fail",
	 {"fail", NULL, "mailfrom", NULL, "192.0.2.1", "myname@example.com",
	  NULL, NULL, NULL},
	 "mybox.example.org", "myname@example.com", "192.0.2.1", SPF_FAIL,
	 "fail (mybox.example.org: domain of\n"
	 "              myname@example.com does not designate\n"
	 "              192.0.2.1 as permitted sender)\n"
	 "              identity=mailfrom; client-ip=192.0.2.1;\n"
	 "              envelope-from=\"myname@example.com\";"},
};

START_TEST(test_received_spf_rfc7208)
{
	const struct rs_case *c = &rs_cases[_i];
	struct arena *a = arena_new(0);
	struct spf_received r = c->r;
	const char *got, *g, *w;

	r.comment = spf_received_comment(a, c->receiver, c->result,
					 c->sender, c->ip, NULL);
	got = spf_received_format(a, &r, true);
	g = normalize(a, got);
	w = normalize(a, c->want);
	ck_assert_msg(strcmp(g, w) == 0, "%s: got %s, want %s", c->what, g,
		      w);
	check_folding("Received-SPF", got, 1);
	arena_free(&a);
}
END_TEST

/* 9.1: key "=" ( dot-atom / quoted-string ): an IPv6 address has ':'
 * (not atext) and is quoted; an empty problem text is quoted too. */
START_TEST(test_received_spf_quoting)
{
	struct arena *a = arena_new(0);
	struct spf_received r = {"permerror", NULL, "helo", NULL,
				 "2001:db8::1", NULL, "mx.example.com",
				 "include:x.example", "two \"spf\" records"};
	const char *got = normalize(a, spf_received_format(a, &r, false));
	const char *want =
		"permerror identity=helo; client-ip=\"2001:db8::1\"; "
		"helo=mx.example.com; mechanism=\"include:x.example\"; "
		"problem=\"two \\\"spf\\\" records\";";

	ck_assert_msg(strcmp(got, want) == 0, "got %s, want %s", got, want);
	arena_free(&a);
}
END_TEST

START_TEST(test_unfold)
{
	char s[] = "a;\r\n\tb=c\n  d\r\ne";

	hdrfold_unfold(s);
	ck_assert_msg(strcmp(s, "a; b=c d\r\ne") == 0, "got %s, want %s", s,
		      "a; b=c d\\r\\ne");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("authres");
	TCase *tc = tcase_create("writer");
	int failed;

	tcase_add_loop_test(tc, test_authres_rfc8601, 0,
			    sizeof(ar_cases) / sizeof(ar_cases[0]));
	tcase_add_test(tc, test_authres_quoting);
	tcase_add_test(tc, test_authres_long);
	tcase_add_loop_test(tc, test_received_spf_rfc7208, 0,
			    sizeof(rs_cases) / sizeof(rs_cases[0]));
	tcase_add_test(tc, test_received_spf_quoting);
	tcase_add_test(tc, test_unfold);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
