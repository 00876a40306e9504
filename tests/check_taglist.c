/*
 * check_taglist.c - RFC 6376 section 3.2 tag=value lists.  Inputs are the
 * RFC's own examples (the 3.5 DKIM-Signature example, the 3.6.1 key
 * record) and the grammar's edge cases; expected values follow from the
 * ABNF, not from our output.
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
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

/* RFC 6376 3.2 byte classes, written out here independently of the
 * parser's table: VALCHAR = %x21-3A / %x3C-7E, ALNUMPUNC = ALPHA /
 * DIGIT / "_". */
static bool
rfc_valchar(unsigned int c)
{
	return (c >= 0x21 && c <= 0x3a) || (c >= 0x3c && c <= 0x7e);
}

static bool
rfc_alpha(unsigned int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
rfc_alnumpunc(unsigned int c)
{
	return rfc_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* What "a=X" must give for the byte X: NULL for a list of one tag. */
static const char *
value_byte_want(unsigned int c, unsigned int flags)
{
	if (rfc_valchar(c) || c == ';' || c == ' ' || c == '\t' ||
	    (c >= 0x80 && (flags & TAGLIST_ALLOW_8BIT) != 0))
		return NULL;
	if (c == '\n') /* a line break that is not followed by WSP */
		return "line break without folding white space";
	return "invalid character in tag value";
}

/* Every byte value as a tag value (with and without 8-bit), inside a
 * tval ("a=xXy") and alone ("a=X"): the byte classes of RFC 6376 3.2.
 * Passes on the comparison-based classes of the old parser as on the
 * table of the new one (issue 20 item 1). */
START_TEST(test_value_bytes)
{
	static const unsigned int flags[] = {0, TAGLIST_ALLOW_8BIT};
	struct taglist l;
	const char *err, *want;
	char in[8];
	unsigned int c, f;
	int r;

	for (f = 0; f < 2; f++) {
		for (c = 0; c < 256; c++) {
			in[0] = 'a', in[1] = '=', in[2] = (char)c;
			want = value_byte_want(c, flags[f]);
			err = NULL;
			r = taglist_parse(in, 3, flags[f], &l, &err, NULL);
			ck_assert_msg(want == NULL ? r == 0 : r == -1 &&
				      strcmp(err, want) == 0,
				      "a=\\x%02x flags %u: got %d %s, want %s",
				      c, flags[f], r, err ? err : "-",
				      want ? want : "ok");
			if (want != NULL || c == ';' || c == ' ' || c == '\t')
				continue;
			ck_assert_uint_eq(l.count, 1);
			ck_assert_uint_eq(l.tags[0].value.len, 1);
			/* inside a tval: the same class decides */
			in[2] = 'x', in[3] = (char)c, in[4] = 'y';
			ck_assert_int_eq(taglist_parse(in, 5, flags[f], &l,
						       &err, NULL), 0);
			ck_assert_uint_eq(l.tags[0].value.len, 3);
		}
	}
}
END_TEST

/* "a=" then 16 'x' with the byte c at offset k, then "y". */
static void
check_long_value(unsigned int c, unsigned int k, unsigned int flags)
{
	struct taglist l;
	const char *err = NULL, *want = value_byte_want(c, flags);
	/* leading WSP is not part of the value */
	bool lead = k == 0 && (c == ' ' || c == '\t');
	char in[32];
	size_t pos = 0;
	int r;

	memset(in, 'x', sizeof(in));
	in[0] = 'a', in[1] = '=', in[2 + k] = (char)c, in[18] = 'y';
	if (c == ';')
		want = "tag without '='";
	r = taglist_parse(in, 19, flags, &l, &err, &pos);
	ck_assert_msg(want == NULL ? r == 0 : r == -1 && strcmp(err, want) == 0,
		      "\\x%02x at %u flags %u: got %d %s", c, k, flags, r,
		      err ? err : "-");
	if (want == NULL)
		ck_assert_uint_eq(l.tags[0].value.len, lead ? 16 : 17);
	else if (c != ';' && c != '\n')
		ck_assert_uint_eq(pos, 2 + k);
}

/* Every byte value at every offset of a 17-byte value ("a=xxXxx...y"),
 * so that a scan taking several bytes a step meets it at each position
 * within a step: the class decides, and an invalid byte is reported at
 * its own offset. */
START_TEST(test_value_bytes_long)
{
	unsigned int c, k;

	for (c = 0; c < 256; c++) {
		for (k = 0; k < 16; k++) {
			check_long_value(c, k, 0);
			check_long_value(c, k, TAGLIST_ALLOW_8BIT);
		}
	}
}
END_TEST

/* Every byte value after the first letter of a tag name ("aX=1") and
 * as the first byte ("X=1"): tag-name = ALPHA *ALNUMPUNC. */
START_TEST(test_name_bytes)
{
	struct taglist l;
	const char *err;
	char in[8];
	unsigned int c;

	for (c = 0; c < 256; c++) {
		in[0] = 'a', in[1] = (char)c, in[2] = '=', in[3] = '1';
		err = NULL;
		if (rfc_alnumpunc(c) || c == ' ' || c == '\t' || c == '=') {
			ck_assert_msg(taglist_parse(in, 4, 0, &l, &err,
						    NULL) == 0,
				      "a\\x%02x=1: %s", c, err);
			ck_assert_uint_eq(l.tags[0].name.len,
					  rfc_alnumpunc(c) ? 2 : 1);
		} else {
			ck_assert_msg(taglist_parse(in, 4, 0, &l, &err,
						    NULL) == -1,
				      "a\\x%02x=1 accepted", c);
			ck_assert_str_eq(err,
					 c == '\n' ? "line break without "
						     "folding white space"
						   : "tag without '='");
		}
		in[0] = (char)c, in[1] = '=', in[2] = '1';
		err = NULL;
		if (rfc_alpha(c)) {
			ck_assert_int_eq(taglist_parse(in, 3, 0, &l, &err,
						       NULL), 0);
		} else {
			ck_assert_msg(taglist_parse(in, 3, 0, &l, &err,
						    NULL) == -1,
				      "\\x%02x=1 accepted", c);
			ck_assert_str_eq(err,
					 c == '\n' ? "line break without "
						     "folding white space"
						   : "tag name must start with "
						     "a letter");
		}
	}
}
END_TEST

/* Folding and white space in every place the grammar allows it, and
 * the offset reported for each error (RFC 6376 3.2 tag-spec with FWS,
 * RFC 5322 3.2.2 FWS).  Expected values follow from the ABNF; the old
 * and the table-driven parser give the same. */
static const struct {
	const char *input;
	const char *a_value; /* value of tag "a", or NULL for an error */
	const char *error;
	size_t pos;
} fws_cases[] = {
	{"\r\n a\r\n =\r\n\tx\r\n y \t\r\n ;", "x\r\n y", NULL, 0},
	{"a=x\n y", "x\n y", NULL, 0}, /* bare LF folding */
	{" a = ; b=1 ", "", NULL, 0},  /* empty value */
	{"a=x\r\n", NULL, "line break without folding white space", 3},
	{"a=x\r\ny", NULL, "line break without folding white space", 3},
	{"a=x \r\n", NULL, "line break without folding white space", 4},
	{"a\r\n=x", NULL, "line break without folding white space", 1},
	{"a=\r\nx", NULL, "line break without folding white space", 2},
	{"\r\na=x", NULL, "line break without folding white space", 0},
	{"a=x\ry", NULL, "invalid character in tag value", 3},
	{"a=x \ry", NULL, "invalid character in tag value", 4},
	{"a=x\r", NULL, "invalid character in tag value", 3},
	{"a=x y\x7f", NULL, "invalid character in tag value", 5},
	{"a=1;b=2;a=3", NULL, "duplicate tag", 8},
	{"a=1; \r\n b", NULL, "tag without '='", 9},
	{"a=1; 9=1", NULL, "tag name must start with a letter", 5},
};

START_TEST(test_fws_and_positions)
{
	const char *in = fws_cases[_i].input;
	struct taglist l;
	const char *err = NULL;
	size_t pos = 12345;
	int r = taglist_parse(in, strlen(in), 0, &l, &err, &pos);

	if (fws_cases[_i].a_value != NULL) {
		ck_assert_msg(r == 0, "'%s': %s at %zu", in, err, pos);
		assert_tag(&l, "a", fws_cases[_i].a_value);
		return;
	}
	ck_assert_msg(r == -1, "'%s' accepted", in);
	ck_assert_msg(strcmp(err, fws_cases[_i].error) == 0 &&
			      pos == fws_cases[_i].pos,
		      "'%s': got '%s' at %zu, want '%s' at %zu", in, err, pos,
		      fws_cases[_i].error, fws_cases[_i].pos);
}
END_TEST

/* 3.2: "Tags with duplicate names MUST NOT occur within a single
 * tag-list"; with TAGLIST_NAMES_CI (DMARC, RFC 9989 4.7) "p" and "P" are
 * the same name.  Names sharing a first letter, and every letter of
 * both cases, so that a shortcut keyed on the first byte misses none. */
START_TEST(test_duplicates)
{
	static const struct {
		const char *in;
		unsigned int flags;
		size_t dup_pos; /* 0: no duplicate */
	} cases[] = {
		{"b=1; bh=2; b=3", 0, 11},
		{"bh=1; b=2; bh=3", 0, 11},
		{"b=1; bh=2; B=3; BH=4", 0, 0},
		{"p=1; P=2", 0, 0},
		{"p=1; P=2", TAGLIST_NAMES_CI, 5},
		{"pct=1; Pct=2", TAGLIST_NAMES_CI, 7},
		{"pct=1; p=2; pc=3", TAGLIST_NAMES_CI, 0},
		{"Z=1; z=2; a=3; A=4", 0, 0},
		{"Z=1; z=2", TAGLIST_NAMES_CI, 5},
	};
	struct taglist l;
	const char *err;
	char in[8];
	size_t i, pos;
	unsigned int c, f;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = taglist_parse(cases[i].in, strlen(cases[i].in),
				      cases[i].flags, &l, &err, &pos);

		if (cases[i].dup_pos == 0)
			ck_assert_msg(r == 0, "%s: %s", cases[i].in, err);
		else
			ck_assert_msg(r == -1 && pos == cases[i].dup_pos &&
					      strcmp(err, "duplicate tag") == 0,
				      "%s: got %d at %zu", cases[i].in, r, pos);
	}
	for (f = 0; f < 2; f++) {
		for (c = 0; c < 256; c++) {
			unsigned int other = c ^ 0x20; /* the other case */
			bool letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';

			if (!letter)
				continue;
			snprintf(in, sizeof(in), "%c=1;%c=2", c, c);
			ck_assert_int_eq(taglist_parse(in, 7, f, &l, &err,
						       NULL), -1);
			snprintf(in, sizeof(in), "%c=1;%c=2", c, other);
			ck_assert_int_eq(taglist_parse(in, 7,
						       f != 0 ? TAGLIST_NAMES_CI
							      : 0,
						       &l, &err, NULL),
					 f != 0 ? -1 : 0);
		}
	}
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
	tcase_add_test(tc, test_value_bytes);
	tcase_add_test(tc, test_value_bytes_long);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_name_bytes);
	tcase_add_loop_test(tc, test_fws_and_positions, 0,
			    sizeof(fws_cases) / sizeof(fws_cases[0]));
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
