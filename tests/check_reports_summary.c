/*
 * check_reports_summary.c - `dmarc-reports summary`'s aggregation, text
 * and page (reports-summary.h) from reports built here, and the lossy
 * XML escaping the page uses (xml.h).
 *
 * Expected values: a row passes DMARC when its policy_evaluated dkim or
 * spf is "pass" (RFC 9990 3.1.1.3, RFC 9989 4.4: DMARC passes when an
 * aligned identifier passes, which is what policy_evaluated reports);
 * the counts are the rows' <count> summed by hand below.  Escaping:
 * XML 1.0 2.2 (Char) and 2.4 (the predefined entities), RFC 3629 4
 * (valid UTF-8), Unicode 15 3.9 (U+FFFD for what cannot be shown).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/xml.h"
#include "dmarc/dmarc-received.h"
#include "harness.h"
#include "reports-json.h"
#include "reports-summary.h"

#define DAY 86400
/* 2026-12-07 12:00 UTC: the summary's "now" */
#define NOW 1796644800ULL
#define TODAY (NOW - NOW % DAY)

static const char *const report_domains[] = {"example.com", NULL};

static const struct dmarc_received_dkim dkim_pass = {"example.com", "s1",
						     "pass"};
static const struct dmarc_received_dkim dkim_other = {"esp.example", "k",
						      "pass"};
static const struct dmarc_received_spf spf_pass = {"example.com", "mfrom",
						   "pass"};
static const struct dmarc_received_spf spf_fail = {"example.com", "mfrom",
						   "fail"};
static const struct dmarc_received_reason forwarded = {"forwarded", NULL};

/* yesterday, example.com: 192.0.2.1 passes 100 (DKIM and SPF),
 * 198.51.100.7 fails 30 (DKIM of another domain, SPF fail),
 * 203.0.113.9 fails 5 (nothing), forwarded */
static const struct dmarc_received_row rows1[] = {
	{"192.0.2.1", 100, "none", "pass", "pass", NULL, 0, "example.com",
	 NULL, NULL, &dkim_pass, 1, &spf_pass, 1},
	{"198.51.100.7", 30, "none", "fail", "fail", NULL, 0, "example.com",
	 NULL, NULL, &dkim_other, 1, &spf_fail, 1},
	{"203.0.113.9", 5, "none", "fail", "fail", &forwarded, 1,
	 "example.com", NULL, NULL, NULL, 0, NULL, 0},
};
/* today, mail.example.com: 192.0.2.1 passes 7 by SPF only,
 * 198.51.100.7 fails 40 more */
static const struct dmarc_received_row rows2[] = {
	{"192.0.2.1", 7, "none", "fail", "pass", NULL, 0, "mail.example.com",
	 NULL, NULL, NULL, 0, &spf_pass, 1},
	{"198.51.100.7", 40, "quarantine", "fail", "fail", NULL, 0,
	 "mail.example.com", NULL, NULL, NULL, 0, &spf_fail, 1},
};
static const struct dmarc_received_row rows_other[] = {
	{"192.0.2.99", 11, "none", "pass", "pass", NULL, 0, "other.example",
	 NULL, NULL, NULL, 0, NULL, 0},
};

static struct dmarc_received
aggregate(const char *org, const char *pd, uint64_t begin,
	  const struct dmarc_received_row *rows, size_t n)
{
	struct dmarc_received r;

	memset(&r, 0, sizeof(r));
	r.kind = DMARC_RECEIVED_AGGREGATE;
	r.org_name = org;
	r.report_id = "id";
	r.policy_domain = pd;
	r.p = "none";
	r.begin = begin;
	r.end = begin + DAY - 1;
	r.received = begin + DAY + 3600;
	r.rows = rows;
	r.nrows = n;
	return r;
}

static struct reports_summary *
sample(struct arena *arena, const char *const *domains)
{
	struct reports_summary *s;
	struct dmarc_received r;

	s = reports_summary_new(arena, NOW, 7, domains, NULL);
	r = aggregate("google.com", "example.com", TODAY - DAY, rows1, 3);
	reports_summary_add(s, &r);
	r = aggregate("Microsoft", "mail.example.com", TODAY, rows2, 2);
	reports_summary_add(s, &r);
	r = aggregate("google.com", "other.example", TODAY, rows_other, 1);
	reports_summary_add(s, &r);
	/* before the period: 7 days end with today */
	r = aggregate("google.com", "example.com", TODAY - 8 * DAY, rows1, 3);
	reports_summary_add(s, &r);
	reports_summary_finish(s);
	reports_summary_group(s);
	return s;
}

START_TEST(test_totals)
{
	struct arena *arena = arena_new(0);
	struct reports_summary *s = sample(arena, report_domains);
	const struct summary_domain *d;

	ck_assert_uint_eq(s->since, TODAY - 6 * DAY);
	/* example.com and mail.example.com (under a ReportDomain) */
	ck_assert_uint_eq(s->ndomains, 2);
	ck_assert_uint_eq(s->other_reports, 1);
	ck_assert_str_eq(s->other_domains.t[0].what, "other.example");
	d = s->domains[0];
	ck_assert_str_eq(d->domain, "example.com");
	ck_assert_uint_eq(d->reports, 1);
	ck_assert_uint_eq(d->total, 135);
	ck_assert_uint_eq(d->pass, 100);
	ck_assert_uint_eq(d->day_pass[5], 100);
	ck_assert_uint_eq(d->day_fail[5], 35);
	ck_assert_uint_eq(d->day_fail[6], 0);
	ck_assert_uint_eq(d->nsources, 3);
	ck_assert_str_eq(d->sources[0]->ip, "192.0.2.1");
	/* ranked by failing volume */
	ck_assert_uint_eq(d->nlosing, 2);
	ck_assert_str_eq(d->losing[0]->ip, "198.51.100.7");
	ck_assert_uint_eq(d->losing[0]->fail, 30);
	ck_assert_str_eq(d->losing[0]->reasons.t[0].what,
			 "DKIM pass but not aligned, SPF fail");
	ck_assert_str_eq(d->losing[1]->reasons.t[0].what,
			 "no DKIM signature, no SPF result, forwarded");
	ck_assert_str_eq(d->losing[0]->dkim_domains.t[0].what,
			 "esp.example pass");
	d = s->domains[1];
	ck_assert_str_eq(d->domain, "mail.example.com");
	ck_assert_uint_eq(d->total, 47);
	ck_assert_uint_eq(d->pass, 7);
	ck_assert_uint_eq(d->day_fail[6], 40);
	ck_assert_uint_eq(d->sources[0]->disposed, 40);
	ck_assert_uint_eq(d->sources[1]->pass_spf, 7);
	ck_assert_uint_eq(d->sources[1]->pass_dkim, 0);
	arena_free(&arena);
}
END_TEST

/* --all: every domain; --domain: one. */
START_TEST(test_all_and_only)
{
	struct arena *arena = arena_new(0);
	struct reports_summary *s = sample(arena, NULL);
	struct dmarc_received r;

	ck_assert_uint_eq(s->ndomains, 3);
	ck_assert_uint_eq(s->other_reports, 0);
	ck_assert_str_eq(s->domains[2]->domain, "other.example");
	s = reports_summary_new(arena, NOW, 7, report_domains, "EXAMPLE.com");
	r = aggregate("x", "mail.example.com", TODAY, rows2, 2);
	reports_summary_add(s, &r);
	r = aggregate("x", "Example.COM", TODAY, rows1, 3);
	reports_summary_add(s, &r);
	reports_summary_finish(s);
	ck_assert_uint_eq(s->ndomains, 1);
	ck_assert_str_eq(s->domains[0]->domain, "example.com");
	ck_assert_uint_eq(s->domains[0]->total, 135);
	arena_free(&arena);
}
END_TEST

/* Names group sources: "mx1.esp.example" and "mx2.esp.example" under
 * "esp.example". */
START_TEST(test_groups)
{
	static const struct dmarc_received_row rows[] = {
		{"192.0.2.1", 10, "none", "pass", "pass", NULL, 0, NULL, NULL,
		 NULL, NULL, 0, NULL, 0},
		{"192.0.2.2", 20, "none", "pass", "pass", NULL, 0, NULL, NULL,
		 NULL, NULL, 0, NULL, 0},
		{"192.0.2.3", 25, "none", "fail", "fail", NULL, 0, NULL, NULL,
		 NULL, NULL, 0, NULL, 0},
	};
	struct arena *arena = arena_new(0);
	struct reports_summary *s;
	struct dmarc_received r = aggregate("x", "example.com", TODAY, rows,
					    3);
	const struct summary_domain *d;

	s = reports_summary_new(arena, NOW, 1, NULL, NULL);
	reports_summary_add(s, &r);
	reports_summary_finish(s);
	d = s->domains[0];
	d->sources[1]->name = "mx1.esp.example";	/* 192.0.2.2 */
	d->sources[2]->name = "mx2.esp.example";	/* 192.0.2.1 */
	reports_summary_group(s);
	ck_assert_uint_eq(d->ngroups, 2);
	ck_assert_str_eq(d->groups[0].name, "esp.example");
	ck_assert_uint_eq(d->groups[0].total, 30);
	ck_assert_uint_eq(d->groups[0].nsources, 2);
	ck_assert_str_eq(d->groups[1].name, "192.0.2.3");
	ck_assert_uint_eq(d->groups[1].fail, 25);
	arena_free(&arena);
}
END_TEST

/* Failure reports: listed newest first, counted past the cap. */
START_TEST(test_failures)
{
	struct arena *arena = arena_new(0);
	struct reports_summary *s;
	struct dmarc_received r;
	unsigned int i;

	s = reports_summary_new(arena, NOW, 7, NULL, NULL);
	memset(&r, 0, sizeof(r));
	r.kind = DMARC_RECEIVED_FAILURE;
	r.policy_domain = "example.com";
	r.source_ip = "198.51.100.7";
	r.auth_failure = "dmarc";
	for (i = 0; i < SUMMARY_MAX_FAILURES + 10; i++) {
		r.received = TODAY - 5 * DAY + i * 60;
		reports_summary_add(s, &r);
	}
	reports_summary_finish(s);
	ck_assert_uint_eq(s->domains[0]->failures_total,
			  SUMMARY_MAX_FAILURES + 10);
	ck_assert_uint_eq(s->domains[0]->nfailures, SUMMARY_MAX_FAILURES);
	ck_assert_uint_eq(s->domains[0]->failures[0].received,
			  TODAY - 5 * DAY + (SUMMARY_MAX_FAILURES + 9) * 60);
	ck_assert_uint_eq(s->domains[0]->reports, 0);
	arena_free(&arena);
}
END_TEST

static const struct {
	const char *in, *want;
} lossy_cases[] = {
	{"<script>alert(1)</script>",
	 "&lt;script&gt;alert(1)&lt;/script&gt;"},
	{"\"'&", "&quot;&apos;&amp;"},
	{"caf\xc3\xa9", "caf\xc3\xa9"},		/* valid UTF-8 stays */
	{"a\xff" "b", "a\xef\xbf\xbd" "b"},	/* RFC 3629: never valid */
	{"a\xc0\xaf", "a\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong '/' */
	{"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
	{"a\x01\x1b[31m", "a\xef\xbf\xbd\xef\xbf\xbd[31m"}, /* not XML Char */
	{"\xef\xbf\xbe", "\xef\xbf\xbd"},	/* U+FFFE */
	{"\xc3", "\xef\xbf\xbd"},		/* truncated */
	{"a\tb", "a&#9;b"},
	/* XML Chars that change how the text around them shows (UAX #9
	 * 2: explicit formatting characters; C1 controls, U+009B is a
	 * terminal's CSI; DEL): a reporter's name "\u202Egnp.exe" must
	 * not reorder the page */
	{"a\xe2\x80\xae" "b", "a\xef\xbf\xbd" "b"},	/* RLO */
	{"\xe2\x81\xa6x\xe2\x81\xa9", "\xef\xbf\xbdx\xef\xbf\xbd"}, /* LRI PDI */
	{"\xe2\x80\x8f", "\xef\xbf\xbd"},	/* RLM */
	{"\xd8\x9c", "\xef\xbf\xbd"},		/* ALM U+061C */
	{"\xc2\x9b" "2J", "\xef\xbf\xbd" "2J"},	/* C1 CSI */
	{"a\x7f", "a\xef\xbf\xbd"},		/* DEL */
	/* right-to-left letters are text: they stay (the page isolates
	 * them in <bdi>) */
	{"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"},
	{"\xc2\xa0", "\xc2\xa0"},		/* U+00A0 is past C1 */
};

START_TEST(test_xml_escape_lossy)
{
	struct buf b = BUF_INIT;

	xml_escape_lossy(&b, lossy_cases[_i].in, strlen(lossy_cases[_i].in));
	ck_assert_msg(strcmp(buf_cstr(&b), lossy_cases[_i].want) == 0,
		      "got %s, want %s", buf_cstr(&b), lossy_cases[_i].want);
	buf_free(&b);
}
END_TEST

static const char hostile[] = "<script>document.title='x'</script>\"'&"
			      "\xff\x1b[2J<img src=http://e.example/>"
			      "</script><svg onload=alert(1)>"
			      "\xe2\x80\xae" "moc.elpmaxe\xc2\x9b";

static struct reports_summary *
hostile_summary(struct arena *arena)
{
	static struct dmarc_received_dkim dk = {hostile, hostile, hostile};
	static struct dmarc_received_spf sp = {hostile, hostile, hostile};
	static struct dmarc_received_reason why = {hostile, hostile};
	static struct dmarc_received_row row = {hostile, 3, hostile, hostile,
		hostile, &why, 1, hostile, hostile, hostile, &dk, 1, &sp, 1};
	struct reports_summary *s = reports_summary_new(arena, NOW, 2, NULL,
							NULL);
	struct dmarc_received r = aggregate(hostile, hostile, TODAY, &row, 1);

	r.p = hostile;
	reports_summary_add(s, &r);
	r.kind = DMARC_RECEIVED_FAILURE;
	r.received = TODAY;
	r.source_ip = r.auth_failure = r.original_mail_from = hostile;
	r.dkim_domain = hostile;
	reports_summary_add(s, &r);
	reports_summary_finish(s);
	s->domains[0]->sources[0]->name = hostile;
	reports_summary_group(s);
	return s;
}

/* Anyone can mail a report: nothing of it may become markup, leave
 * the page, or be invalid UTF-8. */
START_TEST(test_html_hostile)
{
	struct arena *arena = arena_new(0);
	struct buf b = BUF_INIT;
	const char *err;

	reports_html(hostile_summary(arena), NOW, &b);
	ck_assert_ptr_null(strstr(b.data, "<script"));
	ck_assert_ptr_null(strstr(b.data, "<img"));
	ck_assert_ptr_null(strstr(b.data, "\x1b"));
	ck_assert_ptr_null(strstr(b.data, "'x'"));
	ck_assert_ptr_null(strstr(b.data, "</script"));
	ck_assert_ptr_null(strstr(b.data, "<svg onload"));
	/* no RLO, no C1 CSI: U+FFFD instead */
	ck_assert_ptr_null(strstr(b.data, "\xe2\x80\xae"));
	ck_assert_ptr_null(strstr(b.data, "\xc2\x9b"));
	ck_assert_ptr_nonnull(strstr(b.data, "\xef\xbf\xbd" "moc.elpmaxe"
					     "\xef\xbf\xbd"));
	/* in text each reporter string is isolated (HTML <bdi>) */
	ck_assert_ptr_nonnull(strstr(b.data, "<bdi>&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "\xef\xbf\xbd</bdi>"));
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "&quot;&apos;&amp;"));
	/* no element can load anything: the one attribute-bearing tag
	 * of the hostile text stayed text */
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;img src=http"));
	/* the whole page is XML-clean text (valid UTF-8, no controls) */
	{
		struct buf chk = BUF_INIT;

		ck_assert_int_eq(xml_escape(&chk, b.data, b.len, &err), 0);
		buf_free(&chk);
	}
	buf_free(&b);
	arena_free(&arena);
}
END_TEST

/* --json: valid text with no raw markup, escape, C1 or bidi control. */
START_TEST(test_json_hostile)
{
	struct arena *arena = arena_new(0);
	struct buf b = BUF_INIT;
	const char *err;

	reports_summary_json(hostile_summary(arena), &b);
	ck_assert_ptr_null(strchr(b.data, '<'));
	ck_assert_ptr_null(strchr(b.data, '\x1b'));
	ck_assert_ptr_null(strstr(b.data, "\xe2\x80\xae"));
	ck_assert_ptr_null(strstr(b.data, "\xc2\x9b"));
	ck_assert_ptr_nonnull(strstr(b.data, "\\u202emoc.elpmaxe\\u009b"));
	ck_assert_int_eq(xml_check((const unsigned char *)b.data, b.len,
				   &err), 0);
	buf_free(&b);
	arena_free(&arena);
}
END_TEST

/* The terminal gets no escape sequence and no raw byte above 0x7e. */
START_TEST(test_text_hostile)
{
	struct arena *arena = arena_new(0);
	struct buf b = BUF_INIT;
	size_t i;

	reports_summary_text(hostile_summary(arena), &b);
	for (i = 0; i < b.len; i++)
		ck_assert_msg(b.data[i] == '\n' ||
			      ((unsigned char)b.data[i] >= 0x20 &&
			       (unsigned char)b.data[i] < 0x7f),
			      "byte %02x at %zu", (unsigned char)b.data[i], i);
	ck_assert_ptr_nonnull(strstr(b.data, "\\x1b[2J"));
	ck_assert_ptr_nonnull(strstr(b.data, "\\xff"));
	buf_free(&b);
	arena_free(&arena);
}
END_TEST

/* 10,000 sources in one report: the page shows SUMMARY_TOP_SOURCES of
 * them and one line summing the rest (issue #19: anyone can mail the
 * rua address; the page must stay bounded). */
START_TEST(test_many_sources)
{
	enum { N = 10000 };
	struct dmarc_received_row *rows = calloc(N, sizeof(*rows));
	char (*ips)[40] = calloc(N, sizeof(*ips));
	struct arena *arena = arena_new(0);
	struct reports_summary *s;
	struct dmarc_received r;
	const struct summary_domain *d;
	struct buf b = BUF_INIT;
	uint64_t total = 0, pass = 0, top = 0, top_pass = 0;
	unsigned int i;
	char want[128];

	for (i = 0; i < N; i++) {
		snprintf(ips[i], sizeof(ips[i]), "198.18.%u.%u", i / 250,
			 i % 250);
		rows[i].source_ip = ips[i];
		rows[i].count = i + 1;		/* the biggest last */
		rows[i].dkim = i % 3 == 0 ? "pass" : "fail";
		rows[i].spf = "fail";
		total += i + 1;
		pass += i % 3 == 0 ? i + 1 : 0;
		if (i >= N - SUMMARY_TOP_SOURCES) {
			top += i + 1;
			top_pass += i % 3 == 0 ? i + 1 : 0;
		}
	}
	s = reports_summary_new(arena, NOW, 7, NULL, NULL);
	r = aggregate("x", "example.com", TODAY, rows, N);
	reports_summary_add(s, &r);
	reports_summary_finish(s);
	reports_summary_group(s);
	d = s->domains[0];
	ck_assert_uint_eq(d->nsources, N);
	ck_assert_uint_eq(d->nshown, SUMMARY_TOP_SOURCES);
	ck_assert_str_eq(d->sources[0]->ip, "198.18.39.249");
	ck_assert_uint_eq(d->rest.nsources, N - SUMMARY_TOP_SOURCES);
	ck_assert_uint_eq(d->rest.total, total - top);
	ck_assert_uint_eq(d->rest.pass, pass - top_pass);
	ck_assert_uint_eq(d->rest.fail, total - top - (pass - top_pass));
	reports_html(s, NOW, &b);
	ck_assert_msg(b.len < 64 * 1024, "page of %zu bytes", b.len);
	snprintf(want, sizeof(want), "<span data-k=\"sources\">%u</span> "
		 "other sources", N - SUMMARY_TOP_SOURCES);
	ck_assert_ptr_nonnull(strstr(b.data, want));
	snprintf(want, sizeof(want), "<span data-k=\"total\">%llu</span>",
		 (unsigned long long)(total - top));
	ck_assert_ptr_nonnull(strstr(strstr(b.data, "class=\"others\""),
				     want));
	buf_reset(&b);
	reports_summary_json(s, &b);
	ck_assert_msg(b.len < 64 * 1024, "JSON of %zu bytes", b.len);
	snprintf(want, sizeof(want), "\"other_sources\":{\"sources\":%u,"
		 "\"messages\":%llu,", N - SUMMARY_TOP_SOURCES,
		 (unsigned long long)(total - top));
	ck_assert_ptr_nonnull(strstr(b.data, want));
	buf_reset(&b);
	reports_summary_text(s, &b);
	ck_assert_msg(b.len < 16 * 1024, "text of %zu bytes", b.len);
	snprintf(want, sizeof(want), " %llu other sources\n",
		 (unsigned long long)(N - SUMMARY_TOP_SOURCES));
	ck_assert_ptr_nonnull(strstr(b.data, want));
	buf_free(&b);
	arena_free(&arena);
	free(rows);
	free(ips);
}
END_TEST

/* Reports about SUMMARY_MAX_DOMAINS + 10 subdomains of a ReportDomain:
 * the biggest shown, the 10 smallest summed in one line. */
START_TEST(test_many_domains)
{
	struct dmarc_received_row row = {"192.0.2.1", 0, "none", "pass",
		"pass", NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, 0};
	struct arena *arena = arena_new(0);
	struct reports_summary *s;
	struct dmarc_received r;
	struct buf b = BUF_INIT;
	char name[64];
	unsigned int i;
	uint64_t rest = 0;

	s = reports_summary_new(arena, NOW, 7, report_domains, NULL);
	for (i = 0; i < SUMMARY_MAX_DOMAINS + 10; i++) {
		snprintf(name, sizeof(name), "d%u.example.com", i);
		row.count = 100 + i;
		if (i < 10)
			rest += row.count;
		r = aggregate("x", name, TODAY, &row, 1);
		reports_summary_add(s, &r);
	}
	reports_summary_finish(s);
	ck_assert_uint_eq(s->ndomains, SUMMARY_MAX_DOMAINS);
	ck_assert_uint_eq(s->rest_domains.n, 10);
	ck_assert_uint_eq(s->rest_domains.reports, 10);
	ck_assert_uint_eq(s->rest_domains.total, rest);
	ck_assert_uint_eq(s->rest_domains.pass, rest);
	/* shown by name: d10 .. d59 */
	ck_assert_str_eq(s->domains[0]->domain, "d10.example.com");
	reports_summary_group(s);
	reports_html(s, NOW, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "<span data-k=\"domains\">10"
					     "</span> more policy domains"));
	buf_reset(&b);
	reports_summary_text(s, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "10 more policy domains: "));
	buf_free(&b);
	arena_free(&arena);
}
END_TEST

/* Memory grows with distinct sources, not with rows: 10,000 reports of
 * the same failing row leave the summary's arena as after the first
 * (the per-row reason and "DOMAIN RESULT" strings were arena garbage:
 * a 100,000-row report cost megabytes). */
START_TEST(test_rows_bounded_memory)
{
	struct arena *arena = arena_new(0);
	struct reports_summary *s;
	struct dmarc_received r;
	size_t used;
	unsigned int i;

	s = reports_summary_new(arena, NOW, 7, NULL, NULL);
	r = aggregate("Reporter", "Example.COM", TODAY, rows1, 3);
	reports_summary_add(s, &r);
	used = arena_used(arena);
	for (i = 0; i < 10000; i++)
		reports_summary_add(s, &r);
	ck_assert_msg(arena_used(arena) == used, "arena %zu bytes, was %zu",
		      arena_used(arena), used);
	reports_summary_finish(s);
	ck_assert_uint_eq(s->domains[0]->total, 10001 * 135);
	arena_free(&arena);
}
END_TEST

/* Memory has a ceiling whatever the reports hold: SUMMARY_MAX_SOURCES
 * distinct sources kept (the rows of the others summed, every message
 * still counted), SUMMARY_MAX_KEPT_DOMAINS domains (the reports about
 * others summed). */
START_TEST(test_caps)
{
	enum { N = SUMMARY_MAX_SOURCES + 10000 };
	struct dmarc_received_row *rows = calloc(N, sizeof(*rows));
	char (*ips)[40] = calloc(N, sizeof(*ips));
	struct dmarc_received_row one = {"192.0.2.1", 3, "none", "pass",
		"fail", NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, 0};
	struct arena *arena = arena_new(0);
	struct reports_summary *s;
	struct dmarc_received r;
	const struct summary_domain *d;
	uint64_t shown = 0;
	unsigned int i;
	char name[64];

	for (i = 0; i < N; i++) {
		snprintf(ips[i], sizeof(ips[i]), "2001:db8::%x:%x", i >> 16,
			 i & 0xffff);
		rows[i].source_ip = ips[i];
		rows[i].count = 2;
		rows[i].dkim = rows[i].spf = i % 2 == 0 ? "pass" : "fail";
	}
	s = reports_summary_new(arena, NOW, 7, NULL, NULL);
	r = aggregate("x", "example.com", TODAY, rows, N);
	reports_summary_add(s, &r);
	for (i = 1; i <= SUMMARY_MAX_KEPT_DOMAINS; i++) {
		snprintf(name, sizeof(name), "d%u.example", i);
		r = aggregate("x", name, TODAY, &one, 1);
		reports_summary_add(s, &r);
	}
	reports_summary_finish(s);
	reports_summary_group(s);
	ck_assert_uint_eq(s->rest_domains.unkept, 1);
	ck_assert_uint_eq(s->ndomains, SUMMARY_MAX_DOMAINS);
	ck_assert_uint_eq(s->rest_domains.n,
			  SUMMARY_MAX_KEPT_DOMAINS - SUMMARY_MAX_DOMAINS);
	/* 949 cut domains of 3 messages and the one past the cap */
	ck_assert_uint_eq(s->rest_domains.total, 3 * (s->rest_domains.n + 1));
	ck_assert_uint_eq(s->rest_domains.pass, s->rest_domains.total);
	d = s->domains[s->ndomains - 1];	/* "d..." < "example.com" */
	ck_assert_str_eq(d->domain, "example.com");
	ck_assert_uint_eq(d->nsources, SUMMARY_MAX_SOURCES);
	ck_assert_uint_eq(d->unkept_rows, 10000);
	ck_assert_uint_eq(d->total, 2 * (uint64_t)N);
	ck_assert_uint_eq(d->pass, (uint64_t)N);
	for (i = 0; i < d->nshown; i++)
		shown += d->sources[i]->total;
	ck_assert_uint_eq(shown + d->rest.total, d->total);
	ck_assert_uint_eq(d->rest.fail + d->rest.pass, d->rest.total);
	arena_free(&arena);
	free(rows);
	free(ips);
}
END_TEST

/* summary --json: the sample's numbers (summed by hand above), the
 * shown sources and the others' sums. */
START_TEST(test_json)
{
	struct arena *arena = arena_new(0);
	struct buf b = BUF_INIT;

	reports_summary_json(sample(arena, report_domains), &b);
	ck_assert_ptr_nonnull(strstr(b.data, "{\"since\":\"2026-12-01\","
					     "\"until\":\"2026-12-07\","));
	ck_assert_ptr_nonnull(strstr(b.data, "{\"domain\":\"example.com\","
					     "\"p\":\"none\",\"reports\":1,"
					     "\"messages\":135,\"pass\":100,"
					     "\"fail\":35,"));
	ck_assert_ptr_nonnull(strstr(b.data, "{\"day\":\"2026-12-06\","
					     "\"pass\":100,\"fail\":35}"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"would_lose\":[{\"source_ip\""
					     ":\"198.51.100.7\",\"name\":null,"
					     "\"fail\":30}"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"not_in_report_domains\":{"
					     "\"reports\":1,\"domains\":[{"
					     "\"domain\":\"other.example\","
					     "\"reports\":1}]"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"other_sources\":{\"sources"
					     "\":0,"));
	buf_free(&b);
	arena_free(&arena);
}
END_TEST

/* JSON (RFC 8259 7) may carry any of these raw; written as \uXXXX, a
 * terminal showing the JSON gets no C1 CSI and a reader no reordered
 * text (UAX #9 2). */
static const struct {
	const char *in, *want;
} json_cases[] = {
	{"a\xe2\x80\xae" "b", "\"a\\u202eb\""},	/* RLO */
	{"\xe2\x81\xa6", "\"\\u2066\""},		/* LRI */
	{"\xc2\x9b" "2J", "\"\\u009b2J\""},	/* C1 CSI */
	{"\xe2\x80\xa8", "\"\\u2028\""},
	{"\xd7\xa9", "\"\xd7\xa9\""},		/* a Hebrew letter stays */
	{"</script>", "\"\\u003c/script\\u003e\""},
	{"\x1b[2J", "\"\\u001b[2J\""},
};

START_TEST(test_json_string)
{
	struct buf b = BUF_INIT;

	json_string(&b, json_cases[_i].in);
	ck_assert_msg(strcmp(buf_cstr(&b), json_cases[_i].want) == 0,
		      "got %s, want %s", buf_cstr(&b), json_cases[_i].want);
	buf_free(&b);
}
END_TEST

/* One source whatever the case of its IPv6 hex digits (RFC 5952 4.3). */
START_TEST(test_ip_case)
{
	static const struct dmarc_received_row rows[] = {
		{"2001:DB8::25", 4, "none", "fail", "fail", NULL, 0, NULL,
		 NULL, NULL, NULL, 0, NULL, 0},
		{"2001:db8::25", 5, "none", "fail", "fail", NULL, 0, NULL,
		 NULL, NULL, NULL, 0, NULL, 0},
	};
	struct arena *arena = arena_new(0);
	struct reports_summary *s;
	struct dmarc_received r = aggregate("x", "example.com", TODAY, rows,
					    2);

	s = reports_summary_new(arena, NOW, 1, NULL, NULL);
	reports_summary_add(s, &r);
	reports_summary_finish(s);
	ck_assert_uint_eq(s->domains[0]->nsources, 1);
	ck_assert_str_eq(s->domains[0]->sources[0]->ip, "2001:db8::25");
	ck_assert_uint_eq(s->domains[0]->sources[0]->fail, 9);
	arena_free(&arena);
}
END_TEST

/* What an owner reads: share, the losing list, the domains kept apart. */
START_TEST(test_text)
{
	struct arena *arena = arena_new(0);
	struct buf b = BUF_INIT;

	reports_summary_text(sample(arena, report_domains), &b);
	ck_assert_ptr_nonnull(strstr(b.data, "example.com (p=none): 135 "
					     "messages in 1 reports"));
	/* 100 of 135 = 74.07% */
	ck_assert_ptr_nonnull(strstr(b.data, "DMARC pass 74.1% (100), "
					     "fail 25.9% (35)"));
	ck_assert_ptr_nonnull(strstr(b.data, "        30  198.51.100.7: "
					     "DKIM pass but not aligned, "
					     "SPF fail\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "1 reports about domains not "
					     "in ReportDomains, kept apart"));
	buf_free(&b);
	arena_free(&arena);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("reports_summary");
	TCase *tc = tcase_create("summary");
	int failed;

	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_all_and_only);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_failures);
	tcase_add_loop_test(tc, test_xml_escape_lossy, 0,
			    sizeof(lossy_cases) / sizeof(lossy_cases[0]));
	tcase_add_test(tc, test_html_hostile);
	tcase_add_test(tc, test_text_hostile);
	tcase_add_test(tc, test_json_hostile);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_many_sources);
	tcase_add_test(tc, test_many_domains);
	tcase_add_test(tc, test_rows_bounded_memory);
	tcase_add_test(tc, test_ip_case);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_json);
	tcase_add_loop_test(tc, test_json_string, 0,
			    sizeof(json_cases) / sizeof(json_cases[0]));
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
