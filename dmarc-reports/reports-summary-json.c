/*
 * reports-summary-json.c - `dmarc-reports summary --json`: the summary
 * (reports-summary.h) as one JSON object (RFC 8259) for scripts and
 * monitoring, with the same numbers and the same bounds as the text and
 * the page: per policy domain its totals, reporters, days, the shown
 * sources (the biggest SUMMARY_TOP_SOURCES) and one object summing the
 * others, the losing sources, the failure reports listed; the domains
 * past SUMMARY_MAX_DOMAINS summed; the reports kept apart.  Every
 * reporter's string goes through the JSON writer's escaping
 * (reports-json.h).
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "util/buf.h"
#include "reports-json.h"
#include "reports-summary.h"

static void
json_day(struct json *j, const char *key, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char day[16];

	gmtime_r(&tt, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	json_str(j, key, day);
}

/* [{what: ..., count: N}, ...] and "KEY_other": the count past the
 * tallies kept. */
static void
json_tallies(struct json *j, const char *key, const char *what,
	     const char *count, const struct summary_tallies *t)
{
	char other[64];
	size_t i;

	json_array_begin(j, key);
	for (i = 0; i < t->n; i++) {
		json_object_begin(j, NULL);
		json_str(j, what, t->t[i].what);
		json_u64(j, count, t->t[i].n);
		json_object_end(j);
	}
	json_array_end(j);
	snprintf(other, sizeof(other), "%s_other", key);
	json_u64(j, other, t->other);
}

static void
json_source(struct json *j, const struct summary_source *src)
{
	json_object_begin(j, NULL);
	json_str(j, "source_ip", src->ip);
	json_str(j, "name", src->name);
	json_u64(j, "messages", src->total);
	json_u64(j, "pass", src->pass);
	json_u64(j, "fail", src->fail);
	json_u64(j, "pass_dkim", src->pass_dkim);
	json_u64(j, "pass_spf", src->pass_spf);
	json_u64(j, "quarantined_or_rejected", src->disposed);
	json_tallies(j, "dkim", "domain_result", "messages", &src->dkim_domains);
	json_tallies(j, "spf", "domain_result", "messages", &src->spf_domains);
	json_tallies(j, "why_failing", "reason", "messages", &src->reasons);
	json_object_end(j);
}

static void
json_sources(struct json *j, const struct summary_domain *d)
{
	size_t i;

	json_array_begin(j, "sources");
	for (i = 0; i < d->nshown; i++)
		json_source(j, d->sources[i]);
	json_array_end(j);
	json_object_begin(j, "other_sources");
	json_u64(j, "sources", d->rest.nsources);
	json_u64(j, "messages", d->rest.total);
	json_u64(j, "pass", d->rest.pass);
	json_u64(j, "fail", d->rest.fail);
	json_u64(j, "rows_past_cap", d->unkept_rows);
	json_object_end(j);
	json_array_begin(j, "would_lose");
	for (i = 0; i < d->nlosing && i < SUMMARY_TOP_SOURCES; i++) {
		json_object_begin(j, NULL);
		json_str(j, "source_ip", d->losing[i]->ip);
		json_str(j, "name", d->losing[i]->name);
		json_u64(j, "fail", d->losing[i]->fail);
		json_object_end(j);
	}
	json_array_end(j);
	json_u64(j, "would_lose_sources", d->nlosing);
}

static void
json_failures(struct json *j, const struct summary_domain *d)
{
	const struct summary_failure *f;
	size_t i;

	json_u64(j, "failure_reports", d->failures_total);
	json_array_begin(j, "failures");
	for (i = 0; i < d->nfailures; i++) {
		f = &d->failures[i];
		json_object_begin(j, NULL);
		json_day(j, "received", f->received);
		json_str(j, "reporter", f->reporter);
		json_str(j, "source_ip", f->source_ip);
		json_str(j, "auth_failure", f->auth_failure);
		json_str(j, "original_mail_from", f->mail_from);
		json_str(j, "dkim_domain", f->dkim_domain);
		json_object_end(j);
	}
	json_array_end(j);
}

static void
json_domain(struct json *j, const struct reports_summary *s,
	    const struct summary_domain *d)
{
	unsigned int i;

	json_object_begin(j, NULL);
	json_str(j, "domain", d->domain);
	json_str(j, "p", d->policy[0] != '\0' ? d->policy : NULL);
	json_u64(j, "reports", d->reports);
	json_u64(j, "messages", d->total);
	json_u64(j, "pass", d->pass);
	json_u64(j, "fail", d->total - d->pass);
	json_tallies(j, "reporters", "org_name", "reports", &d->reporters);
	json_array_begin(j, "days");
	for (i = 0; i < s->ndays; i++) {
		json_object_begin(j, NULL);
		json_day(j, "day", s->since + (uint64_t)i * SUMMARY_DAY);
		json_u64(j, "pass", d->day_pass[i]);
		json_u64(j, "fail", d->day_fail[i]);
		json_object_end(j);
	}
	json_array_end(j);
	json_sources(j, d);
	json_failures(j, d);
	json_object_end(j);
}

void
reports_summary_json(const struct reports_summary *s, struct buf *out)
{
	struct json j;
	size_t i;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_day(&j, "since", s->since);
	json_day(&j, "until", s->since + (uint64_t)(s->ndays - 1) *
					      SUMMARY_DAY);
	json_array_begin(&j, "domains");
	for (i = 0; i < s->ndomains; i++)
		json_domain(&j, s, s->domains[i]);
	json_array_end(&j);
	json_object_begin(&j, "other_domains");
	json_u64(&j, "domains", s->rest_domains.n);
	json_u64(&j, "reports", s->rest_domains.reports);
	json_u64(&j, "messages", s->rest_domains.total);
	json_u64(&j, "pass", s->rest_domains.pass);
	json_u64(&j, "failure_reports", s->rest_domains.failures);
	json_u64(&j, "reports_past_cap", s->rest_domains.unkept);
	json_object_end(&j);
	json_object_begin(&j, "not_in_report_domains");
	json_u64(&j, "reports", s->other_reports);
	json_tallies(&j, "domains", "domain", "reports", &s->other_domains);
	json_object_end(&j);
	json_object_end(&j);
	buf_append_char(out, '\n');
}
