/*
 * check_msg_mime.c - the streaming MIME walker (lib/msg/msg-mime.c) and
 * its parameter reader (msg-mime-param.c): multipart boundaries and the
 * CRLF that belongs to them (RFC 2046 5.1.1), nesting and its cap,
 * base64 (RFC 2045 6.8) and quoted-printable (6.7) decoding, names with
 * RFC 2231 continuations and encodings and RFC 2047 encoded words (the
 * examples of RFC 2231 3/4 and RFC 2047 8), a missing close delimiter,
 * and the same result whatever the split of the input (whole, one byte
 * at a time, 7 bytes, 4000 bytes).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "msg/msg-date.h"
#include "msg/msg-header.h"
#include "msg/msg-mime-param.h"
#include "msg/msg-mime.h"

static const char *const enc_names[] = {"id", "b64", "qp"};

static void
on_begin(void *ctx, const struct msg_mime_part *p)
{
	buf_printf(ctx, "B(%u,%s,%s,%s,%s,%s,%s)", p->depth, p->type,
		   p->name != NULL ? p->name : "-",
		   p->disposition != NULL ? p->disposition : "-",
		   p->parent_type != NULL ? p->parent_type : "-",
		   p->report_type != NULL ? p->report_type : "-",
		   enc_names[p->encoding]);
}

static void
on_data(void *ctx, const struct msg_mime_part *p, const void *d, size_t n)
{
	(void)p;
	buf_append(ctx, d, n);
}

static void
on_end(void *ctx, const struct msg_mime_part *p, bool truncated)
{
	(void)p;
	buf_append_str(ctx, truncated ? "E!" : "E");
}

static void
walk(const char *msg, size_t step, unsigned int max_depth, struct buf *out)
{
	static const struct msg_mime_callbacks cb = {
		.part_begin = on_begin, .part_data = on_data,
		.part_end = on_end};
	struct msg_mime_limits lim = {.max_depth = max_depth};
	struct msg_mime *m = msg_mime_new(&lim, &cb, out);
	size_t len = strlen(msg);

	buf_reset(out);
	for (size_t off = 0; off < len; off += step)
		msg_mime_feed(m, msg + off, len - off < step ? len - off : step);
	msg_mime_finish(m);
	msg_mime_free(&m);
}

struct mime_case {
	const char *what, *msg, *want;
	unsigned int max_depth;
};

static const struct mime_case cases[] = {
	{"no MIME header: text/plain (RFC 2045 5.2), the body as it is",
	 "Subject: x\r\n\r\nline 1\r\nline 2\r\n",
	 "B(0,text/plain,-,-,-,-,id)line 1\r\nline 2\r\nE", 0},
	{"LF-only message",
	 "Subject: x\n\nline 1\nline 2\n",
	 "B(0,text/plain,-,-,-,-,id)line 1\nline 2\nE", 0},
	{"multipart: preamble and epilogue ignored, the CRLF before a "
	 "boundary is the boundary's (RFC 2046 5.1.1)",
	 "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
	 "preamble\r\n--b1\r\n\r\nfirst\r\n--b1\r\n"
	 "Content-Type: text/xml\r\n\r\n<a/>\r\n\r\n--b1--\r\nepilogue\r\n",
	 "B(1,text/plain,-,-,multipart/mixed,-,id)firstE"
	 "B(1,text/xml,-,-,multipart/mixed,-,id)<a/>\r\nE", 0},
	{"base64 attachment named by an RFC 2047 encoded word",
	 "MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n"
	 " boundary=XyZ\r\n\r\n--XyZ\r\nContent-Type: application/zip;\r\n"
	 "\tname=\"=?UTF-8?B?Z29vZ2xlLmNvbSFleGFtcGxlLmNvbSExNzAwMDAwMDAw"
	 "ITE3MDAwODY0MDAuemlw?=\"\r\nContent-Transfer-Encoding: BASE64\r\n"
	 "\r\nPGZlZWRiYWNrPjx4PjE8L3g+\r\nPC9mZWVkYmFjaz4=\r\n--XyZ--\r\n",
	 "B(1,application/zip,google.com!example.com!1700000000!1700086400"
	 ".zip,-,multipart/mixed,-,b64)<feedback><x>1</x></feedback>E", 0},
	{"RFC 2231 3+4: continuations, charset'language' and %XX; "
	 "Content-Disposition filename wins over name",
	 "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	 "Content-Type: application/gzip; name=other.gz\r\n"
	 "Content-Disposition: attachment;\r\n"
	 " filename*0*=UTF-8'en'r%C3%A9port;\r\n filename*1=\".xml.gz\"\r\n"
	 "\r\nx\r\n--b--\r\n",
	 "B(1,application/gzip,r\xc3\xa9port.xml.gz,attachment,"
	 "multipart/mixed,-,id)xE", 0},
	{"RFC 2047 8: ISO-8859-1 Q word to UTF-8, white space between two "
	 "words dropped",
	 "Content-Type: text/plain; name=\"=?ISO-8859-1?Q?Andr=E9?= "
	 "=?ISO-8859-1?Q?_Pirard?=\"\r\n\r\nx",
	 "B(0,text/plain,Andr\xc3\xa9 Pirard,-,-,-,id)xE", 0},
	{"quoted-printable: =XX, soft line breaks, trailing white space "
	 "(RFC 2045 6.7)",
	 "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	 "a=3Db=\r\nc  \r\nd=\r\n",
	 "B(0,text/plain,-,-,-,-,qp)a=bc\r\ndE", 0},
	{"multipart/report: report-type reaches the parts (RFC 6522 3)",
	 "Content-Type: multipart/report; report-type=feedback-report;\r\n"
	 "  boundary=\"=_r\"\r\n\r\n--=_r\r\n\r\nhuman\r\n--=_r\r\n"
	 "Content-Type: message/feedback-report\r\n\r\n"
	 "Feedback-Type: auth-failure\r\n\r\n--=_r\r\n"
	 "Content-Type: text/rfc822-headers\r\n\r\nSubject: s\r\n--=_r--\r\n",
	 "B(1,text/plain,-,-,multipart/report,feedback-report,id)humanE"
	 "B(1,message/feedback-report,-,-,multipart/report,feedback-report,"
	 "id)Feedback-Type: auth-failure\r\nE"
	 "B(1,text/rfc822-headers,-,-,multipart/report,feedback-report,id)"
	 "Subject: sE", 0},
	{"nested multiparts; an outer boundary closes the inner part",
	 "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n"
	 "Content-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\n"
	 "\r\ninner\r\n--o\r\n\r\nouter\r\n--o--\r\n",
	 "B(2,text/plain,-,-,multipart/alternative,-,id)innerE"
	 "B(1,text/plain,-,-,multipart/mixed,-,id)outerE", 0},
	{"depth cap: a multipart deeper than max_depth is a leaf",
	 "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n"
	 "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	 "Content-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\nx\r\n"
	 "--c--\r\n--b--\r\n--a--\r\n",
	 "B(2,multipart/mixed,-,-,multipart/mixed,-,id)--c\r\n\r\nx\r\n"
	 "--c--E", 2},
	{"no close delimiter: the part ends truncated",
	 "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	 "Content-Type: application/zip\r\n\r\nPK",
	 "B(1,application/zip,-,-,multipart/mixed,-,id)PKE!", 0},
	{"a boundary prefix is not a boundary; transport padding is",
	 "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b \r\n\r\n"
	 "--bx\r\n--b-- \r\n",
	 "B(1,text/plain,-,-,multipart/mixed,-,id)--bxE", 0},
	{"multipart without a boundary is a leaf",
	 "Content-Type: multipart/mixed\r\n\r\n--b\r\n",
	 "B(0,multipart/mixed,-,-,-,-,id)--b\r\nE", 0},
};

START_TEST(test_cases)
{
	static const size_t steps[] = {100000, 1, 7, 4000};
	const struct mime_case *c = &cases[_i];
	struct buf out = BUF_INIT;

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		walk(c->msg, steps[s], c->max_depth, &out);
		ck_assert_msg(strcmp(buf_cstr(&out), c->want) == 0,
			      "%s (step %zu):\n got  %s\n want %s", c->what,
			      steps[s], buf_cstr(&out), c->want);
	}
	buf_free(&out);
}
END_TEST

/* A base64 body on one line far longer than MSG_MIME_MAX_LINE (some
 * reporters send it unwrapped) decodes whole. */
START_TEST(test_long_line)
{
	struct buf msg = BUF_INIT, out = BUF_INIT, want = BUF_INIT;

	buf_append_str(&msg, "Content-Transfer-Encoding: base64\r\n\r\n");
	buf_append_str(&want, "B(0,text/plain,-,-,-,-,b64)");
	for (int i = 0; i < 10000; i++) {
		buf_append_str(&msg, "YWJj"); /* "abc" */
		buf_append_str(&want, "abc");
	}
	buf_append_str(&msg, "\r\n");
	buf_append_str(&want, "E");
	walk(msg.data, 100000, 0, &out);
	ck_assert_msg(strcmp(out.data, want.data) == 0, "long line: got %zu "
		      "bytes, want %zu", out.len, want.len);
	walk(msg.data, 3, 0, &out);
	ck_assert_msg(strcmp(out.data, want.data) == 0, "long line, 3 bytes "
		      "at a time: got %zu bytes, want %zu", out.len, want.len);
	buf_free(&msg);
	buf_free(&out);
	buf_free(&want);
}
END_TEST

/* Parameters: RFC 2231 3's example (continuations) and 4's (charset
 * and language), case-insensitive names, a token without parameters. */
START_TEST(test_params)
{
	static const struct {
		const char *value, *param, *want;
	} pc[] = {
		{"message/external-body; access-type=URL;\r\n"
		 " URL*0=\"ftp://\";\r\n URL*1=\"cs.utk.edu/pub/moore/"
		 "bulk-mailer/bulk-mailer.tar\"", "url",
		 "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"},
		{"application/x-stuff;\r\n title*=us-ascii'en-us'This%20is"
		 "%20%2A%2A%2Afun%2A%2A%2A", "title", "This is ***fun***"},
		{"application/x-stuff; title*0*=us-ascii'en'This%20is%20even"
		 "%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; "
		 "title*2=\"isn't it!\"", "title",
		 "This is even more ***fun*** isn't it!"},
		{"text/plain; CharSet=\"us-ascii\" (comment)", "charset",
		 "us-ascii"},
		{"attachment; filename=\"a;b.zip\"", "filename", "a;b.zip"},
		{"text/plain", "charset", NULL},
	};
	struct arena *a = arena_new(0);
	const struct msg_mime_param *params;
	const char *tok, *err, *v;
	size_t n;

	for (size_t i = 0; i < sizeof(pc) / sizeof(pc[0]); i++) {
		ck_assert_msg(msg_mime_params_parse(pc[i].value,
						    strlen(pc[i].value), a,
						    &tok, &params, &n,
						    &err) == 0,
			      "%s: %s", pc[i].value, err);
		v = msg_mime_param_get(params, n, pc[i].param);
		ck_assert_msg(pc[i].want == NULL ? v == NULL :
			      v != NULL && strcmp(v, pc[i].want) == 0,
			      "%s: got %s, want %s", pc[i].value,
			      v != NULL ? v : "NULL",
			      pc[i].want != NULL ? pc[i].want : "NULL");
	}
	ck_assert(msg_mime_params_parse(" ;x=y", 5, a, &tok, &params, &n,
					&err) == -1);
	arena_free(&a);
}
END_TEST

/* RFC 5322 3.3 date-time, with the examples of appendix A.1.1 and
 * A.6.2 (obsolete: two-digit year, zone name), and what is refused. */
START_TEST(test_date)
{
	static const struct {
		const char *s;
		long long want; /* -1: refused */
	} dc[] = {
		{"Fri, 21 Nov 1997 09:55:06 -0600", 880127706},
		{"21 Nov 97 09:55:06 GMT", 880106106},
		{" Tue, 1 Jul 2003 10:52:37 +0000 (UTC)", 1057056757},
		{"Tue,\r\n 1 Jul 2003\r\n 10:52:37 +0000", 1057056757},
		{"1 Jul 2003 10:52 +0000", 1057056720},
		{"32 Jul 2003 10:52:37 +0000", -1},
		{"1 Foo 2003 10:52:37 +0000", -1},
		{"1 Jul 2003 25:52:37 +0000", -1},
		{"1 Jul 2003 10:52:37", -1},
		{"", -1},
	};
	const char *err;
	uint64_t t;

	for (size_t i = 0; i < sizeof(dc) / sizeof(dc[0]); i++) {
		int rc = msg_date_parse(dc[i].s, strlen(dc[i].s), &t, &err);

		if (dc[i].want < 0)
			ck_assert_msg(rc == -1, "%s: accepted", dc[i].s);
		else
			ck_assert_msg(rc == 0 && t == (uint64_t)dc[i].want,
				      "%s: got %d %llu, want %lld", dc[i].s,
				      rc, (unsigned long long)t, dc[i].want);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("msg_mime");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_cases, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_date);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
