/*
 * reports-summary-text.c - `dmarc-reports summary` as text a domain
 * owner reads at a glance on a terminal (reports-summary.h).  Every
 * reporter's string is untrusted: bytes outside printable ASCII (and
 * the backslash) are written as \xHH, so no escape sequence reaches the
 * terminal.
 */
#include "config.h"

#include <inttypes.h>
#include <time.h>

#include "util/buf.h"
#include "reports-summary.h"

static void
put(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			buf_append_char(out, (char)*p);
		else
			buf_printf(out, "\\x%02x", *p);
	}
}

/* "12.3%" of n in total ("-" when there is nothing). */
static void
put_share(struct buf *out, uint64_t n, uint64_t total)
{
	uint64_t permille;

	if (total == 0) {
		buf_append_str(out, "-");
		return;
	}
	permille = (n * 1000 + total / 2) / total;
	buf_printf(out, "%" PRIu64 ".%" PRIu64 "%%", permille / 10,
		   permille % 10);
}

static void
put_day(struct buf *out, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char day[16];

	gmtime_r(&tt, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	buf_append_str(out, day);
}

static void
put_tallies(struct buf *out, const char *label,
	    const struct summary_tallies *t)
{
	size_t i;

	if (t->n == 0)
		return;
	buf_printf(out, "%s", label);
	for (i = 0; i < t->n; i++) {
		buf_append_str(out, i == 0 ? " " : ", ");
		put(out, t->t[i].what);
		buf_printf(out, " %" PRIu64, t->t[i].n);
	}
	if (t->other > 0)
		buf_printf(out, ", other %" PRIu64, t->other);
	buf_append_char(out, '\n');
}

static void
put_source(struct buf *out, const struct summary_source *src)
{
	buf_printf(out, "      %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "  ",
		   src->total, src->pass, src->fail);
	put(out, src->ip);
	if (src->name != NULL) {
		buf_append_str(out, " (");
		put(out, src->name);
		buf_append_char(out, ')');
	}
	buf_append_char(out, '\n');
	put_tallies(out, "          DKIM:", &src->dkim_domains);
	put_tallies(out, "          SPF: ", &src->spf_domains);
	if (src->pass > 0)
		buf_printf(out, "          passing by DKIM %" PRIu64
			   ", by SPF %" PRIu64 "\n", src->pass_dkim,
			   src->pass_spf);
	put_tallies(out, "          failing:", &src->reasons);
}

static void
put_sources(struct buf *out, const struct summary_domain *d)
{
	size_t i, j;

	buf_printf(out, "  sources by volume:\n      %10s %10s %10s  %s\n",
		   "MESSAGES", "PASS", "FAIL", "SOURCE");
	for (i = 0; i < d->ngroups; i++) {
		const struct summary_group *g = &d->groups[i];

		if (g->nsources == 1 && g->sources[0]->name == NULL) {
			put_source(out, g->sources[0]);
			continue;
		}
		buf_append_str(out, "    ");
		put(out, g->name);
		buf_printf(out, ": %" PRIu64 " messages, %" PRIu64 " fail\n",
			   g->total, g->fail);
		for (j = 0; j < g->nsources; j++)
			put_source(out, g->sources[j]);
	}
	if (d->rest.nsources > 0 || d->unkept_rows > 0) {
		buf_printf(out, "      %10" PRIu64 " %10" PRIu64 " %10" PRIu64
			   "  %zu other sources", d->rest.total,
			   d->rest.pass, d->rest.fail, d->rest.nsources);
		if (d->unkept_rows > 0)
			buf_printf(out, " and %" PRIu64 " rows of sources past "
				   "the summary's cap (%d sources)",
				   d->unkept_rows, SUMMARY_MAX_SOURCES);
		buf_append_char(out, '\n');
	}
}

static void
put_losing(struct buf *out, const struct summary_domain *d)
{
	size_t i;

	if (d->nlosing == 0) {
		buf_append_str(out, "  p=quarantine/reject would stop no "
				    "reported mail\n");
		return;
	}
	buf_printf(out, "  would lose mail under p=quarantine/reject "
			"(%zu sources):\n", d->nlosing);
	for (i = 0; i < d->nlosing && i < SUMMARY_TOP_SOURCES; i++) {
		const struct summary_source *src = d->losing[i];

		buf_printf(out, "      %10" PRIu64 "  ", src->fail);
		put(out, src->ip);
		if (src->name != NULL) {
			buf_append_str(out, " (");
			put(out, src->name);
			buf_append_char(out, ')');
		}
		if (src->reasons.n > 0) {
			buf_append_str(out, ": ");
			put(out, src->reasons.t[0].what);
		}
		buf_append_char(out, '\n');
	}
	if (d->nlosing > SUMMARY_TOP_SOURCES)
		buf_printf(out, "      ... %zu more\n",
			   d->nlosing - SUMMARY_TOP_SOURCES);
}

static void
put_failures(struct buf *out, const struct summary_domain *d)
{
	size_t i;

	if (d->failures_total == 0)
		return;
	buf_printf(out, "  failure reports: %" PRIu64 " (newest first)\n",
		   d->failures_total);
	for (i = 0; i < d->nfailures; i++) {
		const struct summary_failure *f = &d->failures[i];

		buf_append_str(out, "    ");
		put_day(out, f->received);
		buf_append_str(out, " ip=");
		put(out, f->source_ip);
		buf_append_str(out, " failure=");
		put(out, f->auth_failure);
		buf_append_str(out, " from=");
		put(out, f->mail_from);
		buf_append_str(out, " dkim=");
		put(out, f->dkim_domain);
		buf_append_str(out, " by=");
		put(out, f->reporter);
		buf_append_char(out, '\n');
	}
}

static void
put_domain(struct buf *out, const struct reports_summary *s,
	   const struct summary_domain *d)
{
	put(out, d->domain);
	buf_append_str(out, " (p=");
	put(out, d->policy[0] != '\0' ? d->policy : "?");
	buf_printf(out, "): %" PRIu64 " messages in %" PRIu64
		   " reports, ", d->total, d->reports);
	put_day(out, s->since);
	buf_append_str(out, " to ");
	put_day(out, s->since + (uint64_t)(s->ndays - 1) * SUMMARY_DAY);
	buf_append_str(out, "\n  DMARC pass ");
	put_share(out, d->pass, d->total);
	buf_printf(out, " (%" PRIu64 "), fail ", d->pass);
	put_share(out, d->total - d->pass, d->total);
	buf_printf(out, " (%" PRIu64 ")\n", d->total - d->pass);
	put_tallies(out, "  reporters:", &d->reporters);
	if (d->nsources > 0)
		put_sources(out, d);
	if (d->reports > 0)
		put_losing(out, d);
	put_failures(out, d);
}

void
reports_summary_text(const struct reports_summary *s, struct buf *out)
{
	size_t i;

	if (s->ndomains == 0) {
		buf_append_str(out, "no reports in the period ");
		put_day(out, s->since);
		buf_append_str(out, " to ");
		put_day(out, s->since + (uint64_t)(s->ndays - 1) *
					    SUMMARY_DAY);
		buf_append_char(out, '\n');
	}
	for (i = 0; i < s->ndomains; i++) {
		if (i > 0)
			buf_append_char(out, '\n');
		put_domain(out, s, s->domains[i]);
	}
	if (s->rest_domains.n > 0 || s->rest_domains.unkept > 0) {
		buf_printf(out, "\n%zu more policy domains", s->rest_domains.n);
		if (s->rest_domains.unkept > 0)
			buf_printf(out, " and %" PRIu64 " reports about domains "
				   "past the summary's cap (%d domains)",
				   s->rest_domains.unkept,
				   SUMMARY_MAX_KEPT_DOMAINS);
		buf_printf(out, ": %" PRIu64 " messages in %" PRIu64
			   " reports, %" PRIu64 " pass; %" PRIu64 " failure "
			   "reports (--domain shows one)\n",
			   s->rest_domains.total, s->rest_domains.reports,
			   s->rest_domains.pass, s->rest_domains.failures);
	}
	if (s->other_reports > 0) {
		buf_printf(out, "\n%" PRIu64 " reports about domains not in "
			   "ReportDomains, kept apart (--all shows them):\n",
			   s->other_reports);
		put_tallies(out, " ", &s->other_domains);
	}
}
