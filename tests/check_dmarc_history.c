/*
 * check_dmarc_history.c - the DMARC history record (dmarc-history(5)),
 * the history directory, the client address of our Received field,
 * XML escaping and the RFC 9990 reason rule.
 *
 * Expected values come from the texts: the record format as
 * dmarc-history(5) defines it (percent-encoding as RFC 3986 2.1), XML
 * 1.0 2.2 (Char) and 2.4 (the five predefined entities), RFC 3629 4
 * (valid UTF-8), RFC 5321 4.4 / 4.1.3 (Received, address literals),
 * RFC 9990's XSD comment on PolicyEvaluatedType ("If alignment fails and
 * the policy applied does not match the domain's configured policy, the
 * reason element MUST be specified") and its section 3.2.1 ridfmt.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/xml.h"
#include "msg/received-parse.h"
#include "dmarc/dmarc-failure.h"
#include "dmarc/dmarc-history.h"
#include "dmarc/dmarc-history-file.h"
#include "dmarc/dmarc-report.h"
#include "msgauth/msgauth-history.h"
#include "harness.h"

static void
sample(struct dmarc_history *h)
{
	memset(h, 0, sizeof(*h));
	h->id = "1765065600.42.7@mx.example.org";
	h->time = 1765065600;
	h->source_ip = "192.0.2.1";
	h->envelope_from = "example.com";
	h->envelope_to = "example.org";
	h->header_from = "example.com";
	h->policy_domain = "example.com";
	h->record = "v=DMARC1; p=reject; rua=mailto:d@example.com";
	h->discovery = "treewalk";
	h->dkim[0].domain = "example.com";
	h->dkim[0].selector = "sel";
	h->dkim[0].result = "fail";
	h->dkim[1].domain = "other.example";
	h->dkim[1].selector = "s,2";
	h->dkim[1].result = "pass";
	h->ndkim = 2;
	h->spf_result = "softfail";
	h->spf_domain = "example.com";
	h->dkim_aligned = false;
	h->spf_aligned = false;
	h->result = DMARC_RESULT_FAIL;
	h->policy = DMARC_POLICY_REJECT;
	h->disposition = DMARC_POLICY_QUARANTINE;
	h->reason = "local_policy";
	h->comment = "filed into Junk";
}

static void
assert_str(const char *what, const char *got, const char *want)
{
	ck_assert_msg((got == NULL && want == NULL) ||
			      (got != NULL && want != NULL &&
			       strcmp(got, want) == 0),
		      "%s: got '%s', want '%s'", what, got ? got : "(null)",
		      want ? want : "(null)");
}

static void
assert_same(const struct dmarc_history *a, const struct dmarc_history *b)
{
	size_t i;

	assert_str("id", a->id, b->id);
	ck_assert_uint_eq(a->time, b->time);
	assert_str("ip", a->source_ip, b->source_ip);
	assert_str("mf", a->envelope_from, b->envelope_from);
	assert_str("rt", a->envelope_to, b->envelope_to);
	assert_str("hf", a->header_from, b->header_from);
	assert_str("pd", a->policy_domain, b->policy_domain);
	assert_str("rec", a->record, b->record);
	assert_str("disc", a->discovery, b->discovery);
	ck_assert_uint_eq(a->ndkim, b->ndkim);
	for (i = 0; i < a->ndkim; i++) {
		assert_str("dkim d", a->dkim[i].domain, b->dkim[i].domain);
		assert_str("dkim s", a->dkim[i].selector, b->dkim[i].selector);
		assert_str("dkim r", a->dkim[i].result, b->dkim[i].result);
	}
	assert_str("spf", a->spf_result, b->spf_result);
	assert_str("spfd", a->spf_domain, b->spf_domain);
	ck_assert(a->dkim_aligned == b->dkim_aligned);
	ck_assert(a->spf_aligned == b->spf_aligned);
	ck_assert_int_eq(a->result, b->result);
	ck_assert_int_eq(a->policy, b->policy);
	ck_assert_int_eq(a->disposition, b->disposition);
	assert_str("why", a->reason, b->reason);
	assert_str("cmt", a->comment, b->comment);
	ck_assert_uint_eq(a->failure_due, b->failure_due);
	assert_str("ruf", a->ruf, b->ruf);
	assert_str("fo", a->fo, b->fo);
	assert_str("omf", a->mail_from, b->mail_from);
	assert_str("fdi", a->dkim_identity, b->dkim_identity);
	assert_str("hdr", a->header, b->header);
	ck_assert(a->header_cut == b->header_cut);
}

/* One line, nothing but printable ASCII, fields split by single spaces,
 * '\n' only at the end (dmarc-history(5)). */
static void
assert_one_clean_line(const struct buf *b)
{
	size_t i;

	ck_assert_msg(b->len > 0 && b->data[b->len - 1] == '\n',
		      "record does not end in LF");
	for (i = 0; i + 1 < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		ck_assert_msg(c >= 0x20 && c < 0x7f,
			      "byte 0x%02x at %zu in the line", c, i);
	}
}

static void
round_trip(const struct dmarc_history *h)
{
	struct arena *arena = arena_new(0);
	struct dmarc_history *back;
	struct buf b = BUF_INIT;
	const char *err = NULL;

	dmarc_history_format(h, &b);
	assert_one_clean_line(&b);
	ck_assert_msg(dmarc_history_parse(b.data, b.len, arena, &back,
					  &err) == 0,
		      "parse of '%s' failed: %s", b.data, err);
	assert_same(h, back);
	buf_free(&b);
	arena_free(&arena);
}

START_TEST(test_round_trip)
{
	struct dmarc_history h;

	sample(&h);
	round_trip(&h);
	/* optional fields left out come back as NULL / UNSET */
	h.source_ip = h.envelope_from = h.envelope_to = NULL;
	h.record = h.spf_result = h.spf_domain = h.reason = h.comment = NULL;
	h.ndkim = 0;
	h.policy = DMARC_POLICY_UNSET;
	round_trip(&h);
}
END_TEST

/* The failure report keys (dmarc-history(5), RFC 9991): a header with
 * CRLF, '<', '=', ',', '%' and UTF-8 comes back byte for byte from one
 * clean line; every fdue combination; a line with them is still v=1 and
 * parses with further unknown keys (readers ignore unknown keys). */
START_TEST(test_failure_fields)
{
	struct dmarc_history h;
	struct arena *arena = arena_new(0);
	struct dmarc_history *back;
	const char *err = NULL, *line =
		"v=1 id=x t=1 hf=a pd=a res=fail disp=none fdue=spf+dmarc "
		"ruf=mailto:r@a hdr=From:%20a@a%0D%0A newer=1\n";
	unsigned int due;

	sample(&h);
	h.ruf = "mailto:ruf@example.com,mailto:x@example.net!10m";
	h.fo = "1:d";
	h.mail_from = "bounce+x=y@example.com";
	h.dkim_identity = "j\xc3\xb6rg@example.com";
	h.header = "From: J\xc3\xb6rg <j@example.com>\r\n"
		   "Subject: 100% =?utf-8?q?x?=, y\r\n\tfolded\r\n";
	for (due = 1; due <= 7; due++) {
		h.failure_due = due;
		h.header_cut = due == 3;
		round_trip(&h);
	}
	ck_assert_msg(dmarc_history_parse(line, strlen(line), arena, &back,
					  &err) == 0, "%s", err);
	ck_assert_uint_eq(back->failure_due,
			  DMARC_FAILURE_SPF | DMARC_FAILURE_DMARC);
	assert_str("hdr", back->header, "From: a@a\r\n");
	arena_free(&arena);
}
END_TEST

/* Hostile values in every text field: '<', '&', CR, LF, space, '%',
 * '=', ',', TAB, DEL and non-ASCII (UTF-8 and a lone 0xff byte) -
 * still one clean line, and the same bytes after parsing. */
START_TEST(test_hostile_values)
{
	static const char *const hostile[] = {
		"a<b&c.example", "evil\r\nBcc: x@example.net", "sp ace=1,2%",
		"ex\xc3\xa4mple.com", "tab\there\x7f", "bad\xff\xfe",
	};
	struct dmarc_history h;
	size_t i;

	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		sample(&h);
		h.header_from = h.policy_domain = h.envelope_to = hostile[i];
		h.comment = h.record = h.id = hostile[i];
		h.dkim[0].selector = h.dkim[1].domain = hostile[i];
		round_trip(&h);
	}
}
END_TEST

static const struct bad_line {
	const char *line;
	const char *why;
} bad_lines[] = {
	{"v=1 id=x t=1 hf=a pd=a res=fail disp=none fdue=", "empty fdue"},
	{"v=1 id=x t=1 hf=a pd=a res=fail disp=none fdue=dkim+dkim",
	 "fdue word twice"},
	{"v=1 id=x t=1 hf=a pd=a res=fail disp=none fdue=dmarc+", "fdue ends in +"},
	{"v=1 id=x t=1 hf=a pd=a res=fail disp=none fdue=arf", "unknown fdue"},
	{"v=1 id=x t=1 hf=a pd=a res=fail disp=none hdrcut=x", "hdrcut not y/n"},
	{ "", "empty" },
	{ "v=2 id=x t=1 hf=a pd=a res=fail disp=none", "version 2" },
	{ "id=x t=1 hf=a pd=a res=fail disp=none", "no version" },
	{ "v=1 t=1 hf=a pd=a res=fail disp=none", "no id" },
	{ "v=1 id=x hf=a pd=a res=fail disp=none", "no t" },
	{ "v=1 id=x t=1 pd=a res=fail disp=none", "no hf" },
	{ "v=1 id=x t=1 hf=a res=fail disp=none", "no pd" },
	{ "v=1 id=x t=1 hf=a pd=a disp=none", "no res" },
	{ "v=1 id=x t=1 hf=a pd=a res=fail", "no disp" },
	{ "v=1 id=x t=1x hf=a pd=a res=fail disp=none", "bad t" },
	{ "v=1 id=x t=1 hf=a%4 pd=a res=fail disp=none", "short escape" },
	{ "v=1 id=x t=1 hf=a%zz pd=a res=fail disp=none", "bad escape" },
	{ "v=1 id=x t=1 hf=a%00b pd=a res=fail disp=none", "escaped NUL" },
	{ "v=1 id=x t=1 hf=a\tb pd=a res=fail disp=none", "raw TAB" },
	{ "v=1 id=x t=1 hf=a\xc3\xa4 pd=a res=fail disp=none", "raw UTF-8" },
	{ "v=1 id=x t=1 hf=a pd=a res=maybe disp=none", "res token" },
	{ "v=1 id=x t=1 hf=a pd=a res=fail disp=pass", "disp token" },
	{ "v=1 id=x t=1 hf=a pd=a res=fail disp=none why=forwarded",
	  "RFC 7489 reason gone from RFC 9990" },
	{ "v=1 id=x t=1 hf=a pd=a res=fail disp=none dkim=a,s",
	  "dkim with two parts" },
	{ "v=1 id=x t=1 hf=a pd=a res=fail disp=none dkim=a,s,ok",
	  "dkim result token" },
	{ "v=1 id=x t=1 hf=a pd=a res=fail disp=none spf=bogus",
	  "spf result token" },
	{ "v=1 id=x t=1 hf=a hf=b pd=a res=fail disp=none", "repeated" },
	{ "v=1 id=x t=1 hf=a pd=a res=fail disp=none da=maybe", "da" },
	{ "v=1 id=x t=1 hf=a pd=a  res=fail disp=none", "double space" },
	{ "v=1 id=x t=1 hf= pd=a res=fail disp=none", "empty hf" },
};

START_TEST(test_bad_lines)
{
	const struct bad_line *b = &bad_lines[_i];
	struct arena *arena = arena_new(0);
	struct dmarc_history *h;
	const char *err = NULL;

	ck_assert_msg(dmarc_history_parse(b->line, strlen(b->line), arena, &h,
					  &err) < 0,
		      "'%s' (%s) parsed", b->line, b->why);
	ck_assert(err != NULL);
	arena_free(&arena);
}
END_TEST

START_TEST(test_unknown_key_and_limits)
{
	struct arena *arena = arena_new(0);
	struct dmarc_history *h;
	const char *err = NULL, *ok =
		"v=1 id=x t=1 hf=a pd=a res=fail disp=none future=1\n";
	char *longl;
	struct buf b = BUF_INIT;
	size_t i;

	ck_assert_msg(dmarc_history_parse(ok, strlen(ok), arena, &h, &err) ==
			      0, "unknown key refused: %s", err);
	ck_assert_int_eq(h->policy, DMARC_POLICY_UNSET);
	/* a line longer than DMARC_HISTORY_MAX_LINE */
	longl = malloc(DMARC_HISTORY_MAX_LINE + 64);
	snprintf(longl, 64, "v=1 id=x t=1 hf=a pd=a res=fail disp=none c=");
	memset(longl + strlen(longl), 'x', DMARC_HISTORY_MAX_LINE);
	longl[DMARC_HISTORY_MAX_LINE + 40] = '\0';
	ck_assert(dmarc_history_parse(longl, strlen(longl), arena, &h,
				      &err) < 0);
	free(longl);
	/* more dkim fields than DMARC_HISTORY_MAX_DKIM */
	buf_append_str(&b, "v=1 id=x t=1 hf=a pd=a res=fail disp=none");
	for (i = 0; i <= DMARC_HISTORY_MAX_DKIM; i++)
		buf_append_str(&b, " dkim=a,s,pass");
	ck_assert(dmarc_history_parse(b.data, b.len, arena, &h, &err) < 0);
	buf_free(&b);
	arena_free(&arena);
}
END_TEST

/* Two appends, one file named WRITER.YYYYMMDD.dmarc for the UTC day;
 * the name's day parses back (2025-12-07 00:00:00 UTC = 1765065600). */
START_TEST(test_history_file)
{
	char dir[] = "/tmp/check_dmarc_history.XXXXXX", path[256];
	struct arena *arena = arena_new(0);
	const char *err = NULL, *line = "v=1 id=a t=1 hf=a pd=a res=none "
					"disp=none\n";
	uint64_t day;
	char data[256];
	FILE *f;
	size_t n;

	ck_assert(mkdtemp(dir) != NULL);
	ck_assert_msg(dmarc_history_append(dir, "mx/1.2", 1765065600 + 3600,
					   line, strlen(line), arena,
					   &err) == 0, "append: %s", err);
	ck_assert(dmarc_history_append(dir, "mx/1.2", 1765065600 + 7200,
				       line, strlen(line), arena, &err) == 0);
	snprintf(path, sizeof(path), "%s/mx_1.2.20251207.dmarc", dir);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s missing", path);
	n = fread(data, 1, sizeof(data) - 1, f);
	fclose(f);
	ck_assert_uint_eq(n, 2 * strlen(line));
	ck_assert(dmarc_history_file_day("mx_1.2.20251207.dmarc", &day));
	ck_assert_uint_eq(day, 1765065600);
	ck_assert(!dmarc_history_file_day("mx.2025120.dmarc", &day));
	ck_assert(!dmarc_history_file_day("mx.20251207.dmarc.tmp", &day));
	ck_assert(!dmarc_history_file_day("mx.20251307.dmarc", &day));
	/* an unwritable directory is an error with the path, no crash */
	ck_assert(dmarc_history_append("/nonexistent/dir", "mx", 1, line,
				       strlen(line), arena, &err) < 0);
	ck_assert_msg(strstr(err, "/nonexistent/dir") != NULL, "%s", err);
	unlink(path);
	rmdir(dir);
	arena_free(&arena);
}
END_TEST

static const struct xml_case {
	const char *in;
	const char *want; /* NULL: refused */
} xml_cases[] = {
	/* XML 1.0 2.4: & and < must be escaped; >, ", ' may */
	{ "a<b&c>d\"e'f", "a&lt;b&amp;c&gt;d&quot;e&apos;f" },
	/* line ends as character references survive normalization */
	{ "x\r\ny\tz", "x&#13;&#10;y&#9;z" },
	{ "ex\xc3\xa4mple", "ex\xc3\xa4mple" }, /* U+00E4 */
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" }, /* U+1F600 */
	{ "a\x01", NULL },	       /* C0 control: not a Char */
	{ "\xc3\x28", NULL },	       /* invalid continuation */
	{ "\xc0\xaf", NULL },	       /* overlong '/' */
	{ "\xed\xa0\x80", NULL },      /* surrogate U+D800 */
	{ "\xef\xbf\xbe", NULL },      /* U+FFFE */
	{ "\xf4\x90\x80\x80", NULL },  /* above U+10FFFF */
	{ "\xe2\x82", NULL },	       /* truncated */
	{ "\xff", NULL },
};

START_TEST(test_xml_escape)
{
	const struct xml_case *c = &xml_cases[_i];
	struct buf b = BUF_INIT;
	const char *err = NULL;
	int ret = xml_escape(&b, c->in, strlen(c->in), &err);

	if (c->want == NULL) {
		ck_assert_msg(ret < 0, "case %d accepted", _i);
		ck_assert_uint_eq(b.len, 0);
	} else {
		ck_assert_msg(ret == 0, "case %d refused: %s", _i, err);
		ck_assert_msg(strcmp(buf_cstr(&b), c->want) == 0,
			      "case %d: got '%s', want '%s'", _i,
			      buf_cstr(&b), c->want);
	}
	buf_free(&b);
}
END_TEST

/* What may stand in a Subject and a file name (RFC 9990 3.2.1 ABNF:
 * domain-name, ridfmt). */
START_TEST(test_report_names)
{
	ck_assert(dmarc_report_domain_valid("example.com"));
	ck_assert(dmarc_report_domain_valid("xn--exmple-cua.com"));
	ck_assert(!dmarc_report_domain_valid("a<b.example"));
	ck_assert(!dmarc_report_domain_valid("a&b.example"));
	ck_assert(!dmarc_report_domain_valid("a.example\r\nBcc: x"));
	ck_assert(!dmarc_report_domain_valid("ex\xc3\xa4mple.com"));
	ck_assert(!dmarc_report_domain_valid("a..b"));
	ck_assert(!dmarc_report_domain_valid("a!b.example"));
	ck_assert(!dmarc_report_domain_valid("a/b.example"));
	ck_assert(!dmarc_report_domain_valid(""));
	ck_assert(dmarc_report_id_valid("1721054318-example.com@example.org"));
	ck_assert(dmarc_report_id_valid("2024-03-27_example.com"));
	ck_assert(!dmarc_report_id_valid("a b@example.org"));
	ck_assert(!dmarc_report_id_valid("<a@example.org>"));
	ck_assert(!dmarc_report_id_valid("a@b@c"));
	ck_assert(!dmarc_report_id_valid("a\r\n@b"));
}
END_TEST

static const struct received_case {
	const char *value;
	const char *want; /* NULL: none */
} received_cases[] = {
	/* Postfix smtpd */
	{ "from mail.example.com (mail.example.com [192.0.2.1])\r\n\tby "
	  "mx.example.org (Postfix) with ESMTPS id 4Q; Mon, 7 Dec 2026",
	  "192.0.2.1" },
	{ "from helo (unknown [IPv6:2001:DB8::1]) by mx.example.org "
	  "(Postfix) with ESMTP", "2001:db8::1" },
	{ "from helo (unknown [2001:db8:0::2]) by mx", "2001:db8::2" },
	/* RFC 5321 4.4: a literal HELO and the TCP-info literal: the
	 * TCP-info (the last before "by") is the address our MTA saw */
	{ "from [198.51.100.7] (host [203.0.113.9]) by mx with ESMTP",
	  "203.0.113.9" },
	/* after "by" is the receiving host's, not the client's */
	{ "from helo (unknown) by mx [192.0.2.55] with ESMTP", NULL },
	{ "from helo ([999.1.1.1]) by mx", NULL },
	{ "from helo ([192.0.2.1 by mx", NULL },
	{ "by mx.example.org with LMTP id x", NULL },
};

START_TEST(test_received_ip)
{
	const struct received_case *c = &received_cases[_i];
	struct arena *arena = arena_new(0);
	const char *ip = NULL, *err = NULL;
	int ret = received_client_ip(c->value, strlen(c->value), arena, &ip,
				     &err);

	if (c->want == NULL)
		ck_assert_msg(ret < 0, "case %d: got %s", _i, ip);
	else {
		ck_assert_msg(ret == 0, "case %d: %s", _i, err);
		assert_str("ip", ip, c->want);
	}
	arena_free(&arena);
}
END_TEST

/* RFC 9990 XSD, PolicyEvaluatedType: a reason when alignment fails and
 * the disposition applied differs from the policy that applies. */
START_TEST(test_reason)
{
	struct dmarc_verdict v;

	memset(&v, 0, sizeof(v));
	v.result = DMARC_RESULT_FAIL;
	v.policy = DMARC_POLICY_REJECT;
	v.disposition = DMARC_POLICY_REJECT;
	/* our Junk filing of a p=reject failure */
	assert_str("junk", msgauth_history_reason(&v, DMARC_POLICY_QUARANTINE),
		   "local_policy");
	assert_str("dry run", msgauth_history_reason(&v, DMARC_POLICY_NONE),
		   "local_policy");
	assert_str("lmtp 550", msgauth_history_reason(&v, DMARC_POLICY_REJECT),
		   NULL);
	/* RFC 9989 4.7 t=y: the disposition one level lower */
	v.testing = true;
	v.disposition = DMARC_POLICY_QUARANTINE;
	assert_str("test mode",
		   msgauth_history_reason(&v, DMARC_POLICY_QUARANTINE),
		   "policy_test_mode");
	/* alignment passed: no reason whatever was done */
	v.testing = false;
	v.result = DMARC_RESULT_PASS;
	assert_str("pass", msgauth_history_reason(&v, DMARC_POLICY_NONE),
		   NULL);
	v.result = DMARC_RESULT_FAIL;
	v.policy = DMARC_POLICY_NONE;
	assert_str("p=none", msgauth_history_reason(&v, DMARC_POLICY_NONE),
		   NULL);
}
END_TEST

/* A report refuses what its Subject and file name could not carry, and
 * escapes the rest. */
START_TEST(test_report_hostile)
{
	struct arena *arena = arena_new(0);
	struct dmarc_history h;
	struct dmarc_report_row row;
	struct dmarc_report r;
	struct buf b = BUF_INIT;
	const char *err = NULL;

	sample(&h);
	h.comment = "a<b & c";
	h.header_from = "x&y.example";
	row.count = 2;
	row.h = &h;
	memset(&r, 0, sizeof(r));
	r.org_name = "Org <&>";
	r.email = "dmarc@example.org";
	r.report_id = "1765065600.example.com@example.org";
	r.begin = 1765065600;
	r.end = 1765151999;
	r.policy_domain = "example.com";
	r.record = h.record;
	r.discovery = "treewalk";
	r.rows = &row;
	r.nrows = 1;
	ck_assert_msg(dmarc_report_xml(&r, arena, &b, &err) == 0, "%s", err);
	ck_assert(strstr(buf_cstr(&b), "<comment>a&lt;b &amp; c</comment>"));
	ck_assert(strstr(buf_cstr(&b), "<org_name>Org &lt;&amp;&gt;"));
	ck_assert(strstr(buf_cstr(&b),
			 "<header_from>x&amp;y.example</header_from>"));
	ck_assert(strstr(buf_cstr(&b), "<pct>") == NULL);
	buf_reset(&b);
	r.policy_domain = "a.example\r\nBcc: x@example.net";
	ck_assert(dmarc_report_xml(&r, arena, &b, &err) < 0);
	r.policy_domain = "example.com";
	r.report_id = "<id@example.org>";
	ck_assert(dmarc_report_xml(&r, arena, &b, &err) < 0);
	r.report_id = "id@example.org";
	h.header_from = "bad\x01.example";
	buf_reset(&b);
	ck_assert(dmarc_report_xml(&r, arena, &b, &err) < 0);
	buf_free(&b);
	arena_free(&arena);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dmarc_history");
	TCase *tc = tcase_create("record");
	int failed;

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_failure_fields);
	tcase_add_test(tc, test_hostile_values);
	tcase_add_loop_test(tc, test_bad_lines, 0,
			    sizeof(bad_lines) / sizeof(bad_lines[0]));
	tcase_add_test(tc, test_unknown_key_and_limits);
	tcase_add_test(tc, test_history_file);
	tcase_add_loop_test(tc, test_xml_escape, 0,
			    sizeof(xml_cases) / sizeof(xml_cases[0]));
	tcase_add_test(tc, test_report_names);
	tcase_add_loop_test(tc, test_received_ip, 0,
			    sizeof(received_cases) /
				    sizeof(received_cases[0]));
	tcase_add_test(tc, test_reason);
	tcase_add_test(tc, test_report_hostile);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
