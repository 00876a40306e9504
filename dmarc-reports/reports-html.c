/*
 * reports-html.c - `dmarc-reports summary --html`: the summary as one
 * self-contained HTML page (reports-summary.h): inline CSS, inline SVG
 * charts (messages passing and failing DMARC per day; the sources that
 * fail most), no script, no external resource; its Content-Security-
 * Policy forbids both, should a reporter's string ever get through.
 *
 * Every reporter's string (names, domains, IPs, reasons: anyone can
 * mail a report) goes through xml_escape_lossy(): markup characters
 * become references; invalid UTF-8, control characters and the
 * bidirectional formatting characters U+FFFD.  In text each one is
 * also its own <bdi> (HTML "The bdi element": isolated from the text
 * around it), so that a right-to-left name cannot move the numbers
 * beside it.  The page stays bounded whatever the reports hold: the
 * SUMMARY_TOP_SOURCES biggest sources of a domain, then one line for
 * the others; SUMMARY_MAX_DOMAINS domains, then one line.
 * Numbers carry data-k attributes ("total", "pass", "fail") so that a
 * test reads them from the rendered page.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/xml.h"
#include "reports-summary.h"

/* The day chart's plot area and the failing-sources chart's bars. */
#define HTML_CHART_W 720
#define HTML_CHART_H 160
#define HTML_BAR_H 18
#define HTML_TOP_FAILING 10

static const char html_style[] =
	"body{font-family:sans-serif;margin:2em;color:#222;max-width:72em}"
	"h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;margin:.5em 0}"
	"td,th{padding:2px 8px;text-align:left;vertical-align:top;"
	"border-bottom:1px solid #eee}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"tr.group td{background:#f4f4f4;font-weight:bold}"
	".pass{color:#17612b}.fail{color:#a11}.small{font-size:.85em;"
	"color:#555}svg{display:block;margin:.5em 0}";

/* A reporter's string in an attribute value or an SVG text. */
static void
esc(struct buf *out, const char *s)
{
	xml_escape_lossy(out, s, strlen(s));
}

/* A reporter's string in the page's text: isolated. */
static void
txt(struct buf *out, const char *s)
{
	buf_append_str(out, "<bdi>");
	esc(out, s);
	buf_append_str(out, "</bdi>");
}

static void
num(struct buf *out, const char *key, uint64_t n)
{
	buf_printf(out, "<span data-k=\"%s\">%" PRIu64 "</span>", key, n);
}

static void
day_text(uint64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

static void
share(struct buf *out, uint64_t n, uint64_t total)
{
	uint64_t permille = total == 0 ? 0 : (n * 1000 + total / 2) / total;

	buf_printf(out, "%" PRIu64 ".%" PRIu64 "%%", permille / 10,
		   permille % 10);
}

/* Stacked bars: passing (green) under failing (red), one per day. */
static void
chart_days(struct buf *out, const struct reports_summary *s,
	   const struct summary_domain *d)
{
	uint64_t max = 1, h;
	unsigned int i;
	double w = (double)HTML_CHART_W / s->ndays, y;
	char day[16];

	for (i = 0; i < s->ndays; i++) {
		if (d->day_pass[i] + d->day_fail[i] > max)
			max = d->day_pass[i] + d->day_fail[i];
	}
	buf_printf(out, "<svg class=\"days\" role=\"img\" width=\"%d\" "
		   "height=\"%d\" viewBox=\"0 0 %d %d\">"
		   "<title>messages passing and failing DMARC per day</title>"
		   "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
		   "fill=\"#fafafa\" stroke=\"#ccc\"/>",
		   HTML_CHART_W, HTML_CHART_H + 20, HTML_CHART_W,
		   HTML_CHART_H + 20, HTML_CHART_W, HTML_CHART_H);
	for (i = 0; i < s->ndays; i++) {
		day_text(s->since + (uint64_t)i * SUMMARY_DAY, day,
			 sizeof(day));
		buf_printf(out, "<g data-day=\"%s\" data-pass=\"%" PRIu64
			   "\" data-fail=\"%" PRIu64 "\"><title>%s: %" PRIu64
			   " pass, %" PRIu64 " fail</title>", day,
			   d->day_pass[i], d->day_fail[i], day,
			   d->day_pass[i], d->day_fail[i]);
		h = d->day_pass[i] * HTML_CHART_H / max;
		y = HTML_CHART_H - (double)h;
		buf_printf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			   "height=\"%" PRIu64 "\" fill=\"#2e8b57\"/>",
			   i * w, y, w * 0.9, h);
		h = d->day_fail[i] * HTML_CHART_H / max;
		buf_printf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			   "height=\"%" PRIu64 "\" fill=\"#c0392b\"/></g>",
			   i * w, y - (double)h, w * 0.9, h);
	}
	day_text(s->since, day, sizeof(day));
	buf_printf(out, "<text x=\"2\" y=\"%d\" font-size=\"12\">%s</text>",
		   HTML_CHART_H + 15, day);
	day_text(s->since + (uint64_t)(s->ndays - 1) * SUMMARY_DAY, day,
		 sizeof(day));
	buf_printf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\" "
		   "text-anchor=\"end\">%s</text><text x=\"4\" y=\"14\" "
		   "font-size=\"12\">%" PRIu64 " per day at most</text>"
		   "</svg>\n", HTML_CHART_W - 2, HTML_CHART_H + 15, day, max);
}

/* Horizontal bars: failing messages of the sources that fail most. */
static void
chart_failing(struct buf *out, const struct summary_domain *d)
{
	size_t i, n = d->nlosing < HTML_TOP_FAILING ? d->nlosing :
						       HTML_TOP_FAILING;
	uint64_t max = n > 0 ? d->losing[0]->fail : 1;
	const struct summary_source *src;

	buf_printf(out, "<svg class=\"failing\" role=\"img\" width=\"%d\" "
		   "height=\"%zu\"><title>sources failing DMARC, by failing "
		   "messages</title>", HTML_CHART_W, n * (HTML_BAR_H + 4) + 4);
	for (i = 0; i < n; i++) {
		src = d->losing[i];
		buf_printf(out, "<rect x=\"300\" y=\"%zu\" width=\"%" PRIu64
			   "\" height=\"%d\" fill=\"#c0392b\"/>"
			   "<text x=\"296\" y=\"%zu\" font-size=\"12\" "
			   "text-anchor=\"end\">", i * (HTML_BAR_H + 4) + 2,
			   src->fail * (HTML_CHART_W - 380) / max + 1,
			   HTML_BAR_H, i * (HTML_BAR_H + 4) + 15);
		esc(out, src->name != NULL ? src->name : src->ip);
		buf_printf(out, "</text><text x=\"%" PRIu64 "\" y=\"%zu\" "
			   "font-size=\"12\">%" PRIu64 "</text>",
			   src->fail * (HTML_CHART_W - 380) / max + 306,
			   i * (HTML_BAR_H + 4) + 15, src->fail);
	}
	buf_append_str(out, "</svg>\n");
}

static void
tallies(struct buf *out, const struct summary_tallies *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (i > 0)
			buf_append_str(out, "<br>");
		txt(out, t->t[i].what);
		buf_printf(out, " <span class=\"small\">%" PRIu64 "</span>",
			   t->t[i].n);
	}
	if (t->other > 0)
		buf_printf(out, "<br>other <span class=\"small\">%" PRIu64
			   "</span>", t->other);
}

static void
source_row(struct buf *out, const struct summary_source *src)
{
	buf_append_str(out, "<tr class=\"src\" data-ip=\"");
	esc(out, src->ip);
	buf_append_str(out, "\"><td>");
	txt(out, src->ip);
	if (src->name != NULL) {
		buf_append_str(out, "<br><span class=\"small\">");
		txt(out, src->name);
		buf_append_str(out, "</span>");
	}
	buf_append_str(out, "</td><td class=\"n\">");
	num(out, "total", src->total);
	buf_append_str(out, "</td><td class=\"n pass\">");
	num(out, "pass", src->pass);
	buf_append_str(out, "</td><td class=\"n fail\">");
	num(out, "fail", src->fail);
	buf_append_str(out, "</td><td>");
	tallies(out, &src->dkim_domains);
	buf_append_str(out, "</td><td>");
	tallies(out, &src->spf_domains);
	buf_append_str(out, "</td><td>");
	tallies(out, &src->reasons);
	buf_append_str(out, "</td></tr>\n");
}

static void
sources_table(struct buf *out, const struct summary_domain *d)
{
	size_t i, j;

	buf_append_str(out, "<h3>Sending sources</h3><table class=\"sources\">"
			    "<tr><th>Source</th><th class=\"n\">Messages</th>"
			    "<th class=\"n\">Pass</th><th class=\"n\">Fail"
			    "</th><th>DKIM domains</th><th>SPF domains</th>"
			    "<th>Why it fails</th></tr>\n");
	for (i = 0; i < d->ngroups; i++) {
		/* a source alone under its own IP needs no group line */
		if (d->groups[i].nsources == 1 &&
		    d->groups[i].sources[0]->name == NULL) {
			source_row(out, d->groups[i].sources[0]);
			continue;
		}
		buf_append_str(out, "<tr class=\"group\"><td>");
		txt(out, d->groups[i].name);
		buf_printf(out, "</td><td class=\"n\">%" PRIu64 "</td>"
			   "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%"
			   PRIu64 "</td><td colspan=\"3\"></td></tr>\n",
			   d->groups[i].total, d->groups[i].pass,
			   d->groups[i].fail);
		for (j = 0; j < d->groups[i].nsources; j++)
			source_row(out, d->groups[i].sources[j]);
	}
	if (d->rest.nsources > 0 || d->unkept_rows > 0) {
		buf_printf(out, "<tr class=\"others\"><td><span data-k=\""
			   "sources\">%zu</span> other sources", d->rest.nsources);
		if (d->unkept_rows > 0)
			buf_printf(out, " and <span data-k=\"unkept\">%" PRIu64
				   "</span> rows of sources past the summary's "
				   "cap (%d sources)", d->unkept_rows,
				   SUMMARY_MAX_SOURCES);
		buf_append_str(out, "</td><td class=\"n\">");
		num(out, "total", d->rest.total);
		buf_append_str(out, "</td><td class=\"n pass\">");
		num(out, "pass", d->rest.pass);
		buf_append_str(out, "</td><td class=\"n fail\">");
		num(out, "fail", d->rest.fail);
		buf_append_str(out, "</td><td colspan=\"3\"></td></tr>\n");
	}
	buf_append_str(out, "</table>\n");
}

static void
losing_table(struct buf *out, const struct summary_domain *d)
{
	size_t i;

	buf_append_str(out, "<h3>Would lose mail under p=quarantine or "
			    "p=reject</h3>\n");
	if (d->nlosing == 0) {
		buf_append_str(out, "<p>No reported mail fails DMARC.</p>\n");
		return;
	}
	chart_failing(out, d);
	buf_append_str(out, "<table class=\"losing\"><tr><th>Source</th>"
			    "<th class=\"n\">Failing</th><th>Why</th></tr>\n");
	for (i = 0; i < d->nlosing && i < SUMMARY_TOP_SOURCES; i++) {
		buf_append_str(out, "<tr data-ip=\"");
		esc(out, d->losing[i]->ip);
		buf_append_str(out, "\"><td>");
		txt(out, d->losing[i]->ip);
		if (d->losing[i]->name != NULL) {
			buf_append_str(out, " <span class=\"small\">");
			txt(out, d->losing[i]->name);
			buf_append_str(out, "</span>");
		}
		buf_append_str(out, "</td><td class=\"n fail\">");
		num(out, "fail", d->losing[i]->fail);
		buf_append_str(out, "</td><td>");
		tallies(out, &d->losing[i]->reasons);
		buf_append_str(out, "</td></tr>\n");
	}
	buf_append_str(out, "</table>\n");
}

static void
failures_table(struct buf *out, const struct summary_domain *d)
{
	const struct summary_failure *f;
	char day[16];
	size_t i;

	if (d->failures_total == 0)
		return;
	buf_printf(out, "<h3>Failure reports: %" PRIu64 "</h3><table "
		   "class=\"failures\"><tr><th>Received</th><th>Source</th>"
		   "<th>Failure</th><th>Mail from</th><th>DKIM domain</th>"
		   "<th>Reporter</th></tr>\n", d->failures_total);
	for (i = 0; i < d->nfailures; i++) {
		f = &d->failures[i];
		day_text(f->received, day, sizeof(day));
		buf_printf(out, "<tr><td>%s</td><td>", day);
		txt(out, f->source_ip);
		buf_append_str(out, "</td><td>");
		txt(out, f->auth_failure);
		buf_append_str(out, "</td><td>");
		txt(out, f->mail_from);
		buf_append_str(out, "</td><td>");
		txt(out, f->dkim_domain);
		buf_append_str(out, "</td><td>");
		txt(out, f->reporter);
		buf_append_str(out, "</td></tr>\n");
	}
	buf_append_str(out, "</table>\n");
}

static void
domain_section(struct buf *out, const struct reports_summary *s,
	       const struct summary_domain *d)
{
	buf_append_str(out, "<section class=\"domain\" data-domain=\"");
	esc(out, d->domain);
	buf_append_str(out, "\"><h2>");
	txt(out, d->domain);
	buf_append_str(out, " <span class=\"small\">p=");
	txt(out, d->policy[0] != '\0' ? d->policy : "?");
	buf_append_str(out, "</span></h2>\n<p>");
	num(out, "total", d->total);
	buf_append_str(out, " messages in ");
	num(out, "reports", d->reports);
	buf_append_str(out, " aggregate reports: <b class=\"pass\">");
	num(out, "pass", d->pass);
	buf_append_str(out, " pass DMARC (");
	share(out, d->pass, d->total);
	buf_append_str(out, ")</b>, <b class=\"fail\">");
	num(out, "fail", d->total - d->pass);
	buf_append_str(out, " fail</b>.</p>\n<p class=\"small\">Reporters: ");
	tallies(out, &d->reporters);
	buf_append_str(out, "</p>\n");
	chart_days(out, s, d);
	if (d->nsources > 0)
		sources_table(out, d);
	if (d->reports > 0)
		losing_table(out, d);
	failures_table(out, d);
	buf_append_str(out, "</section>\n");
}

/* The domains past SUMMARY_MAX_DOMAINS (and those past the cap of
 * domains kept), summed. */
static void
rest_domains(struct buf *out, const struct reports_summary *s)
{
	buf_printf(out, "<section class=\"rest\"><h2>Other policy domains"
		   "</h2><p><span data-k=\"domains\">%zu</span> more policy "
		   "domains", s->rest_domains.n);
	if (s->rest_domains.unkept > 0)
		buf_printf(out, " and <span data-k=\"unkept\">%" PRIu64
			   "</span> reports about domains past the summary's "
			   "cap (%d domains)", s->rest_domains.unkept,
			   SUMMARY_MAX_KEPT_DOMAINS);
	buf_printf(out, ": <span data-k=\"total\">%" PRIu64 "</span> "
		   "messages in %" PRIu64 " aggregate reports, %" PRIu64
		   " pass DMARC; %" PRIu64 " failure reports (dmarc-reports "
		   "summary --domain shows one).</p></section>\n",
		   s->rest_domains.total, s->rest_domains.reports,
		   s->rest_domains.pass, s->rest_domains.failures);
}

void
reports_html(const struct reports_summary *s, uint64_t generated,
	     struct buf *out)
{
	char from[16], to[16], now[16];
	size_t i;

	day_text(s->since, from, sizeof(from));
	day_text(s->since + (uint64_t)(s->ndays - 1) * SUMMARY_DAY, to,
		 sizeof(to));
	day_text(generated, now, sizeof(now));
	buf_printf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
		   "<meta charset=\"utf-8\">"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\""
		   "default-src 'none'; style-src 'unsafe-inline'\">"
		   "<title>DMARC reports %s to %s</title><style>%s</style>"
		   "</head><body>\n<h1>DMARC reports received, %s to %s"
		   "</h1>\n<p class=\"small\">Written %s by dmarc-reports "
		   "summary. A message passes DMARC when the reporter found "
		   "an aligned DKIM or SPF pass.</p>\n", from, to,
		   html_style, from, to, now);
	if (s->ndomains == 0)
		buf_append_str(out, "<p>No reports in this period.</p>\n");
	for (i = 0; i < s->ndomains; i++)
		domain_section(out, s, s->domains[i]);
	if (s->rest_domains.n > 0 || s->rest_domains.unkept > 0)
		rest_domains(out, s);
	if (s->other_reports > 0) {
		buf_printf(out, "<section class=\"other\"><h2>Other domains"
			   "</h2><p><span data-k=\"other\">%" PRIu64 "</span> "
			   "reports about domains not in ReportDomains, kept "
			   "apart (not summarized):</p><p>", s->other_reports);
		tallies(out, &s->other_domains);
		buf_append_str(out, "</p></section>\n");
	}
	buf_append_str(out, "</body></html>\n");
}
