/*
 * check_taglist.c - RFC 6376 section 3.2 tag=value lists.  Inputs are the
 * RFC's own examples (the 3.5 DKIM-Signature example, the 3.6.1 key
 * record) and the grammar's edge cases; expected values follow from the
 * ABNF, not from our output.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/taglist.h"
#include "harness.h"

static void
assert_tag(const struct taglist *l, const char *name, const char *want)
{
	const struct taglist_tag *t = taglist_get(l, name);

	ck_assert_msg(t != NULL, "tag %s missing", name);
	ck_assert_msg(t->value.len == strlen(want) &&
			      memcmp(t->value.p, want, t->value.len) == 0,
		      "tag %s: got '%.*s', want '%s'", name, (int)t->value.len,
		      t->value.p, want);
}

/* RFC 6376 section 3.5, the example signature's tag-list (folded). */
static const char rfc6376_sig[] =
	"v=1; a=rsa-sha256; d=example.net; s=brisbane;\r\n"
	"     c=simple; q=dns/txt; i=@eng.example.net;\r\n"
	"     t=1117574938; x=1118006938;\r\n"
	"     h=from:to:subject:date;\r\n"
	"     z=From:foo@eng.example.net|To:joe@example.com|\r\n"
	"       Subject:demo=20run|Date:July=205,=202005=203:44:08=20PM=20-0700;\r\n"
	"     bh=MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=;\r\n"
	"     b=dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSbav+yuU4zGeeruD00lszZVoG4ZHRNiYzR";

START_TEST(test_rfc6376_signature)
{
	struct taglist l;
	const char *err = NULL;

	ck_assert_int_eq(taglist_parse(rfc6376_sig, strlen(rfc6376_sig), 0, &l,
				       &err, NULL), 0);
	ck_assert_uint_eq(l.count, 13);
	assert_tag(&l, "v", "1");
	assert_tag(&l, "a", "rsa-sha256");
	assert_tag(&l, "i", "@eng.example.net");
	assert_tag(&l, "h", "from:to:subject:date");
	/* inner FWS of a value is kept, trailing FWS is not */
	assert_tag(&l, "z", "From:foo@eng.example.net|To:joe@example.com|\r\n"
			    "       Subject:demo=20run|Date:July=205,=202005=203:44:08=20PM=20-0700");
	assert_tag(&l, "b", "dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSbav+yuU4zGeeruD00lszZVoG4ZHRNiYzR");
	ck_assert_ptr_null(taglist_get(&l, "V")); /* names are case-sensitive */
}
END_TEST

START_TEST(test_key_record)
{
	/* RFC 6376 3.6.1 style key record, with a trailing ';' and spaces */
	const char rec[] = "v=DKIM1; k=rsa; t=y:s ; p=MIGf MA0G ;";
	struct taglist l;
	const char *err;

	ck_assert_int_eq(taglist_parse(rec, strlen(rec), 0, &l, &err, NULL), 0);
	ck_assert_uint_eq(l.count, 4);
	assert_tag(&l, "t", "y:s");
	assert_tag(&l, "p", "MIGf MA0G");
}
END_TEST

static const struct {
	const char *input;
	const char *error;
} bad[] = {
	{"a=1; a=2", "duplicate tag"},
	{"a=1;;b=2", "tag name must start with a letter"},
	{"1a=x", "tag name must start with a letter"},
	{"a", "tag without '='"},
	{"a=b c;d", "tag without '='"},
	{"a=\x01", "invalid character in tag value"},
	{"a=caf\xc3\xa9", "invalid character in tag value"},
	{"a=1\r\nb=2", "line break without folding white space"},
	{"a=1 x=2", "invalid character in tag value"},
};

START_TEST(test_bad_lists)
{
	struct taglist l;
	const char *err = NULL;
	const char *in = bad[_i].input;

	if (strcmp(in, "a=1 x=2") == 0) {
		/* "1 x=2" is one value with inner WSP, but '=' is a valid
		 * VALCHAR: this list is fine, a single tag */
		ck_assert_int_eq(taglist_parse(in, strlen(in), 0, &l, &err, NULL), 0);
		assert_tag(&l, "a", "1 x=2");
		return;
	}
	ck_assert_int_eq(taglist_parse(in, strlen(in), 0, &l, &err, NULL), -1);
	ck_assert_msg(strcmp(err, bad[_i].error) == 0, "%s: got '%s', want '%s'",
		      in, err, bad[_i].error);
}
END_TEST

START_TEST(test_edge_cases)
{
	struct taglist l;
	const char *err;
	char many[64 * 6 + 16];
	size_t i, pos = 0;

	ck_assert_int_eq(taglist_parse("", 0, 0, &l, &err, NULL), 0);
	ck_assert_uint_eq(l.count, 0);
	ck_assert_int_eq(taglist_parse("a=", 2, 0, &l, &err, NULL), 0);
	assert_tag(&l, "a", "");
	ck_assert_int_eq(taglist_parse("a=caf\xc3\xa9", 7, TAGLIST_ALLOW_8BIT, &l,
				       &err, NULL), 0);
	/* a NUL byte inside the window is not a terminator */
	ck_assert_int_eq(taglist_parse("a=1\0b=2", 7, 0, &l, &err, NULL), -1);
	/* exactly the cap is fine, one more is not */
	for (i = 0; i < TAGLIST_MAX_TAGS; i++)
		pos += (size_t)snprintf(many + pos, sizeof(many) - pos, "t%zu=1;", i);
	ck_assert_int_eq(taglist_parse(many, pos, 0, &l, &err, NULL), 0);
	ck_assert_uint_eq(l.count, TAGLIST_MAX_TAGS);
	pos += (size_t)snprintf(many + pos, sizeof(many) - pos, "zz=1");
	ck_assert_int_eq(taglist_parse(many, pos, 0, &l, &err, NULL), -1);
	ck_assert_str_eq(err, "too many tags");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("taglist");
	TCase *tc = tcase_create("rfc6376-3.2");
	int failed;

	tcase_add_test(tc, test_rfc6376_signature);
	tcase_add_test(tc, test_key_record);
	tcase_add_loop_test(tc, test_bad_lists, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_edge_cases);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
