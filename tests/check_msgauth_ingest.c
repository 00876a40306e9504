/*
 * check_msgauth_ingest.c - the DMARC reports in a pushed message
 * (lib/msgauth/msgauth-ingest.c): an RFC 9990 aggregate report as a
 * base64 text/xml attachment, as application/octet-stream, as the whole
 * body, two in one message; a DOCTYPE (XXE) attachment refused while
 * the good one beside it is read (issue #19: hostile input is the
 * normal case); multiparts nested too deep, a one-line base64 report,
 * an attachment without its closing boundary; a message over
 * max_message; a part labelled as a report that is none refused, a
 * human-readable part passed over; an ARF failure report (RFC 6591
 * 3.1 / appendix B) with the reported Subject and Message-ID and a
 * stable id; the same results byte by byte; msgauth_ingest_store's
 * file.  Expected values are the XML's and the ARF fields' own.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/file.h"
#include "dmarc/dmarc-received.h"
#include "msgauth/msgauth-ingest.h"
#include "harness.h"

/* RFC 9990 appendix-style report (values of our own choosing). */
#define REPORT_XML(ID)                                                       \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                       \
	"<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n"            \
	" <version>1.0</version>\n"                                          \
	" <report_metadata><org_name>Receiver Org</org_name>"                \
	"<email>noreply@receiver.example</email>"                            \
	"<report_id>" ID "</report_id><date_range><begin>1700000000</begin>" \
	"<end>1700086399</end></date_range></report_metadata>\n"             \
	" <policy_published><domain>example.com</domain><p>none</p>"         \
	"</policy_published>\n"                                              \
	" <record><row><source_ip>192.0.2.1</source_ip><count>3</count>"     \
	"<policy_evaluated><disposition>none</disposition><dkim>pass</dkim>" \
	"<spf>fail</spf></policy_evaluated></row><identifiers>"              \
	"<header_from>example.com</header_from></identifiers>"               \
	"<auth_results><dkim><domain>example.com</domain><selector>s1"       \
	"</selector><result>pass</result></dkim><spf><domain>"               \
	"bounce.example.com</domain><result>fail</result></spf>"             \
	"</auth_results></record>\n"                                         \
	" <record><row><source_ip>198.51.100.7</source_ip><count>12</count>" \
	"<policy_evaluated><disposition>none</disposition><dkim>fail</dkim>" \
	"<spf>fail</spf></policy_evaluated></row><identifiers>"              \
	"<header_from>example.com</header_from></identifiers>"               \
	"<auth_results><spf><domain>example.com</domain><result>softfail"    \
	"</result></spf></auth_results></record>\n</feedback>\n"

#define XXE_XML                                                              \
	"<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [<!ENTITY x SYSTEM "    \
	"\"file:///etc/passwd\">]>\n<feedback><report_metadata><org_name>&x;" \
	"</org_name></report_metadata></feedback>\n"

struct got {
	unsigned int reports, refused;
	struct buf texts, reasons;
	struct buf ids;
};

static int
on_report(void *ctx, const struct dmarc_received *r, const char *text,
	  size_t len)
{
	struct got *g = ctx;

	g->reports++;
	buf_append(&g->texts, text, len);
	buf_printf(&g->ids, "[%s|%s|%s|%llu|%llu|%zu]",
		   r->kind == DMARC_RECEIVED_FAILURE ? "failure" : "aggregate",
		   r->org_name, r->report_id, (unsigned long long)r->begin,
		   (unsigned long long)r->end, r->nrows);
	return 0;
}

static void
on_refused(void *ctx, const char *part, const char *reason)
{
	struct got *g = ctx;

	g->refused++;
	buf_printf(&g->reasons, "[%s: %s]", part != NULL ? part : "-", reason);
}

static void
ingest_limited(const char *msg, size_t len, size_t step, uint64_t now,
	       const struct msgauth_ingest_limits *limits, struct got *g)
{
	struct msgauth_ingest *in;
	unsigned int n;

	memset(g, 0, sizeof(*g));
	in = msgauth_ingest_new(limits, now, on_report, on_refused, g);
	for (size_t off = 0; off < len; off += step)
		msgauth_ingest_feed(in, msg + off,
				    len - off < step ? len - off : step);
	n = msgauth_ingest_finish(in);
	msgauth_ingest_free(&in);
	ck_assert_msg(n == g->reports, "finish: %u, callbacks %u", n,
		      g->reports);
}

static void
ingest(const char *msg, size_t len, size_t step, uint64_t now, struct got *g)
{
	ingest_limited(msg, len, step, now, NULL, g);
}

static void
got_free(struct got *g)
{
	buf_free(&g->texts);
	buf_free(&g->reasons);
	buf_free(&g->ids);
}

/* A multipart/mixed message with a text part and one attachment per
 * (type, name, content) triple, base64-encoded. */
static void
message(struct buf *m, const char *const *parts, size_t nparts)
{
	buf_reset(m);
	buf_append_str(m, "From: DMARC <noreply-dmarc@receiver.example>\r\n"
		       "Subject: Report Domain: example.com\r\n"
		       "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
		       "boundary=\"==b==\"\r\n\r\n--==b==\r\nContent-Type: "
		       "text/plain\r\n\r\nThis is a DMARC aggregate report."
		       "\r\n");
	for (size_t i = 0; i < nparts; i++) {
		const char *type = parts[3 * i], *name = parts[3 * i + 1],
			   *body = parts[3 * i + 2];
		size_t blen = strlen(body);
		char *b64 = malloc(BASE64_ENCODED_LEN(blen) + 1);

		base64_encode((const unsigned char *)body, blen, b64);
		buf_printf(m, "--==b==\r\nContent-Type: %s; name=\"%s\"\r\n"
			   "Content-Disposition: attachment; filename=\"%s\""
			   "\r\nContent-Transfer-Encoding: base64\r\n\r\n",
			   type, name, name);
		for (size_t o = 0; o < strlen(b64); o += 76)
			buf_printf(m, "%.76s\r\n", b64 + o);
		free(b64);
	}
	buf_append_str(m, "--==b==--\r\n");
}

#define AGG_ID(id)                                                           \
	"[aggregate|Receiver Org|" id "|1700000000|1700086399|2]"

START_TEST(test_attachment_shapes)
{
	static const char *const xml[] = {"text/xml", "r.xml",
					  REPORT_XML("id-1")};
	static const char *const octet[] = {"application/octet-stream",
					    "receiver!example.com!1.xml",
					    REPORT_XML("id-2")};
	static const char *const two[] = {
		"application/xml", "a.xml", REPORT_XML("id-3"),
		"text/plain", "b.txt", REPORT_XML("id-4")};
	struct buf m = BUF_INIT;
	struct got g;

	message(&m, xml, 1);
	for (size_t step = 1; step <= m.len; step = step * 7 + 1) {
		ingest(m.data, m.len, step, 1700100000, &g);
		harness_assert_str("text/xml", buf_cstr(&g.ids), AGG_ID("id-1"));
		ck_assert_msg(strstr(buf_cstr(&g.texts),
				     "row n=12 ip=198.51.100.7 ") != NULL,
			      "row line missing: %s", buf_cstr(&g.texts));
		got_free(&g);
	}
	message(&m, octet, 1);
	ingest(m.data, m.len, 100000, 1700100000, &g);
	harness_assert_str("octet-stream", buf_cstr(&g.ids), AGG_ID("id-2"));
	got_free(&g);
	message(&m, two, 2);
	ingest(m.data, m.len, 100000, 1700100000, &g);
	harness_assert_str("two attachments", buf_cstr(&g.ids),
			   AGG_ID("id-3") AGG_ID("id-4"));
	ck_assert_msg(g.refused == 0, "refused: %s", buf_cstr(&g.reasons));
	got_free(&g);
	buf_free(&m);
}
END_TEST

START_TEST(test_whole_body)
{
	static const char msg[] = "From: r@receiver.example\r\n"
				  "Subject: report\r\n\r\n" REPORT_XML("id-5");
	struct got g;

	ingest(msg, sizeof(msg) - 1, 100000, 1700100000, &g);
	harness_assert_str("body", buf_cstr(&g.ids), AGG_ID("id-5"));
	got_free(&g);
}
END_TEST

START_TEST(test_hostile_beside_good)
{
	static const char *const parts[] = {
		"application/xml", "xxe.xml", XXE_XML,
		"application/zip", "junk.zip", "this is no zip file",
		"text/xml", "good.xml", REPORT_XML("id-6")};
	struct buf m = BUF_INIT;
	struct got g;

	message(&m, parts, 3);
	ingest(m.data, m.len, 100000, 1700100000, &g);
	harness_assert_str("good one", buf_cstr(&g.ids), AGG_ID("id-6"));
	ck_assert_msg(g.refused == 2, "refused %u: %s", g.refused,
		      buf_cstr(&g.reasons));
	ck_assert_msg(strstr(buf_cstr(&g.reasons), "[xxe.xml: ") != NULL &&
		      strstr(buf_cstr(&g.reasons), "DOCTYPE") != NULL,
		      "XXE reason: %s", buf_cstr(&g.reasons));
	ck_assert_msg(strstr(buf_cstr(&g.reasons), "[junk.zip: neither zip, "
			     "gzip nor XML]") != NULL,
		      "junk reason: %s", buf_cstr(&g.reasons));
	got_free(&g);
	buf_free(&m);
}
END_TEST

/* Hostile MIME around reports (issue #19: anyone can mail the rua
 * address): 40 nested multiparts with a report at the bottom (the
 * walker follows 16: before this test the part was passed over with
 * nothing said; now refused with a reason), while a good report beside
 * them is read; a report whose base64 is one line of 20 KB (longer than
 * MSG_MIME_MAX_LINE, decoded in pieces) is read whole; an attachment
 * whose closing boundary never comes (the message ends inside it) is
 * refused, not taken as whole. */
START_TEST(test_hostile_mime)
{
	static const char head[] = "From: r@receiver.example\r\n"
				   "MIME-Version: 1.0\r\n";
	const char *xml = REPORT_XML("id-7");
	struct buf m = BUF_INIT, big = BUF_INIT;
	struct got g;
	char *b64;

	buf_append_str(&m, head);
	buf_append_str(&m, "Content-Type: multipart/mixed; boundary=top\r\n"
		       "\r\n--top\r\nContent-Type: text/xml\r\n\r\n");
	buf_append_str(&m, xml);
	buf_append_str(&m, "\r\n--top\r\n");
	for (int i = 0; i < 40; i++)
		buf_printf(&m, "Content-Type: multipart/mixed; boundary=n%d"
			   "\r\n\r\n--n%d\r\n", i, i);
	buf_append_str(&m, "Content-Type: text/xml\r\n\r\n");
	buf_append_str(&m, REPORT_XML("id-deep"));
	for (int i = 40; i-- > 0;)
		buf_printf(&m, "\r\n--n%d--", i);
	buf_append_str(&m, "\r\n--top--\r\n");
	ingest(m.data, m.len, 100000, 1700100000, &g);
	harness_assert_str("nested: the good one", buf_cstr(&g.ids),
			   AGG_ID("id-7"));
	ck_assert_msg(g.refused == 1 &&
		      strstr(buf_cstr(&g.reasons), "nested deeper") != NULL,
		      "nested: refused %u: %s", g.refused,
		      buf_cstr(&g.reasons));
	got_free(&g);

	/* one 20 KB base64 line: the report and 300 more records */
	buf_append(&big, xml, strstr(xml, "</feedback>") - xml);
	for (int i = 0; i < 300; i++)
		buf_printf(&big, "<record><row><source_ip>10.0.%d.%d"
			   "</source_ip><count>1</count><policy_evaluated>"
			   "<disposition>none</disposition><dkim>pass</dkim>"
			   "<spf>pass</spf></policy_evaluated></row>"
			   "<identifiers><header_from>example.com"
			   "</header_from></identifiers><auth_results><spf>"
			   "<domain>example.com</domain><result>pass</result>"
			   "</spf></auth_results></record>\n", i / 256,
			   i % 256);
	buf_append_str(&big, "</feedback>\n");
	b64 = malloc(BASE64_ENCODED_LEN(big.len) + 1);
	base64_encode((const unsigned char *)big.data, big.len, b64);
	ck_assert_msg(strlen(b64) > 20000, "line of %zu", strlen(b64));
	buf_reset(&m);
	buf_append_str(&m, head);
	buf_printf(&m, "Content-Type: application/xml\r\nContent-Transfer-"
		   "Encoding: base64\r\n\r\n%s\r\n", b64);
	for (size_t step = 1; step <= 100000; step *= 317) {
		ingest(m.data, m.len, step, 1700100000, &g);
		ck_assert_msg(g.reports == 1 && g.refused == 0 &&
			      strstr(buf_cstr(&g.ids), "|id-7|") != NULL &&
			      strstr(buf_cstr(&g.ids), "|302]") != NULL,
			      "long line, step %zu: %s %s", step,
			      buf_cstr(&g.ids), buf_cstr(&g.reasons));
		got_free(&g);
	}

	/* no closing boundary: the message ends inside the attachment */
	buf_reset(&m);
	buf_append_str(&m, head);
	buf_printf(&m, "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		   "--b\r\nContent-Type: text/xml\r\n\r\n%s", xml);
	ingest(m.data, m.len, 100000, 1700100000, &g);
	ck_assert_msg(g.reports == 0 && g.refused == 1 &&
		      strstr(buf_cstr(&g.reasons), "ended inside") != NULL,
		      "no end boundary: %u, %s", g.reports,
		      buf_cstr(&g.reasons));
	got_free(&g);
	free(b64);
	buf_free(&big);
	buf_free(&m);
}
END_TEST

/* A message over max_message: the rest is not read, and that is said
 * (before, the message was cut without a word). */
START_TEST(test_max_message)
{
	static const char msg[] = "From: r@receiver.example\r\n"
				  "Subject: report\r\n\r\n" REPORT_XML("id-8");
	struct msgauth_ingest_limits l;
	struct msgauth_ingest *in;
	struct got g;

	memset(&g, 0, sizeof(g));
	msgauth_ingest_limits_default(&l);
	l.max_message = 300;
	in = msgauth_ingest_new(&l, 1700100000, on_report, on_refused, &g);
	for (size_t off = 0; off < sizeof(msg) - 1; off += 100)
		msgauth_ingest_feed(in, msg + off, sizeof(msg) - 1 - off < 100 ?
				    sizeof(msg) - 1 - off : 100);
	ck_assert_msg(msgauth_ingest_finish(in) == 0, "a report");
	msgauth_ingest_free(&in);
	ck_assert_msg(strstr(buf_cstr(&g.reasons), "[message: larger than "
			     "max_message") != NULL &&
		      strstr(buf_cstr(&g.reasons) + 1, "[message:") == NULL,
		      "reasons: %s", buf_cstr(&g.reasons));
	got_free(&g);
}
END_TEST

/* RFC 6591 appendix B.1's shape: an auth-failure report for a DKIM
 * failure, with the reported message's header. */
static const char arf[] =
	"From: dmarc-failures@receiver.example\r\n"
	"Subject: FW: Earn money\r\nMIME-Version: 1.0\r\n"
	"Content-Type: multipart/report; report-type=feedback-report;\r\n"
	"\tboundary=\"part1_13d.2e68ed54_boundary\"\r\n\r\n"
	"--part1_13d.2e68ed54_boundary\r\n"
	"Content-Type: text/plain; charset=\"US-ASCII\"\r\n\r\n"
	"This is an authentication failure report for an email message "
	"received from IP\r\n192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.\r\n"
	"\r\n--part1_13d.2e68ed54_boundary\r\n"
	"Content-Type: message/feedback-report\r\n\r\n"
	"Feedback-Type: auth-failure\r\nUser-Agent: SomeGenerator/1.0\r\n"
	"Version: 1\r\nOriginal-Mail-From: <somespammer@example.net>\r\n"
	"Original-Rcpt-To: <user@example.com>\r\n"
	"Received-Date: Thu, 8 Mar 2005 14:00:00 EDT\r\n"
	"Source-IP: 192.0.2.1\r\nAuthentication-Results: mail.example.com;"
	"\r\n\t\t\t\tdkim=fail header.d=example.com\r\n"
	"Reported-Domain: example.com\r\nDKIM-Domain: example.com\r\n"
	"DKIM-Identity: @example.com\r\nDKIM-Selector: s1024\r\n"
	"Auth-Failure: signature\r\n"
	"Arrival-Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n\r\n"
	"--part1_13d.2e68ed54_boundary\r\n"
	"Content-Type: text/rfc822-headers\r\n\r\n"
	"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1024;\r\n"
	"From: <someone@example.com>\r\nTo: <user@example.com>\r\n"
	"Subject: =?UTF-8?Q?Earn_money_=E2=82=AC?=\r\n"
	"MIME-Version: 1.0\r\nMessage-ID: <8787KJKJ3K4J3K4J3K4J3.mail@"
	"example.net>\r\nContent-Type: text/plain\r\n\r\n"
	"--part1_13d.2e68ed54_boundary--\r\n";

START_TEST(test_failure_report)
{
	struct arena *a = arena_new(0);
	struct dmarc_received *r;
	const char *err;
	struct got g, g2;

	ingest(arf, sizeof(arf) - 1, 100000, 1700100000, &g);
	ck_assert_msg(g.reports == 1 && g.refused == 0, "%u reports, %s",
		      g.reports, buf_cstr(&g.reasons));
	ck_assert_msg(dmarc_received_parse(g.texts.data, g.texts.len, a, &r,
					   &err) == 0, "parse: %s", err);
	ck_assert(r->kind == DMARC_RECEIVED_FAILURE);
	harness_assert_str("Reported-Domain", r->policy_domain, "example.com");
	harness_assert_str("Source-IP", r->source_ip, "192.0.2.1");
	harness_assert_str("Auth-Failure", r->auth_failure, "signature");
	harness_assert_str("DKIM-Selector", r->dkim_selector, "s1024");
	harness_assert_str("Original-Mail-From", r->original_mail_from,
			   "<somespammer@example.net>");
	harness_assert_str("Subject (RFC 2047 decoded)", r->subject,
			   "Earn money \xe2\x82\xac");
	harness_assert_str("Message-ID", r->message_id,
			   "<8787KJKJ3K4J3K4J3K4J3.mail@example.net>");
	harness_assert_str("reporter (no Reporting-MTA: From)", r->org_name,
			   "dmarc-failures@receiver.example");
	harness_assert_str("Arrival-Date", r->arrival_date,
			   "Tue, 14 Nov 2023 22:13:20 +0000");
	ck_assert_msg(r->report_id != NULL && strlen(r->report_id) == 32,
		      "id %s", r->report_id);
	/* the same report a day later, byte by byte: the same id */
	ingest(arf, sizeof(arf) - 1, 1, 1700186400, &g2);
	ck_assert_msg(strstr(buf_cstr(&g2.texts), r->report_id) != NULL,
		      "id changed: %s vs %s", r->report_id, buf_cstr(&g2.texts));
	got_free(&g2);
	/* another report (another Source-IP): another id */
	char *other = strdup(arf);
	memcpy(strstr(other, "Source-IP: 192.0.2.1") + 19, "9", 1);
	ingest(other, strlen(other), 100000, 1700100000, &g2);
	ck_assert_msg(g2.reports == 1 &&
		      strstr(buf_cstr(&g2.texts), r->report_id) == NULL,
		      "another report, the same id %s", r->report_id);
	free(other);
	got_free(&g);
	got_free(&g2);
	arena_free(&a);
}
END_TEST

START_TEST(test_not_reports)
{
	static const char plain[] =
		"From: a@b.example\r\nContent-Type: text/html\r\n\r\n"
		"<html><body>hello</body></html>\r\n";
	static const char abuse[] =
		"Content-Type: multipart/report; report-type=feedback-report;"
		" boundary=x\r\n\r\n--x\r\nContent-Type: message/feedback-"
		"report\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n--x--\r\n";
	struct got g;

	ingest(plain, sizeof(plain) - 1, 100000, 1, &g);
	ck_assert_msg(g.reports == 0 && g.refused == 0, "html: %u, %s",
		      g.reports, buf_cstr(&g.reasons));
	got_free(&g);
	ingest(abuse, sizeof(abuse) - 1, 100000, 1, &g);
	ck_assert_msg(g.reports == 0 && g.refused == 1 &&
		      strstr(buf_cstr(&g.reasons), "auth-failure") != NULL,
		      "abuse report: %u, %s", g.reports,
		      buf_cstr(&g.reasons));
	got_free(&g);
}
END_TEST

/* The work one message may cause is bounded as a whole, not only per
 * attachment: dkimcheck reads reports inside the LMTP delivery (a mail
 * of 200 attachments each unpacking to max_unpacked held the lmtp
 * process for minutes), and a report's text is the memory it takes
 * (a row flood under max_unpacked grew it past lmtp's vsz_limit). */
START_TEST(test_message_budget)
{
	static const char *const parts[] = {
		"text/xml", "a.xml", REPORT_XML("id-a"),
		"text/xml", "b.xml", REPORT_XML("id-b"),
		"text/xml", "c.xml", REPORT_XML("id-c")};
	struct msgauth_ingest_limits l;
	struct buf m = BUF_INIT;
	struct got g;

	message(&m, parts, 3);
	msgauth_ingest_limits_default(&l);
	/* the first report fits, the second goes over while unpacked */
	l.max_unpacked_total = strlen(REPORT_XML("id-a")) + 100;
	for (size_t step = 1; step <= 100000; step *= 317) {
		ingest_limited(m.data, m.len, step, 1700100000, &l, &g);
		harness_assert_str("within the budget", buf_cstr(&g.ids),
				   AGG_ID("id-a"));
		harness_assert_str("over it", buf_cstr(&g.reasons),
				   "[b.xml: unpacked size of the message's "
				   "attachments over the limit][c.xml: "
				   "unpacked size of the message's "
				   "attachments over the limit]");
		got_free(&g);
	}
	/* a report whose text outgrows max_text is refused */
	msgauth_ingest_limits_default(&l);
	l.max_text = 50;
	ingest_limited(m.data, m.len, 100000, 1700100000, &l, &g);
	ck_assert_msg(g.reports == 0 && g.refused == 3, "max_text: %u, %s",
		      g.reports, buf_cstr(&g.reasons));
	ck_assert_msg(strstr(buf_cstr(&g.reasons),
			     "[a.xml: report text over the limit]") != NULL,
		      "max_text reason: %s", buf_cstr(&g.reasons));
	got_free(&g);
	buf_free(&m);
}
END_TEST

START_TEST(test_store)
{
	char *dir = harness_tmpdir("ingest-store");
	const char *err;
	struct dirent *e;
	unsigned int files = 0;
	DIR *d;

	ck_assert_msg(msgauth_ingest_store(dir, "v=1 kind=x\n", 11, &err) ==
		      0, "store: %s", err);
	ck_assert_msg(msgauth_ingest_store(dir, "v=1 kind=y\n", 11, &err) ==
		      0, "store: %s", err);
	d = opendir(dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' ||
					    strcmp(e->d_name, "..") == 0))
			continue;
		ck_assert_msg(msgauth_ingest_file_is(e->d_name),
			      "left behind: %s", e->d_name);
		files++;
		char *p = NULL;
		if (asprintf(&p, "%s/%s", dir, e->d_name) > 0)
			unlink(p);
		free(p);
	}
	closedir(d);
	ck_assert_msg(files == 2, "%u files", files);
	ck_assert(!msgauth_ingest_file_is(".rcvd-abc123"));
	ck_assert(!msgauth_ingest_file_is("host.1.20261207.dmarc"));
	rmdir(dir);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("msgauth_ingest");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_attachment_shapes);
	tcase_add_test(tc, test_whole_body);
	tcase_add_test(tc, test_hostile_beside_good);
	tcase_add_test(tc, test_hostile_mime);
	tcase_add_test(tc, test_max_message);
	tcase_add_test(tc, test_failure_report);
	tcase_add_test(tc, test_not_reports);
	tcase_add_test(tc, test_message_budget);
	tcase_add_test(tc, test_store);
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
