/*
 * reports-show.c - `dmarc-reports show`: per policy domain and period,
 * what was recorded and what became of its report, as a table an admin
 * reads at a glance (dmarc-reports(8)).
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "reports-db.h"
#include "reports-failure-db.h"
#include "reports.h"

struct show_ctx {
	struct reports *r;
	unsigned long lines;
};

static int
show_line(void *ctx, const struct reports_db_summary *s)
{
	struct show_ctx *c = ctx;
	char when[32];
	time_t t = (time_t)s->period;
	struct tm tm;

	gmtime_r(&t, &tm);
	/* a day's period is its date; shorter ones need the time */
	strftime(when, sizeof(when),
		 c->r->interval % 86400 == 0 ? "%Y-%m-%d" : "%Y-%m-%d %H:%M",
		 &tm);
	if (c->lines++ == 0)
		printf("%-16s %-32s %8s %-9s %8s %s\n", "PERIOD (UTC)",
		       "POLICY DOMAIN", "RECORDS", "REPORT", "ATTEMPTS",
		       "REPORT-ID");
	printf("%-16s %-32s %8llu %-9s %8u %s\n", when, s->policy_domain,
	       (unsigned long long)s->records, s->state, s->attempts,
	       s->report_id);
	/* stdout gone (EPIPE, full disk): stop, main() says why */
	return progout_check(&c->r->out) ? -1 : 0;
}

/* One failure report (RFC 9991): when, about what, what became of it. */
static int
show_failure(void *ctx, const struct reports_failure_summary *s)
{
	struct show_ctx *c = ctx;
	char when[32];
	time_t t = (time_t)s->t;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	if (c->lines++ == 0)
		printf("\nFAILURE REPORTS\n%-16s %-32s %-12s %8s %s\n",
		       "RECEIVED (UTC)", "POLICY DOMAIN", "STATE", "ATTEMPTS",
		       "SENT TO");
	printf("%-16s %-32s %-12s %8u %s\n", when, s->policy_domain,
	       s->state, s->attempts, s->sent_to);
	return progout_check(&c->r->out) ? -1 : 0;
}

int
reports_show(struct reports *r)
{
	struct show_ctx c = { r, 0 }, fc = { r, 0 };
	const char *err;

	if (reports_db_summaries(r->db, show_line, &c, &err) < 0 ||
	    reports_failure_db_summaries(r->db, show_failure, &fc,
					 &err) < 0) {
		/* a write error is main()'s to report, not the database's */
		if (!progout_check(&r->out))
			ma_log_error(&r->log, "database: %s", err);
		return -1;
	}
	if (c.lines == 0 && fc.lines == 0)
		printf("no records\n");
	return 0;
}
