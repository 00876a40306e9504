/*
 * check_msg_report_kind.c - is a message itself a DMARC report, from its
 * top-level header fields (lib/msg/msg-report-kind.c).
 *
 * Expected values from the texts: RFC 5965 section 2 (an ARF report is
 * "multipart/report" with "report-type=feedback-report", the format of
 * RFC 6591 and RFC 9991 failure reports; RFC 9991 Appendix A's example
 * header is copied below); RFC 6522 (multipart/report with another
 * report-type, e.g. delivery-status, is a report too); RFC 9990 section
 * 5.2 (aggregate reports: Subject "Report Domain: ... Submitter: ...
 * Report-ID: ...", the file name "receiver!policy-domain!begin!end
 * [!unique-id]", application/gzip or zip); RFC 2045 5.1 (type, subtype
 * and parameter names are case-insensitive, values token or
 * quoted-string, comments allowed between tokens).  Fields are fed one
 * at a time, as msgauth hands them over.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "msg/msg-report-kind.h"
#include "harness.h"

static const struct {
	const char *fields[4]; /* "Name: value", NULL-terminated */
	enum msg_report_kind want;
} cases[] = {
	/* RFC 9991 Appendix A, folded as there */
	{{"Subject: FW: This is the original subject",
	  "Content-Type: multipart/report; report-type=feedback-report;\r\n"
	  "  boundary=\"=_mime_boundary_\"", NULL}, MSG_REPORT_FAILURE},
	{{"Content-Type: MULTIPART/Report; Report-Type=\"Feedback-Report\"",
	  NULL}, MSG_REPORT_FAILURE},
	{{"Content-Type: multipart/report (arf) ; (x) report-type = "
	  "feedback-report ; boundary=b;", NULL}, MSG_REPORT_FAILURE},
	/* RFC 6522: a DSN */
	{{"Content-Type: multipart/report; report-type=delivery-status; "
	  "boundary=x", NULL}, MSG_REPORT_OTHER},
	{{"Content-Type: multipart/report", NULL}, MSG_REPORT_OTHER},
	/* RFC 9990 5.2 */
	{{"Subject: Report Domain: example.com Submitter: mx.example.net\r\n"
	  " Report-ID: <1>", NULL}, MSG_REPORT_AGGREGATE},
	{{"Subject:  report domain: example.com", NULL}, MSG_REPORT_AGGREGATE},
	{{"Content-Type: application/gzip;\r\n\tname=\"mx.example.net!"
	  "example.com!1764547200!1764633599!abc.xml.gz\"", NULL},
	 MSG_REPORT_AGGREGATE},
	{{"Content-Type: application/zip",
	  "Content-Disposition: attachment; filename=\"a.example!b.example!"
	  "1!2.zip\"", NULL}, MSG_REPORT_AGGREGATE},
	{{"Content-Type: text/xml; name=a!b!1!2.xml", NULL},
	 MSG_REPORT_AGGREGATE},
	/* not reports */
	{{"Content-Type: application/gzip; name=backup.tar.gz", NULL},
	 MSG_REPORT_NONE},
	{{"Content-Type: text/plain; name=\"a!b!1!2\"", NULL}, MSG_REPORT_NONE},
	{{"Content-Type: multipart/mixed; boundary=b", NULL}, MSG_REPORT_NONE},
	{{"Subject: Re: Report Domain: example.com", NULL}, MSG_REPORT_NONE},
	{{"Subject: (c) Report Domain: x", NULL}, MSG_REPORT_NONE},
	{{"From: a@example.com", "Subject: hello", NULL}, MSG_REPORT_NONE},
	{{NULL}, MSG_REPORT_NONE},
	/* the first Content-Type counts */
	{{"Content-Type: text/plain",
	  "Content-Type: multipart/report; report-type=feedback-report", NULL},
	 MSG_REPORT_NONE},
	/* a value that does not parse counts as absent */
	{{"Content-Type: multipart/report; report-type", NULL},
	 MSG_REPORT_NONE},
	{{"Content-Type: multipart/report; report-type=\"feedback-report",
	  NULL}, MSG_REPORT_NONE},
	{{"Content-Type: multipart/report (unclosed ; report-type=x", NULL},
	 MSG_REPORT_NONE},
};

START_TEST(test_kind)
{
	struct msg_report_classifier k;
	enum msg_report_kind got;

	msg_report_kind_init(&k);
	for (size_t i = 0; cases[_i].fields[i] != NULL; i++) {
		const char *f = cases[_i].fields[i], *colon = strchr(f, ':');

		msg_report_kind_field(&k, f, (size_t)(colon - f), colon + 1,
				      strlen(colon + 1));
	}
	got = msg_report_kind_result(&k);
	ck_assert_msg(got == cases[_i].want, "case %d: got %s, want %s", _i,
		      msg_report_kind_str(got),
		      msg_report_kind_str(cases[_i].want));
}
END_TEST

START_TEST(test_str)
{
	ck_assert_str_eq(msg_report_kind_str(MSG_REPORT_NONE), "none");
	ck_assert_str_eq(msg_report_kind_str(MSG_REPORT_AGGREGATE),
			 "aggregate");
	ck_assert_str_eq(msg_report_kind_str(MSG_REPORT_FAILURE), "failure");
	ck_assert_str_eq(msg_report_kind_str(MSG_REPORT_OTHER), "other");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("msg_report_kind");
	TCase *tc = tcase_create("kind");
	int failed;

	tcase_add_loop_test(tc, test_kind, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_str);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
