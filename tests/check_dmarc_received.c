/*
 * check_dmarc_received.c - a received DMARC report: its normalized text
 * (dmarc-received(5), dmarc-received.h) and the aggregate report XML
 * reader (dmarc-report-parse.h).
 *
 * Expected values come from the texts: the format as dmarc-received(5)
 * defines it (the field encoding of dmarc-history(5): percent-encoding
 * RFC 3986 2.1 style of every byte outside printable ASCII and of '%',
 * '=', ',', space), and the RFC 9990 sample report as the RFC prints it
 * (tests/fixtures/reports-in/rfc9990-sample.xml: report_id
 * 3v98abbp8ya9n3va8yr8oa3ya, date_range 302832000..302918399, one row
 * 192.0.2.123 count 123 ...), RFC 9990 3.1 / appendix A (namespace
 * urn:ietf:params:xml:ns:dmarc-2.0), RFC 7489 appendix C (no namespace;
 * the draft's http://dmarc.org/dmarc-xml/0.1).  The per-row numbers of
 * the reporters' fixtures are checked against Python's xml.etree in
 * tests/reports-in.sh.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/file.h"
#include "dmarc/dmarc-received.h"
#include "dmarc/dmarc-report-parse.h"
#include "harness.h"

static const struct dmarc_received_reason reasons[] = {
	{ "local_policy", "filed into Junk, 100% sure = yes" },
	{ "other", NULL },
};
static const struct dmarc_received_dkim dkims[] = {
	{ "example.com", "s1", "pass" },
	{ "Ex ample,com", NULL, "fail" },
};
static const struct dmarc_received_spf spfs[] = {
	{ "bounce.example.net", "mfrom", "softfail" },
};

static void
sample(struct dmarc_received *r, struct dmarc_received_row *rows)
{
	memset(r, 0, sizeof(*r));
	memset(rows, 0, 2 * sizeof(*rows));
	r->kind = DMARC_RECEIVED_AGGREGATE;
	r->received = 1765152000;
	r->org_name = "Sample Reporter";
	r->email = "report_sender@example-reporter.com";
	r->extra_contact = "https://example.net/?a=b&c=d%e";
	r->report_id = "<3v98=abbp,8ya9n3va8yr8oa3ya>";
	r->begin = 302832000;
	r->end = 302918399;
	r->schema = "rfc9990";
	r->policy_domain = "example.com";
	r->adkim = "r";
	r->p = "quarantine";
	r->testing = "n";
	r->discovery = "treewalk";
	r->fo = "";
	rows[0].source_ip = "192.0.2.123";
	rows[0].count = 123;
	rows[0].disposition = "pass";
	rows[0].dkim = "pass";
	rows[0].spf = "fail";
	rows[0].reasons = reasons;
	rows[0].nreasons = 2;
	rows[0].header_from = "\xc3\xa9xample.com\n\t";
	rows[0].dkim_results = dkims;
	rows[0].ndkim = 2;
	rows[0].spf_results = spfs;
	rows[0].nspf = 1;
	rows[1].count = UINT64_MAX;
	r->rows = rows;
	r->nrows = 2;
}

static void
assert_same(const struct dmarc_received *a, const struct dmarc_received *b)
{
	size_t i, j;

	ck_assert_int_eq(a->kind, b->kind);
	ck_assert_uint_eq(a->received, b->received);
	harness_assert_str("org", a->org_name, b->org_name);
	harness_assert_str("email", a->email, b->email);
	harness_assert_str("xc", a->extra_contact, b->extra_contact);
	harness_assert_str("id", a->report_id, b->report_id);
	ck_assert_uint_eq(a->begin, b->begin);
	ck_assert_uint_eq(a->end, b->end);
	harness_assert_str("schema", a->schema, b->schema);
	harness_assert_str("pd", a->policy_domain, b->policy_domain);
	harness_assert_str("adkim", a->adkim, b->adkim);
	harness_assert_str("aspf", a->aspf, b->aspf);
	harness_assert_str("p", a->p, b->p);
	harness_assert_str("sp", a->sp, b->sp);
	harness_assert_str("np", a->np, b->np);
	harness_assert_str("testing", a->testing, b->testing);
	harness_assert_str("fo", a->fo, b->fo);
	harness_assert_str("disc", a->discovery, b->discovery);
	harness_assert_str("ft", a->feedback_type, b->feedback_type);
	harness_assert_str("subj", a->subject, b->subject);
	harness_assert_str("mid", a->message_id, b->message_id);
	ck_assert_uint_eq(a->nrows, b->nrows);
	for (i = 0; i < a->nrows; i++) {
		const struct dmarc_received_row *x = &a->rows[i],
						*y = &b->rows[i];

		harness_assert_str("ip", x->source_ip, y->source_ip);
		ck_assert_uint_eq(x->count, y->count);
		harness_assert_str("disp", x->disposition, y->disposition);
		harness_assert_str("dkim", x->dkim, y->dkim);
		harness_assert_str("spf", x->spf, y->spf);
		harness_assert_str("hf", x->header_from, y->header_from);
		harness_assert_str("ef", x->envelope_from, y->envelope_from);
		harness_assert_str("et", x->envelope_to, y->envelope_to);
		ck_assert_uint_eq(x->nreasons, y->nreasons);
		for (j = 0; j < x->nreasons; j++) {
			harness_assert_str("why t", x->reasons[j].type,
					   y->reasons[j].type);
			harness_assert_str("why c", x->reasons[j].comment,
					   y->reasons[j].comment);
		}
		ck_assert_uint_eq(x->ndkim, y->ndkim);
		for (j = 0; j < x->ndkim; j++) {
			harness_assert_str("ad d", x->dkim_results[j].domain,
					   y->dkim_results[j].domain);
			harness_assert_str("ad s", x->dkim_results[j].selector,
					   y->dkim_results[j].selector);
			harness_assert_str("ad r", x->dkim_results[j].result,
					   y->dkim_results[j].result);
		}
		ck_assert_uint_eq(x->nspf, y->nspf);
		for (j = 0; j < x->nspf; j++) {
			harness_assert_str("as d", x->spf_results[j].domain,
					   y->spf_results[j].domain);
			harness_assert_str("as s", x->spf_results[j].scope,
					   y->spf_results[j].scope);
			harness_assert_str("as r", x->spf_results[j].result,
					   y->spf_results[j].result);
		}
	}
}

/* Printable ASCII lines, '\n' only at their ends (dmarc-received(5)). */
static void
assert_clean(const struct buf *b, size_t lines)
{
	size_t i, n = 0;

	ck_assert_msg(b->len > 0 && b->data[b->len - 1] == '\n', "no LF");
	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if (c == '\n')
			n++;
		else
			ck_assert_msg(c >= 0x20 && c < 0x7f, "byte 0x%02x", c);
	}
	ck_assert_uint_eq(n, lines);
}

START_TEST(test_round_trip)
{
	struct dmarc_received r, *back;
	struct dmarc_received_row rows[2];
	struct arena *a = arena_new(0);
	struct buf b = BUF_INIT, b2 = BUF_INIT;
	const char *err = NULL;

	sample(&r, rows);
	dmarc_received_format(&r, &b);
	assert_clean(&b, 3);
	ck_assert_msg(dmarc_received_parse(b.data, b.len, a, &back, &err) == 0,
		      "parse of '%s': %s", b.data, err);
	assert_same(&r, back);
	/* and the same text again */
	dmarc_received_format(back, &b2);
	harness_assert_str("text", b2.data, b.data);
	buf_free(&b);
	buf_free(&b2);

	/* a failure report (RFC 9991 / 6591 fields) */
	memset(&r, 0, sizeof(r));
	r.kind = DMARC_RECEIVED_FAILURE;
	r.received = 1;
	r.policy_domain = "example.com";
	r.feedback_type = "auth-failure";
	r.auth_failure = "dmarc";
	r.source_ip = "192.0.2.1";
	r.subject = "Hello = world, 100%";
	r.message_id = "<a@b>";
	dmarc_received_format(&r, &b);
	assert_clean(&b, 1);
	ck_assert_int_eq(dmarc_received_parse(b.data, b.len, a, &back, &err),
			 0);
	assert_same(&r, back);
	harness_assert_str("af", back->auth_failure, "dmarc");
	harness_assert_str("ip", back->source_ip, "192.0.2.1");
	buf_free(&b);
	arena_free(&a);
}
END_TEST

/* A text written by hand from dmarc-received(5). */
START_TEST(test_parse_by_hand)
{
	static const char text[] =
		"v=1 kind=aggregate org=Sample%20Reporter id=abc pd=example.com "
		"begin=302832000 end=302918399 rcvd=7 future=whatever\n"
		"row ip=192.0.2.123 n=123 disp=pass dkim=pass spf=fail "
		"why=local_policy,%E2%82%AC ad=example.com,abc123,pass "
		"as=example.com,,fail new=1\n";
	struct arena *a = arena_new(0);
	struct dmarc_received *r;
	const char *err = NULL;

	ck_assert_msg(dmarc_received_parse(text, strlen(text), a, &r, &err) ==
			      0,
		      "%s", err);
	harness_assert_str("org", r->org_name, "Sample Reporter");
	ck_assert_uint_eq(r->begin, 302832000);
	ck_assert_uint_eq(r->end, 302918399);
	ck_assert_uint_eq(r->received, 7);
	ck_assert_uint_eq(r->nrows, 1);
	ck_assert_uint_eq(r->rows[0].count, 123);
	harness_assert_str("why", r->rows[0].reasons[0].comment,
			   "\xe2\x82\xac");
	harness_assert_str("selector", r->rows[0].dkim_results[0].selector,
			   "abc123");
	ck_assert_ptr_null(r->rows[0].spf_results[0].scope);
	harness_assert_str("spf", r->rows[0].spf_results[0].result, "fail");
	arena_free(&a);
}
END_TEST

static const struct {
	const char *text;
	const char *error;
} bad_texts[] = {
	{ "", "empty report text" },
	{ "v=2 kind=aggregate\n", "not a version 1 received report" },
	{ "v=1\n", "kind= missing" },
	{ "v=1 kind=summary\n",
	  "invalid or repeated kind or number in the report" },
	{ "v=1 kind=aggregate org=a org=b\n",
	  "invalid or repeated field in the report" },
	{ "v=1 kind=aggregate org=a%zz\n",
	  "invalid or repeated field in the report" },
	{ "v=1 kind=aggregate org=a%00\n",
	  "invalid or repeated field in the report" },
	{ "v=1 kind=aggregate begin=-1\n",
	  "invalid or repeated kind or number in the report" },
	{ "v=1 kind=aggregate begin=18446744073709551616\n",
	  "invalid or repeated kind or number in the report" },
	/* dmarc-received(5): a key repeated in the first line is refused
	 * (the old parser let these through, the last one winning) */
	{ "v=1 kind=failure kind=aggregate\n",
	  "invalid or repeated kind or number in the report" },
	{ "v=1 kind=aggregate begin=1 begin=2\n",
	  "invalid or repeated kind or number in the report" },
	{ "v=1 kind=aggregate end=1 end=2\n",
	  "invalid or repeated kind or number in the report" },
	{ "v=1 kind=aggregate rcvd=1 rcvd=1\n",
	  "invalid or repeated kind or number in the report" },
	{ "v=1 kind=aggregate  org=a\n", "field without key=value" },
	{ "v=1 kind=aggregate\nrow n=x\n", "invalid field in a row" },
	{ "v=1 kind=aggregate\nrow ad=a,b\n", "invalid field in a row" },
	{ "v=1 kind=aggregate\nrow why=a,b,c\n", "invalid field in a row" },
	{ "v=1 kind=aggregate\nrow ip=a\tb\n", "invalid field in a row" },
	{ "v=1 kind=aggregate\n\n", "a line after the report's is not a row" },
	{ "v=1 kind=aggregate\nrows n=1\n",
	  "a line after the report's is not a row" },
	{ "v=1 kind=failure\nrow n=1\n", "a row in a failure report" },
};

START_TEST(test_bad_texts)
{
	struct arena *a = arena_new(0);
	struct dmarc_received *r;
	const char *err = NULL;
	const char *t = bad_texts[_i].text;

	ck_assert_int_eq(dmarc_received_parse(t, strlen(t), a, &r, &err), -1);
	harness_assert_str(t, err, bad_texts[_i].error);
	arena_free(&a);
}
END_TEST

START_TEST(test_long_line)
{
	struct arena *a = arena_new(0);
	struct dmarc_received *r;
	struct buf b = BUF_INIT;
	const char *err = NULL;

	buf_append_str(&b, "v=1 kind=aggregate org=");
	while (b.len <= DMARC_RECEIVED_MAX_LINE)
		buf_append_char(&b, 'x');
	ck_assert_int_eq(dmarc_received_parse(b.data, b.len, a, &r, &err), -1);
	harness_assert_str("long", err, "line too long");
	buf_free(&b);
	arena_free(&a);
}
END_TEST

/* ---- the XML reader ---- */

static void
read_fixture(const char *name, struct ma_file *f)
{
	char path[4096];
	const char *err;

	snprintf(path, sizeof(path), "%s/reports-in/%s", harness_testdata(),
		 name);
	ck_assert_msg(ma_file_read(path, 1 << 20, 0, f, &err) == 0, "%s: %s",
		      path, err);
}

/* Parse `xml` fed `piece` octets at a time, rows collected. */
static int
parse_pieces(const char *xml, size_t len, size_t piece, struct arena *a,
	     uint64_t max_rows, struct dmarc_received **r_r,
	     const char **error_r)
{
	struct dmarc_report_parse *p =
		dmarc_report_parse_new(a, NULL, max_rows, NULL, NULL);
	size_t off = 0, n;
	int ret = 0;

	while (ret == 0 && off < len) {
		n = len - off < piece ? len - off : piece;
		ret = dmarc_report_parse_feed(p, xml + off, n, error_r);
		off += n;
	}
	if (ret == 0)
		ret = dmarc_report_parse_finish(p, 99, r_r, error_r);
	dmarc_report_parse_free(&p);
	return ret;
}

/* RFC 9990's sample, as the RFC prints it, fed whole and byte by byte. */
START_TEST(test_rfc9990_sample)
{
	struct ma_file f;
	struct arena *a = arena_new(0);
	struct dmarc_received *r;
	const char *err = NULL;
	const struct dmarc_received_row *row;

	read_fixture("rfc9990-sample.xml", &f);
	ck_assert_msg(parse_pieces(f.data, f.len, _i == 0 ? f.len : 1, a, 0,
				   &r, &err) == 0,
		      "%s", err);
	harness_assert_str("schema", r->schema, "rfc9990");
	harness_assert_str("org", r->org_name, "Sample Reporter");
	harness_assert_str("email", r->email,
			   "report_sender@example-reporter.com");
	harness_assert_str("xc", r->extra_contact, "...");
	harness_assert_str("id", r->report_id, "3v98abbp8ya9n3va8yr8oa3ya");
	ck_assert_uint_eq(r->begin, 302832000);
	ck_assert_uint_eq(r->end, 302918399);
	harness_assert_str("pd", r->policy_domain, "example.com");
	harness_assert_str("p", r->p, "quarantine");
	harness_assert_str("sp", r->sp, "none");
	harness_assert_str("np", r->np, "none");
	harness_assert_str("testing", r->testing, "n");
	harness_assert_str("disc", r->discovery, "treewalk");
	ck_assert_ptr_null(r->adkim); /* not in the sample */
	ck_assert_uint_eq(r->received, 99);
	ck_assert_uint_eq(r->nrows, 1);
	row = &r->rows[0];
	harness_assert_str("ip", row->source_ip, "192.0.2.123");
	ck_assert_uint_eq(row->count, 123);
	harness_assert_str("disp", row->disposition, "pass");
	harness_assert_str("dkim", row->dkim, "pass");
	harness_assert_str("spf", row->spf, "fail");
	harness_assert_str("ef", row->envelope_from, "example.com");
	harness_assert_str("hf", row->header_from, "example.com");
	ck_assert_uint_eq(row->ndkim, 1);
	harness_assert_str("ad s", row->dkim_results[0].selector, "abc123");
	ck_assert_uint_eq(row->nspf, 1);
	harness_assert_str("as r", row->spf_results[0].result, "fail");
	ma_file_free(&f);
	arena_free(&a);
}
END_TEST

#define META "<report_metadata><org_name>o</org_name><report_id>i" \
	     "</report_id><date_range><begin>1</begin><end>2</end>" \
	     "</date_range></report_metadata><policy_published><domain>d" \
	     "</domain></policy_published>"
#define ROW "<record><row><source_ip>192.0.2.1</source_ip><count>1" \
	    "</count></row></record>"

static const struct {
	const char *xml;
	const char *schema; /* or NULL when refused */
	const char *error;
} shapes[] = {
	/* RFC 7489 appendix C: no namespace */
	{ "<feedback>" META ROW "</feedback>", "rfc7489", NULL },
	{ "<feedback xmlns=\"http://dmarc.org/dmarc-xml/0.1\">" META ROW
	  "</feedback>", "rfc7489", NULL },
	{ "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">" META ROW
	  "</feedback>", "rfc9990", NULL },
	/* a prefixed root: the prefix's namespace counts */
	{ "<d:feedback xmlns:d=\"urn:ietf:params:xml:ns:dmarc-2.0\">" META ROW
	  "</d:feedback>", "rfc9990", NULL },
	/* other prefixes declared on the root do not */
	{ "<feedback xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
	  META ROW "</feedback>", "rfc7489", NULL },
	{ "<feedback xmlns=\"urn:example:other\">" META "</feedback>", NULL,
	  "<feedback> in an unknown namespace" },
	{ "<report>" META "</report>", NULL, "root element is not <feedback>" },
	{ "<feedback><report_metadata><org_name>o</org_name>"
	  "</report_metadata></feedback>", NULL,
	  "report_metadata without report_id or org_name" },
	{ "<feedback><report_metadata><org_name>o</org_name><report_id>i"
	  "</report_id></report_metadata><policy_published><domain>d</domain>"
	  "</policy_published></feedback>", NULL,
	  "report_metadata without a date_range" },
	{ "<feedback><report_metadata><org_name>o</org_name><report_id>i"
	  "</report_id></report_metadata></feedback>", NULL,
	  "policy_published without a domain" },
	{ "<feedback>" META "<record><row><count>12a</count></row></record>"
	  "</feedback>", NULL, "row count is not a number" },
	{ "<feedback>" META "<record><row><count>-1</count></row></record>"
	  "</feedback>", NULL, "row count is not a number" },
	/* xs:integer's lexical form (XML Schema 1.1 part 2, 3.4.13): a
	 * '+' and leading zeros, beyond the 20 digits of a 64-bit value */
	{ "<feedback>" META "<record><row><count>+000000000000000000000001"
	  "</count></row></record></feedback>", "rfc7489", NULL },
	{ "<feedback>" META "<record><row></row></record></feedback>", NULL,
	  "record without a count" },
	{ "<feedback><report_metadata><date_range><begin>x</begin>"
	  "</date_range></report_metadata></feedback>", NULL,
	  "date_range is not a number" },
	{ "<feedback>" META ROW ROW ROW "</feedback>", NULL,
	  "more rows than the limit" },
	{ "<!DOCTYPE feedback><feedback/>", NULL,
	  "DOCTYPE refused (no DTD, no entity declarations, no external "
	  "entities)" },
};

START_TEST(test_shapes)
{
	struct arena *a = arena_new(0);
	struct dmarc_received *r;
	const char *err = NULL, *xml = shapes[_i].xml;
	int ret;

	ret = parse_pieces(xml, strlen(xml), 5, a, 2, &r, &err);
	if (shapes[_i].schema != NULL) {
		ck_assert_msg(ret == 0, "%s: %s", xml, err);
		harness_assert_str("schema", r->schema, shapes[_i].schema);
		ck_assert_uint_eq(r->nrows, 1);
		ck_assert_uint_eq(r->rows[0].count, 1);
	} else {
		ck_assert_int_eq(ret, -1);
		harness_assert_str(xml, err, shapes[_i].error);
	}
	arena_free(&a);
}
END_TEST

/* Tolerance: white space trimmed, tokens lower-cased, the rest kept as
 * written, empty elements absent, unknown elements skipped. */
START_TEST(test_tolerance)
{
	static const char xml[] =
		"<feedback>\n <version> 1.0 </version>\n" META
		"<policy_published><p> Reject </p><adkim>S</adkim>"
		"<pct>50</pct><x><p>none</p></x></policy_published>"
		"<record><row><source_ip>\n 192.0.2.9 \n</source_ip>"
		"<count> 7 </count><policy_evaluated><disposition>None"
		"</disposition><reason><type>Mailing_List</type><comment>"
		"A &amp; B</comment></reason></policy_evaluated></row>"
		"<identifiers><header_from>Example.COM</header_from>"
		"<envelope_from/></identifiers><auth_results><dkim><domain>"
		"x.example</domain><result>PASS</result><human_result>ok"
		"</human_result></dkim></auth_results><vendor><count>9"
		"</count></vendor></record></feedback>";
	struct arena *a = arena_new(0);
	struct dmarc_received *r;
	const struct dmarc_received_row *row;
	const char *err = NULL;

	ck_assert_msg(dmarc_report_parse(xml, strlen(xml), a, 0, 5, &r,
					 &err) == 0,
		      "%s", err);
	/* the second policy_published fills in what the first had not */
	harness_assert_str("p", r->p, "reject");
	harness_assert_str("adkim", r->adkim, "s");
	row = &r->rows[0];
	harness_assert_str("ip", row->source_ip, "192.0.2.9");
	ck_assert_uint_eq(row->count, 7);
	harness_assert_str("disp", row->disposition, "none");
	harness_assert_str("why t", row->reasons[0].type, "mailing_list");
	harness_assert_str("why c", row->reasons[0].comment, "A & B");
	harness_assert_str("hf", row->header_from, "Example.COM");
	ck_assert_ptr_null(row->envelope_from);
	ck_assert_ptr_null(row->dkim_results[0].selector);
	harness_assert_str("ad r", row->dkim_results[0].result, "pass");
	arena_free(&a);
}
END_TEST

struct counted {
	uint64_t rows, sum;
	const char *org;
	int stop_at;
};

static int
count_row(void *ctx, const struct dmarc_received *head,
	  const struct dmarc_received_row *row)
{
	struct counted *c = ctx;

	c->org = head->org_name;
	c->rows++;
	c->sum += row->count;
	return c->stop_at != 0 && c->rows == (uint64_t)c->stop_at ? -1 : 0;
}

/* Rows handed to a callback: all of them, none kept in the report. */
START_TEST(test_row_callback)
{
	struct ma_file f;
	struct arena *a = arena_new(0);
	struct counted c = { 0, 0, NULL, 0 };
	struct dmarc_report_parse *p;
	struct dmarc_received *r;
	const char *err = NULL;

	read_fixture("google.xml", &f);
	p = dmarc_report_parse_new(a, NULL, 0, count_row, &c);
	ck_assert_int_eq(dmarc_report_parse_feed(p, f.data, f.len, &err), 0);
	ck_assert_int_eq(dmarc_report_parse_finish(p, 1, &r, &err), 0);
	/* google.xml: rows of 17, 3 and 1 messages */
	ck_assert_uint_eq(c.rows, 3);
	ck_assert_uint_eq(c.sum, 21);
	harness_assert_str("head", c.org, "google.com");
	ck_assert_ptr_null(r->rows);
	ck_assert_uint_eq(r->nrows, 3);
	dmarc_report_parse_free(&p);

	c.rows = 0;
	c.stop_at = 2;
	p = dmarc_report_parse_new(a, NULL, 0, count_row, &c);
	ck_assert_int_eq(dmarc_report_parse_feed(p, f.data, f.len, &err), -1);
	harness_assert_str("stopped", err, "stopped");
	dmarc_report_parse_free(&p);
	ck_assert_ptr_null(p);
	ma_file_free(&f);
	arena_free(&a);
}
END_TEST

/* What the reader accepts, the text can hold: a record or a report head
 * too large for one line of dmarc-received(5) (DMARC_RECEIVED_MAX_LINE,
 * which dmarc_received_parse refuses past) is refused by the reader,
 * and one just under it round-trips.  The old reader accepted all of
 * these: the record of 4,000 DKIM results and the 40,000-octet org_name
 * then wrote lines the text parser refused ("line too long": a report
 * stored at delivery that import could never read), and 100,000
 * repeated org_names grew the report's memory with each repeat. */
static const struct {
	unsigned int dkims, org_octets, org_repeats;
	const char *want; /* error, or NULL: accepted and round-trips */
} big_cases[] = {
	{ 200, 0, 1, NULL },
	{ 4000, 0, 1, "record too large" },
	{ 0, 10000, 1, NULL },
	{ 0, 40000, 1, "report_metadata and policy_published too large" },
	{ 0, 0, 100000, "report_metadata and policy_published too large" },
};

START_TEST(test_too_large)
{
	struct arena *a = arena_new(0);
	struct dmarc_received *r, *back;
	struct buf xml = BUF_INIT, text = BUF_INIT;
	const char *err = NULL;
	unsigned int i;
	int ret;

	buf_append_str(&xml, "<feedback>" META "<report_metadata><org_name>");
	for (i = 0; i < big_cases[_i].org_octets / 2; i++)
		buf_append_str(&xml, "a ");
	buf_append_str(&xml, "o</org_name></report_metadata>");
	for (i = 1; i < big_cases[_i].org_repeats; i++)
		buf_append_str(&xml, "<report_metadata><org_name>o</org_name>"
				     "</report_metadata>");
	buf_append_str(&xml, "<record><row><count>1</count></row>"
			     "<auth_results>");
	for (i = 0; i < big_cases[_i].dkims; i++)
		buf_append_str(&xml, "<dkim><domain>d.example</domain>"
				     "<result>pass</result></dkim>");
	buf_append_str(&xml, "</auth_results></record></feedback>");
	ret = parse_pieces(xml.data, xml.len, 4096, a, 0, &r, &err);
	if (big_cases[_i].want != NULL) {
		ck_assert_msg(ret == -1, "case %d accepted, want '%s'", _i,
			      big_cases[_i].want);
		harness_assert_str("reason", err, big_cases[_i].want);
	} else {
		ck_assert_msg(ret == 0, "case %d: %s", _i, err);
		ck_assert_uint_eq(r->rows[0].ndkim, big_cases[_i].dkims);
		dmarc_received_format(r, &text);
		ck_assert_msg(dmarc_received_parse(text.data, text.len, a,
						   &back, &err) == 0,
			      "case %d: read back: %s", _i, err);
		assert_same(r, back);
	}
	buf_free(&xml);
	buf_free(&text);
	arena_free(&a);
}
END_TEST

/* What the reader makes of a report, written and read back as text, is
 * the same report (the writer round-trips the reader's output). */
START_TEST(test_xml_to_text)
{
	static const char *const files[] = {
		"google.xml", "microsoft.xml", "yahoo.xml", "fastmail.xml",
		"rfc9990-sample.xml",
	};
	struct ma_file f;
	struct arena *a = arena_new(0);
	struct dmarc_received *r, *back;
	struct buf b = BUF_INIT;
	const char *err = NULL;

	read_fixture(files[_i], &f);
	ck_assert_msg(dmarc_report_parse(f.data, f.len, a, 0, 3, &r, &err) ==
			      0,
		      "%s: %s", files[_i], err);
	dmarc_received_format(r, &b);
	assert_clean(&b, 1 + r->nrows);
	ck_assert_int_eq(dmarc_received_parse(b.data, b.len, a, &back, &err),
			 0);
	assert_same(r, back);
	buf_free(&b);
	ma_file_free(&f);
	arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dmarc_received");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_parse_by_hand);
	tcase_add_loop_test(tc, test_bad_texts, 0,
			    sizeof(bad_texts) / sizeof(bad_texts[0]));
	tcase_add_test(tc, test_long_line);
	tcase_add_loop_test(tc, test_rfc9990_sample, 0, 2);
	tcase_add_loop_test(tc, test_shapes, 0,
			    sizeof(shapes) / sizeof(shapes[0]));
	tcase_add_test(tc, test_tolerance);
	tcase_add_test(tc, test_row_callback);
	tcase_add_loop_test(tc, test_too_large, 0,
			    sizeof(big_cases) / sizeof(big_cases[0]));
	tcase_add_loop_test(tc, test_xml_to_text, 0, 5);
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
