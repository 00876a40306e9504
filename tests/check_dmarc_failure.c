/*
 * check_dmarc_failure.c - the "fo" tag and the feedback-report fields of
 * DMARC failure reports (lib/dmarc/dmarc-failure.c).
 *
 * Expected values come from the texts: DMARCbis (draft -41) section 4.7
 * "fo" ("0: Generate a DMARC failure report if all underlying
 * authentication mechanisms fail to produce an aligned 'pass' result.
 * 1: ... if any underlying authentication mechanism fails to produce an
 * aligned 'pass' result.  d: ... if the message had a signature that
 * failed evaluation, regardless of its alignment.  s: ... if the message
 * failed SPF evaluation, regardless of its alignment." and "'0' and '1'
 * are mutually exclusive"); RFC 9991 (draft -24) section 4 ("Reporting
 * Format Update": Identity-Alignment REQUIRED, "a comma-separated list
 * of authentication mechanism names that failed to authenticate an
 * aligned identity, or the keyword 'none' if none did"; DKIM-Domain,
 * DKIM-Selector REQUIRED for DKIM failures; Auth-Failure type "dmarc");
 * RFC 5965 section 3.1 / RFC 6591 section 3.1 (Feedback-Type:
 * auth-failure, Version: 1, User-Agent, Arrival-Date, Source-IP,
 * Reported-Domain, Delivery-Result); the Arrival-Date of t=1765065600 is
 * what date(1) prints for it (`date -u -d @1765065600`).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "dmarc/dmarc-history.h"
#include "dmarc/dmarc-failure.h"
#include "harness.h"

static const struct {
	const char *fo;
	int ret;
	unsigned int bits;
} fo_cases[] = {
	{NULL, 0, DMARC_FO_ALL}, /* default "0" */
	{"0", 0, DMARC_FO_ALL},
	{"1", 0, DMARC_FO_ANY},
	{"0:d", 0, DMARC_FO_ALL | DMARC_FO_DKIM}, /* "e.g., fo=0:d" */
	{"s:1", 0, DMARC_FO_ANY | DMARC_FO_SPF},  /* "in any order" */
	{"1 : d : s", 0, DMARC_FO_ANY | DMARC_FO_DKIM | DMARC_FO_SPF},
	{"d", 0, DMARC_FO_DKIM},
	{"0:1", -1, DMARC_FO_ALL}, /* mutually exclusive: the default */
	{"x", -1, DMARC_FO_ALL},
	{"", -1, DMARC_FO_ALL},
	{"0::d", -1, DMARC_FO_ALL},
	{"0;d", -1, DMARC_FO_ALL},
};

START_TEST(test_fo_parse)
{
	unsigned int bits = 0;
	const char *err = NULL;
	int ret = dmarc_fo_parse(fo_cases[_i].fo, &bits, &err);

	ck_assert_int_eq(ret, fo_cases[_i].ret);
	ck_assert_uint_eq(bits, fo_cases[_i].bits);
	if (ret < 0)
		ck_assert_ptr_nonnull(err);
}
END_TEST

static void
sample(struct dmarc_history *h)
{
	memset(h, 0, sizeof(*h));
	h->id = "1765065600.42.7@mx.example.org";
	h->time = 1765065600;
	h->source_ip = "2001:db8::25";
	h->envelope_from = "bounce.example";
	h->header_from = "example.com";
	h->policy_domain = "example.com";
	h->dkim[0].domain = "list.example";
	h->dkim[0].selector = "l1";
	h->dkim[0].result = "pass";
	h->dkim[1].domain = "example.com";
	h->dkim[1].selector = "sel";
	h->dkim[1].result = "fail";
	h->ndkim = 2;
	h->spf_result = "pass";
	h->spf_domain = "bounce.example";
	h->result = DMARC_RESULT_FAIL;
	h->policy = DMARC_POLICY_REJECT;
	h->disposition = DMARC_POLICY_QUARANTINE;
}

/* one message's verdicts and the reports each fo asks for */
static const struct {
	const char *what;
	bool dkim_aligned, spf_aligned;
	enum dmarc_result result;
	const char *dkim1, *spf;
	unsigned int fo, due;
	const char *alignment;
} due_cases[] = {
	{"nothing aligned, fo=0: all failed", false, false,
	 DMARC_RESULT_FAIL, "fail", "pass", DMARC_FO_ALL, DMARC_FAILURE_DMARC,
	 "dkim, spf"},
	{"nothing aligned, fo=1", false, false, DMARC_RESULT_FAIL, "fail",
	 "pass", DMARC_FO_ANY, DMARC_FAILURE_DMARC, "dkim, spf"},
	{"DKIM aligned, SPF not, fo=0: not all failed", true, false,
	 DMARC_RESULT_PASS, "pass", "pass", DMARC_FO_ALL, 0, "spf"},
	{"DKIM aligned, SPF not, fo=1: one failed", true, false,
	 DMARC_RESULT_PASS, "pass", "pass", DMARC_FO_ANY, DMARC_FAILURE_DMARC,
	 "spf"},
	{"SPF aligned, DKIM not, fo=1", false, true, DMARC_RESULT_PASS,
	 "fail", "pass", DMARC_FO_ANY, DMARC_FAILURE_DMARC, "dkim"},
	{"both aligned, fo=1: none failed", true, true, DMARC_RESULT_PASS,
	 "pass", "pass", DMARC_FO_ANY, 0, "none"},
	{"DNS trouble: the verdict is unknown", false, false,
	 DMARC_RESULT_TEMPERROR, "fail", "fail",
	 DMARC_FO_ANY | DMARC_FO_DKIM | DMARC_FO_SPF, 0, "dkim, spf"},
	{"fo=d: a signature failed, regardless of alignment", true, true,
	 DMARC_RESULT_PASS, "fail", "pass", DMARC_FO_DKIM, DMARC_FAILURE_DKIM,
	 "none"},
	{"fo=d: a broken signature (permerror) failed evaluation", true, true,
	 DMARC_RESULT_PASS, "permerror", "pass", DMARC_FO_DKIM,
	 DMARC_FAILURE_DKIM, "none"},
	{"fo=d: temperror is no failed evaluation", true, true,
	 DMARC_RESULT_PASS, "temperror", "pass", DMARC_FO_DKIM, 0, "none"},
	{"fo=s: SPF failed, regardless of alignment", true, true,
	 DMARC_RESULT_PASS, "pass", "fail", DMARC_FO_SPF, DMARC_FAILURE_SPF,
	 "none"},
	{"fo=s: softfail is no fail", true, true, DMARC_RESULT_PASS, "pass",
	 "softfail", DMARC_FO_SPF, 0, "none"},
	{"fo=0:d:s, everything failed", false, false, DMARC_RESULT_FAIL,
	 "fail", "fail", DMARC_FO_ALL | DMARC_FO_DKIM | DMARC_FO_SPF,
	 DMARC_FAILURE_DMARC | DMARC_FAILURE_DKIM | DMARC_FAILURE_SPF,
	 "dkim, spf"},
};

START_TEST(test_due)
{
	struct dmarc_history h;

	sample(&h);
	h.dkim_aligned = due_cases[_i].dkim_aligned;
	h.spf_aligned = due_cases[_i].spf_aligned;
	h.result = due_cases[_i].result;
	h.dkim[1].result = due_cases[_i].dkim1;
	h.spf_result = due_cases[_i].spf;
	ck_assert_msg(dmarc_failure_due(&h, due_cases[_i].fo) ==
			      due_cases[_i].due,
		      "%s", due_cases[_i].what);
	ck_assert_str_eq(dmarc_failure_identity_alignment(&h),
			 due_cases[_i].alignment);
}
END_TEST

static const char *const feedback_expected =
	"Feedback-Type: auth-failure\r\n"
	"User-Agent: mailauth-pack/1.0\r\n"
	"Version: 1\r\n"
	"Auth-Failure: dmarc\r\n"
	"Authentication-Results: mx.example.org;\r\n"
	"\tdmarc=fail header.from=example.com;\r\n"
	"\tdkim=pass header.d=list.example header.s=l1;\r\n"
	"\tdkim=fail header.d=example.com header.s=sel;\r\n"
	"\tspf=pass smtp.mailfrom=bounce.example\r\n"
	"Identity-Alignment: dkim, spf\r\n"
	"DKIM-Domain: example.com\r\n"
	"DKIM-Identity: @example.com\r\n"
	"DKIM-Selector: sel\r\n"
	/* RFC 5965 3.5 original-mail-from: RFC 5321 4.1.2 reverse-path,
	 * "<" Mailbox ">" */
	"Original-Mail-From: <a@bounce.example>\r\n"
	"Arrival-Date: Sun, 07 Dec 2025 00:00:00 +0000\r\n"
	/* RFC 5965 3.5 source-ip: RFC 5321 4.1.3 IPv6-address-literal =
	 * "IPv6:" IPv6-addr */
	"Source-IP: IPv6:2001:db8::25\r\n"
	"Reported-Domain: example.com\r\n"
	"Delivery-Result: spam\r\n";

START_TEST(test_feedback)
{
	struct dmarc_history h;
	struct buf out = BUF_INIT;

	sample(&h);
	/* RFC 9991 Appendix A: "DKIM-Identity: @consumer.example" */
	h.dkim_identity = "@example.com";
	dmarc_failure_feedback(&h, DMARC_FAILURE_DMARC, "mailauth-pack/1.0",
			       "mx.example.org", "a@bounce.example", &out);
	buf_append_char(&out, '\0');
	ck_assert_str_eq(out.data, feedback_expected);
	buf_free(&out);
}
END_TEST

/* RFC 5965 3.5: original-mail-from = "Original-Mail-From:" [CFWS]
 * reverse-path [CFWS] (RFC 5321 4.1.2: Path = "<" Mailbox ">", or "<>"),
 * source-ip = "Source-IP:" [CFWS] (IPv4-address-literal /
 * IPv6-address-literal) (RFC 5321 4.1.3: "IPv6:" IPv6-addr).  What does
 * not fit is left out (NULL: no such field). */
static const struct {
	const char *mail_from, *want_omf;
	const char *ip, *want_ip;
} envelope_cases[] = {
	{"a@b.example", "Original-Mail-From: <a@b.example>\r\n",
	 "192.0.2.1", "Source-IP: 192.0.2.1\r\n"},
	{"", "Original-Mail-From: <>\r\n",
	 "2001:db8::1", "Source-IP: IPv6:2001:db8::1\r\n"},
	{"bounce+x=y@b.example", "Original-Mail-From: <bounce+x=y@b.example>\r\n",
	 "::ffff:192.0.2.1", "Source-IP: IPv6:::ffff:192.0.2.1\r\n"},
	{"x<y>@host.example", NULL, "1:2:3", NULL},
	{"\"a b\"@b.example", NULL, "192.0.2.256", NULL},
	{"nodomain", NULL, "192.0.2.1 ", NULL},
	{"a@", NULL, "[192.0.2.1]", NULL},
	{"a@b.example\r\nX: 1", NULL, "", NULL},
};

static void
assert_field(const char *out, const char *name, const char *want)
{
	const char *got = strstr(out, name);
	size_t len;

	if (want == NULL) {
		ck_assert_msg(got == NULL, "got %s, want no %s", got, name);
		return;
	}
	len = strlen(want);
	ck_assert_msg(got != NULL && strncmp(got, want, len) == 0,
		      "got %.60s, want %s", got != NULL ? got : "(none)", want);
}

START_TEST(test_feedback_envelope)
{
	struct dmarc_history h;
	struct buf out = BUF_INIT;

	sample(&h);
	h.source_ip = envelope_cases[_i].ip;
	dmarc_failure_feedback(&h, DMARC_FAILURE_DMARC, "ua/1",
			       "mx.example.org", envelope_cases[_i].mail_from,
			       &out);
	buf_append_char(&out, '\0');
	assert_field(out.data, "Original-Mail-From:",
		     envelope_cases[_i].want_omf);
	assert_field(out.data, "Source-IP:", envelope_cases[_i].want_ip);
	buf_free(&out);
}
END_TEST

/* Hostile values (issue 18 item 5: "every field that reaches ... a
 * header is escaped or refused"): a value with CR/LF, a space, a quote
 * or a byte above 0x7e is left out, so no line of the part can start a
 * new field; a header.s with a ';' cannot end the A-R resinfo. */
START_TEST(test_feedback_hostile)
{
	struct dmarc_history h;
	struct buf out = BUF_INIT;

	sample(&h);
	h.dkim_identity = "@example.com\r\nBcc: x@example.net";
	h.header_from = "example.com\r\nBcc: victim@example.net";
	h.dkim[1].domain = "example.com";
	h.dkim[1].selector = "s;dmarc=pass";
	h.source_ip = "192.0.2.1\r\nX: y";
	h.spf_domain = "b\xc3\xa4" "d.example";
	dmarc_failure_feedback(&h, DMARC_FAILURE_DMARC,
			       "ua\r\nInjected: 1", "mx.example.org",
			       "<a@b.example>\r\nX-Evil: 1", &out);
	buf_append_char(&out, '\0');
	ck_assert_ptr_null(strstr(out.data, "Bcc:"));
	ck_assert_ptr_null(strstr(out.data, "Injected"));
	ck_assert_ptr_null(strstr(out.data, "X-Evil"));
	ck_assert_ptr_null(strstr(out.data, "X: y"));
	ck_assert_ptr_null(strstr(out.data, "dmarc=pass"));
	ck_assert_ptr_null(strstr(out.data, "\xc3"));
	ck_assert_ptr_null(strstr(out.data, "Reported-Domain"));
	ck_assert_ptr_null(strstr(out.data, "Source-IP"));
	/* still the required fields */
	ck_assert_ptr_nonnull(strstr(out.data, "Feedback-Type: auth-failure\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "Identity-Alignment: dkim, spf\r\n"));
	/* every line ends in CRLF, no bare CR or LF */
	for (const char *p = out.data; *p != '\0'; p++) {
		if (*p == '\r')
			ck_assert_int_eq(p[1], '\n');
		if (*p == '\n')
			ck_assert(p > out.data && p[-1] == '\r');
	}
	buf_free(&out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dmarc_failure");
	TCase *tc = tcase_create("failure");
	int failed;

	tcase_add_loop_test(tc, test_fo_parse, 0,
			    sizeof(fo_cases) / sizeof(fo_cases[0]));
	tcase_add_loop_test(tc, test_due, 0,
			    sizeof(due_cases) / sizeof(due_cases[0]));
	tcase_add_loop_test(tc, test_feedback_envelope, 0,
			    sizeof(envelope_cases) /
				    sizeof(envelope_cases[0]));
	tcase_add_test(tc, test_feedback);
	tcase_add_test(tc, test_feedback_hostile);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
