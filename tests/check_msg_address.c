/*
 * check_msg_address.c - RFC 5322 address lists: the examples of RFC 5322
 * appendix A (A.1.1-A.1.3, A.5 white space and comments, A.6.1 obsolete
 * addressing, A.6.3 obsolete white space and comments) parsed into the
 * mailboxes the RFC text names; the DMARC Author Domain (RFC 9989
 * 5.3.1): single / several / no From fields, same and different domains,
 * U-label -> A-label (RFC 5890; the RFC 3492 / IDNA "bücher" example).
 * Each input is also parsed when fed with its trailing bytes cut, which
 * must fail cleanly or succeed, never crash.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "msg/msg-address.h"
#include "harness.h"

struct want_addr {
	const char *display, *local, *domain, *group;
};

struct list_case {
	const char *value;
	size_t count;
	struct want_addr addrs[4];
};

static const struct list_case list_cases[] = {
	/* A.1.1 */
	{ "John Doe <jdoe@machine.example>", 1,
	  { { "John Doe", "jdoe", "machine.example", NULL } } },
	{ "Mary Smith <mary@example.net>", 1,
	  { { "Mary Smith", "mary", "example.net", NULL } } },
	/* A.1.2 */
	{ "\"Joe Q. Public\" <john.q.public@example.com>", 1,
	  { { "Joe Q. Public", "john.q.public", "example.com", NULL } } },
	{ "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>", 3,
	  { { "Mary Smith", "mary", "x.test", NULL },
	    { NULL, "jdoe", "example.org", NULL },
	    { "Who?", "one", "y.test", NULL } } },
	{ "<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
	  2, { { NULL, "boss", "nil.test", NULL },
	       { "Giant; \"Big\" Box", "sysservices", "example.net", NULL } } },
	/* A.1.3 */
	{ "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
	  3, { { "Ed Jones", "c", "a.test", "A Group" },
	       { NULL, "joe", "where.test", "A Group" },
	       { "John", "jdoe", "one.test", "A Group" } } },
	{ "Undisclosed recipients:;", 0, { { NULL, NULL, NULL, NULL } } },
	/* A.5 */
	{ "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", 1,
	  { { "Pete", "pete", "silly.test", NULL } } },
	{ "A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n"
	  "         joe@example.org,\r\n  John <jdoe@one.test> (my dad)", 3,
	  { { "Chris Jones", "c", "public.example", "A Group" },
	    { NULL, "joe", "example.org", "A Group" },
	    { "John", "jdoe", "one.test", "A Group" } } },
	{ "(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;",
	  0, { { NULL, NULL, NULL, NULL } } },
	/* A.6.1 */
	{ "Joe Q. Public <john.q.public@example.com>", 1,
	  { { "Joe Q. Public", "john.q.public", "example.com", NULL } } },
	{ "Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
	  2, { { "Mary Smith", "mary", "example.net", NULL },
	       { NULL, "jdoe", "test.example", NULL } } },
	/* A.6.3 */
	{ "John Doe <jdoe@machine(comment).  example>", 1,
	  { { "John Doe", "jdoe", "machine.example", NULL } } },
	{ "Mary Smith\r\n  \r\n <mary@example.net>", 1,
	  { { "Mary Smith", "mary", "example.net", NULL } } },
	/* RFC 5322 3.2.4: quoted-string = [CFWS] DQUOTE *([FWS] qcontent)
	   [FWS] DQUOTE [CFWS] - an empty quoted-string is a word, so ""
	   is a display-name (phrase = 1*word, 3.2.5) whose text is empty.
	   (Issue 8 item 8: clang UBSan saw a zero offset applied to a null
	   pointer here.) */
	{ "\"\" <alice@mail.test>", 1,
	  { { "", "alice", "mail.test", NULL } } },
	/* quoted local part, domain literal */
	{ "\"john doe\"@example.com, x@[192.0.2.1]", 2,
	  { { NULL, "john doe", "example.com", NULL },
	    { NULL, "x", "[192.0.2.1]", NULL } } },
};

START_TEST(test_list)
{
	const struct list_case *c = &list_cases[_i];
	struct arena *a = arena_new(0);
	struct msg_address *addrs;
	size_t n, i;
	const char *err = NULL;

	ck_assert_msg(msg_address_list_parse(c->value, strlen(c->value), a,
					     &addrs, &n, &err, NULL) == 0,
		      "%s: %s", c->value, err);
	ck_assert_msg(n == c->count, "%s: got %zu addresses, want %zu",
		      c->value, n, c->count);
	for (i = 0; i < n; i++) {
		harness_assert_str("display", addrs[i].display_name,
			   c->addrs[i].display);
		harness_assert_str("local", addrs[i].local_part, c->addrs[i].local);
		harness_assert_str("domain", addrs[i].domain, c->addrs[i].domain);
		harness_assert_str("group", addrs[i].group, c->addrs[i].group);
	}
	/* every prefix: no crash, no read past the end (ASan) */
	for (i = 0; i < strlen(c->value); i++) {
		char *cut = malloc(i + 1);

		memcpy(cut, c->value, i);
		(void)msg_address_list_parse(cut, i, a, &addrs, &n, &err,
					     NULL);
		free(cut);
	}
	arena_free(&a);
}
END_TEST

static const char *const bad_lists[] = {
	"John Doe <jdoe@machine.example",   /* no '>' */
	"jdoe",				    /* no domain */
	"a@",				    /* empty domain */
	"Pete(unterminated <p@x.test>",	    /* comment */
	"\"unterminated <p@x.test>",	    /* quoted string */
	"a@b.test c@d.test",		    /* missing comma */
	"<>",				    /* null address */
	"G1: G2: a@b.test;;",		    /* nested group */
	"a@[192.0.2.1",			    /* literal */
};

START_TEST(test_bad_list)
{
	struct arena *a = arena_new(0);
	struct msg_address *addrs;
	size_t n;
	const char *err = NULL;

	ck_assert_msg(msg_address_list_parse(bad_lists[_i],
					     strlen(bad_lists[_i]), a, &addrs,
					     &n, &err, NULL) < 0,
		      "%s: parsed, want error", bad_lists[_i]);
	ck_assert_ptr_nonnull(err);
	arena_free(&a);
}
END_TEST

START_TEST(test_comment_depth)
{
	struct arena *a = arena_new(0);
	struct msg_address *addrs;
	size_t n, i;
	const char *err = NULL;
	char deep[200] = "";

	for (i = 0; i < MSG_ADDRESS_MAX_COMMENT_DEPTH + 1; i++)
		strcat(deep, "(");
	strcat(deep, "a@b.test");
	ck_assert_int_lt(msg_address_list_parse(deep, strlen(deep), a, &addrs,
						&n, &err, NULL), 0);
	ck_assert_str_eq(err, "comments nested too deep");
	arena_free(&a);
}
END_TEST

struct author_case {
	const char *values[2];
	size_t nvalues;
	enum msg_author_status status;
	const char *domain;
};

static const struct author_case author_cases[] = {
	{ { "John Doe <jdoe@Machine.Example>" }, 1, MSG_AUTHOR_OK,
	  "machine.example" },
	{ { "a@example.com, \"B\" <b@EXAMPLE.com>" }, 1, MSG_AUTHOR_OK,
	  "example.com" },
	{ { "a@example.com, b@example.net" }, 1, MSG_AUTHOR_MULTIPLE_DOMAINS,
	  NULL },
	{ { "a@example.com", "a@example.com" }, 2, MSG_AUTHOR_MULTIPLE_FROM,
	  NULL },
	{ { NULL }, 0, MSG_AUTHOR_NO_FROM, NULL },
	{ { "Undisclosed recipients:;" }, 1, MSG_AUTHOR_UNPARSEABLE, NULL },
	{ { "x@[192.0.2.1]" }, 1, MSG_AUTHOR_UNPARSEABLE, NULL },
	{ { "garbage" }, 1, MSG_AUTHOR_UNPARSEABLE, NULL },
	/* RFC 9989 5.3.1: U-label -> A-label */
	{ { "Hans <hans@b\xc3\xbc" "cher.example>" }, 1, MSG_AUTHOR_OK,
	  "xn--bcher-kva.example" },
	{ { "a@xn--bcher-kva.example, b@B\xc3\x9c" "CHER.example" }, 1,
	  MSG_AUTHOR_OK, "xn--bcher-kva.example" },
};

START_TEST(test_author)
{
	const struct author_case *c = &author_cases[_i];
	struct arena *a = arena_new(0);
	const char *domain = NULL, *err = NULL;
	enum msg_author_status st;

	st = msg_address_author_domain(c->values, NULL, c->nvalues, a,
				       &domain, &err);
	ck_assert_msg(st == c->status, "%s: got %s, want %s",
		      c->values[0] != NULL ? c->values[0] : "(none)",
		      msg_author_status_str(st),
		      msg_author_status_str(c->status));
	if (c->domain != NULL)
		ck_assert_str_eq(domain, c->domain);
	else
		ck_assert_ptr_nonnull(err);
	arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("msg_address");
	TCase *tc = tcase_create("rfc5322");
	int failed;

	tcase_add_loop_test(tc, test_list, 0,
			    sizeof(list_cases) / sizeof(list_cases[0]));
	tcase_add_loop_test(tc, test_bad_list, 0,
			    sizeof(bad_lists) / sizeof(bad_lists[0]));
	tcase_add_test(tc, test_comment_depth);
	suite_add_tcase(s, tc);
	tc = tcase_create("author");
	tcase_add_loop_test(tc, test_author, 0,
			    sizeof(author_cases) / sizeof(author_cases[0]));
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
