/*
 * check_msg_header.c - the RFC 5322 header push parser: fields with
 * folding (RFC 5322 2.2.3), WSP before the colon (obs-ftext, 4.5), CRLF
 * and LF-only input, the end of the header, body pass-through, lines that
 * are not fields, oversized fields, and the same results whatever the
 * split of the input (whole, one byte at a time, every split point).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "msg/msg-header.h"
#include "harness.h"

/* Render the event stream as text: "F[name|raw]" per field, "E" for the
 * end of the header, then the body, then "$". */
static void
run_parser(const char *msg, size_t len, size_t step, size_t max,
	   struct buf *out)
{
	struct msg_header_parser *p = msg_header_parser_new(max);
	struct msg_header_field f;
	enum msg_header_event ev;
	size_t off = 0;
	bool eof = false;

	buf_reset(out);
	for (;;) {
		ev = msg_header_next(p, &f);
		if (ev == MSG_HEADER_NEED_MORE) {
			size_t n = len - off < step ? len - off : step;

			ck_assert_msg(!eof, "NEED_MORE after EOF");
			if (n == 0) {
				msg_header_push_eof(p);
				eof = true;
			} else {
				msg_header_push(p, msg + off, n);
				off += n;
			}
			continue;
		}
		if (ev == MSG_HEADER_EOF)
			break;
		if (ev == MSG_HEADER_FIELD)
			buf_printf(out, "F[%.*s|%.*s%s]", (int)f.name_len, f.name,
				   (int)f.raw_len, f.raw, f.oversized ? "|big" : "");
		else if (ev == MSG_HEADER_END)
			buf_append_str(out, "E");
		else
			buf_append(out, f.raw, f.raw_len);
	}
	buf_append_str(out, "$");
	msg_header_parser_free(&p);
	ck_assert_ptr_null(p);
}

static const struct {
	const char *in, *want;
} cases[] = {
	{"A: 1\r\nB: 2\r\n\r\nbody\r\n", "F[A|A: 1]F[B|B: 2]Ebody\r\n$"},
	/* LF-only: raw text normalised to CRLF, body untouched */
	{"A: 1\n two\nB: 2\n\nx\ny", "F[A|A: 1\r\n two]F[B|B: 2]Ex\ny$"},
	/* RFC 6376 3.4.6 example header: WSP before the colon, folding */
	{"A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\n",
	 "F[A|A: X]F[B|B : Y\t\r\n\tZ  ]E C \r\n$"},
	/* no body, no empty line: end of header at EOF */
	{"Subject: x", "F[Subject|Subject: x]E$"},
	{"Subject: x\r\n", "F[Subject|Subject: x]E$"},
	{"", "E$"},
	{"\r\nbody", "Ebody$"},
	/* a line that is not a field has an empty name */
	{"From someone Mon\nTo: a\n\n", "F[|From someone Mon]F[To|To: a]E$"},
	{": empty name\n\n", "F[|: empty name]E$"},
	/* a bare CR stays inside the line */
	{"A: x\ry\r\n\r\n", "F[A|A: x\ry]E$"},
	/* empty value, colon inside the value */
	{"X:\r\nY: a:b\r\n\r\n", "F[X|X:]F[Y|Y: a:b]E$"},
	/* Edges of the in-place shortcut (field_in_place(), issue 20 item
	 * 1); the old line-buffer parser gives the same.  Line ends mixed
	 * inside one field: every one is CRLF in the raw text (RFC 6376
	 * 5.3, the header as DKIM sees it). */
	{"A: 1\r\n two\n three\r\nB: 2\r\n\r\n",
	 "F[A|A: 1\r\n two\r\n three]F[B|B: 2]E$"},
	/* a CR before the CRLF stays in the text, also when folded */
	{"A: x\r\r\n y\r\n\r\n", "F[A|A: x\r\r\n y]E$"},
	/* a CR or LF before the colon: not a field name */
	{"A\rB: x\r\nC\r: y\r\n\r\n", "F[|A\rB: x]F[|C\r: y]E$"},
	/* a continuation line of WSP only; a first line starting with WSP
	   (no field to continue) */
	{"A: 1\r\n \r\nB: 2\r\n\r\n", "F[A|A: 1\r\n ]F[B|B: 2]E$"},
	{" lead\r\nA: 1\r\n\r\n", "F[| lead]F[A|A: 1]E$"},
	/* CRLF fields, the header ended by a bare LF; the body keeps its
	   bytes, a field-looking body line included */
	{"A: 1\r\nB: 2\r\n\nC: 3\r\n", "F[A|A: 1]F[B|B: 2]EC: 3\r\n$"},
	/* 8-bit bytes in a value (RFC 6532) */
	{"S: \xc3\xa9\xff\r\n\r\n", "F[S|S: \xc3\xa9\xff]E$"},
};

START_TEST(test_cases)
{
	struct buf out = BUF_INIT;
	size_t len = strlen(cases[_i].in), step;

	for (step = 1; step <= len + 1; step++) {
		run_parser(cases[_i].in, len, step, 0, &out);
		ck_assert_msg(strcmp(buf_cstr(&out), cases[_i].want) == 0,
			      "step %zu: got '%s', want '%s'", step,
			      buf_cstr(&out), cases[_i].want);
	}
	buf_free(&out);
}
END_TEST

START_TEST(test_oversized)
{
	struct buf out = BUF_INIT;
	const char msg[] = "Big: 0123456789\r\n more\r\nSmall: x\r\n\r\nb";

	run_parser(msg, strlen(msg), 3, 8, &out);
	ck_assert_str_eq(buf_cstr(&out),
			 "F[Big|Big: 012|big]F[Small|Small: x]Eb$");
	buf_free(&out);
}
END_TEST

/* The field limit at its edge, whatever the split: a field of exactly
 * max bytes is whole, one byte more is cut and flagged (msg-header.h:
 * "raw text cut at that length"); folding counts, as CRLF. */
START_TEST(test_oversized_edge)
{
	static const struct {
		const char *in, *want;
	} edge[] = {
		{"Big: 012\r\nS: x\r\n\r\n", "F[Big|Big: 012]F[S|S: x]E$"},
		{"Big: 0123\r\nS: x\r\n\r\n",
		 "F[Big|Big: 012|big]F[S|S: x]E$"},
		{"Big: 0\r\n 1\r\nS: x\r\n\r\n",
		 "F[Big|Big: 0\r\n|big]F[S|S: x]E$"},
		{"B: 0\r\n 1\r\nS: x\r\n\r\n", "F[B|B: 0\r\n 1]F[S|S: x]E$"},
	};
	struct buf out = BUF_INIT;
	size_t i, len, step;

	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		len = strlen(edge[i].in);
		for (step = 1; step <= len + 1; step++) {
			run_parser(edge[i].in, len, step, 8, &out);
			ck_assert_msg(strcmp(buf_cstr(&out), edge[i].want) == 0,
				      "case %zu step %zu: got '%s', want '%s'",
				      i, step, buf_cstr(&out), edge[i].want);
		}
	}
	buf_free(&out);
}
END_TEST

START_TEST(test_field_is)
{
	struct msg_header_field f = {"from", 4, NULL, 0, NULL, 0, false, 0, 0};

	ck_assert(msg_header_field_is(&f, "From"));
	ck_assert(!msg_header_field_is(&f, "Fro"));
	ck_assert(!msg_header_field_is(&f, "Fromm"));
}
END_TEST

/* Each field's byte range in the stream: RFC 5322 2.2 / 2.2.3 - a field
 * is its first line and every following line starting with WSP, each
 * with its line end (CRLF, or a bare LF as on disk); the input may end
 * inside the last field (no line end). */
/* The one From count DKIM and DMARC decide on (issue 22: it was counted
 * twice, in dkim-verify.c and msgauth-header.c): fields named From in any
 * case (RFC 5322 1.2.2 / 3.6.2), "From :" too, a field merely starting
 * with "From" not, and a From hidden behind a bare CR (RFC 6376 8.15). */
START_TEST(test_from_note)
{
	static const char msg[] =
		"From: a@example.com\r\n"
		"FROM : b@example.com\r\n"
		"From-Not: c\r\n"
		"Subject: hi\rFrom: Mallory <m@evil.example>\r\n"
		"\r\nbody\r\n";
	struct msg_header_parser *p = msg_header_parser_new(0);
	struct msg_header_from from = {0, false};
	struct msg_header_field f;
	enum msg_header_event ev;

	msg_header_push(p, msg, sizeof(msg) - 1);
	msg_header_push_eof(p);
	while ((ev = msg_header_next(p, &f)) == MSG_HEADER_FIELD)
		msg_header_from_note(&from, &f);
	ck_assert_int_eq(ev, MSG_HEADER_END);
	ck_assert_uint_eq(from.count, 2);
	ck_assert_msg(from.hidden, "the From behind a bare CR not seen");
	msg_header_parser_free(&p);
}
END_TEST

/* msg_header_hides_from() on each kind of line break (RFC 5322 2.2: CR
 * and LF only as CRLF; RFC 6376 8.15): a bare LF or bare CR before
 * "From" *WSP ":" hides a From field, a CRLF (folding) does not, nor a
 * bare break before anything else; breaks at the very start and end. */
static const struct {
	const char *raw;
	bool hidden;
} hides_cases[] = {
	{"Subject: hi\rFrom: m@evil.example", true},
	{"Subject: hi\nFrom: m@evil.example", true},
	{"Subject: hi\nfrom \t: m@evil.example", true},
	{"Subject: hi\r\nFrom: folded, not hidden", false},
	{"Subject: hi\r\n From: folded", false},
	{"Subject: hi\r\r\nFrom: CR then CRLF", false},
	{"Subject: hi\n\nFrom: the second LF is bare", true},
	{"Subject: hi\r\rFrom: the second CR is bare", true},
	{"Subject: hi\n\r\nFrom: LF then CRLF", false},
	{"\nFrom: x", true},
	{"\rFrom: x", true},
	{"Subject: hi\nFrom", false},
	{"Subject: hi\nFromage: x", false},
	{"Subject: hi\rX: 1\nY: 2\r\nFrom: x", false},
	{"Subject: hi\rX: 1\nY: 2\rFrom: x", true},
	{"Subject: ends in a bare CR\r", false},
	{"Subject: ends in a bare LF\n", false},
	{"", false},
};

START_TEST(test_hides_from)
{
	const char *raw = hides_cases[_i].raw;

	ck_assert_msg(msg_header_hides_from(raw, strlen(raw)) ==
		      hides_cases[_i].hidden, "case %d: got %d, want %d", _i,
		      !hides_cases[_i].hidden, hides_cases[_i].hidden);
}
END_TEST

START_TEST(test_offsets)
{
	static const char msg[] = "A: 1\r\nB: x\r\n y\nC: 3";
	static const size_t want_off[] = {0, 6, 15}, want_len[] = {6, 9, 4};
	struct msg_header_parser *p = msg_header_parser_new(0);
	struct msg_header_field f;
	enum msg_header_event ev;
	size_t step, off, n, i;

	for (step = 1; step <= sizeof(msg); step++) {
		msg_header_parser_reset(p);
		i = 0;
		for (off = 0; off <= sizeof(msg) - 1; off += n) {
			n = sizeof(msg) - 1 - off < step ?
				sizeof(msg) - 1 - off : step;
			if (n == 0)
				msg_header_push_eof(p);
			else
				msg_header_push(p, msg + off, n);
			while ((ev = msg_header_next(p, &f)) !=
			       MSG_HEADER_NEED_MORE && ev != MSG_HEADER_EOF) {
				if (ev != MSG_HEADER_FIELD)
					continue;
				ck_assert_uint_lt(i, 3);
				ck_assert_msg(f.offset == want_off[i] &&
					      f.input_len == want_len[i],
					      "step %zu field %zu: got %zu+%zu, "
					      "want %zu+%zu", step, i, f.offset,
					      f.input_len, want_off[i],
					      want_len[i]);
				i++;
			}
			if (n == 0)
				break;
		}
		ck_assert_uint_eq(i, 3);
	}
	msg_header_parser_free(&p);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("msg_header");
	TCase *tc = tcase_create("rfc5322");
	int failed;

	tcase_add_loop_test(tc, test_cases, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_oversized);
	tcase_add_test(tc, test_oversized_edge);
	tcase_add_test(tc, test_field_is);
	tcase_add_test(tc, test_offsets);
	tcase_add_test(tc, test_from_note);
	tcase_add_loop_test(tc, test_hides_from, 0,
			    sizeof(hides_cases) / sizeof(hides_cases[0]));
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
