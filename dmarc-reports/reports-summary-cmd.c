/*
 * reports-summary-cmd.c - `dmarc-reports summary`: the received reports
 * of the period read from the database, summed (reports-summary.c),
 * their top sources named (reports-names.c), the text (or with --json
 * the JSON, reports-summary-json.c) on stdout and,
 * with --html, the page written to a file (reports-html.c).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dns/dns.h"
#include "dmarc/dmarc-received.h"
#include "reports-db.h"
#include "reports-names.h"
#include "reports-summary.h"
#include "reports.h"

struct summary_read {
	struct reports *r;
	struct reports_summary *s;
	struct arena *report_arena;	/* one report at a time */
	unsigned long bad;
};

static int
summary_report(void *ctx, const char *text, size_t len)
{
	struct summary_read *c = ctx;
	struct dmarc_received *rep;
	const char *err;

	arena_clear(c->report_arena);
	if (dmarc_received_parse(text, len, c->report_arena, &rep, &err) < 0) {
		/* a row another version wrote: say so once per row */
		ma_log_warn(&c->r->log, "summary: stored report skipped: %s",
			       err);
		c->bad++;
		return 0;
	}
	reports_summary_add(c->s, rep);
	return 0;
}

/* The page into `path` through a temporary file, so a reader never sees
 * half of it. */
static int
write_page(struct reports *r, const char *path, const struct buf *page)
{
	const char *tmp = arena_printf(r->arena, "%s.tmp", path);
	FILE *fp = fopen(tmp, "w");

	if (fp == NULL) {
		ma_log_error(&r->log, "summary: %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fwrite(page->data, 1, page->len, fp) != page->len ||
	    fclose(fp) != 0) {
		ma_log_error(&r->log, "summary: %s: %s", tmp, strerror(errno));
		(void)remove(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		ma_log_error(&r->log, "summary: %s: %s", path, strerror(errno));
		(void)remove(tmp);
		return -1;
	}
	return 0;
}

static void
name_sources(struct reports *r, struct reports_summary *s)
{
	struct dns_resolver *resolver;
	struct dns_settings ds;
	const char *err;

	memset(&ds, 0, sizeof(ds));
	ds.resolver_config = r->set.resolver_config;
	if (dns_resolver_new(&ds, NULL, &r->log, &resolver, &err) < 0) {
		/* names are a convenience: the summary goes on with IPs */
		ma_log_warn(&r->log, "summary: resolver: %s", err);
		return;
	}
	reports_names_lookup(s, resolver);
	dns_resolver_free(&resolver);
}

int
reports_summary_cmd(struct reports *r, const struct reports_summary_args *a)
{
	struct summary_read c;
	struct buf out = BUF_INIT;
	const char *err;
	int ret = 0;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.s = reports_summary_new(r->arena, r->now, a->days,
				  a->all ? NULL : r->set.report_domains,
				  a->domain);
	c.report_arena = arena_new(0);
	if (reports_db_received_each(r->db, a->domain, c.s->since,
				     summary_report, &c, &err) < 0) {
		ma_log_error(&r->log, "database: %s", err);
		arena_free(&c.report_arena);
		return -1;
	}
	arena_free(&c.report_arena);
	reports_summary_finish(c.s);
	name_sources(r, c.s);
	reports_summary_group(c.s);
	if (a->json)
		reports_summary_json(c.s, &out);
	else
		reports_summary_text(c.s, &out);
	if (c.bad > 0 && !a->json)
		buf_printf(&out, "\n%lu stored reports could not be read "
			   "(logged)\n", c.bad);
	fwrite(out.data, 1, out.len, stdout);
	progout_check(&r->out); /* main() reports a write error */
	if (a->html != NULL) {
		buf_reset(&out);
		reports_html(c.s, r->clock, &out);
		ret = write_page(r, a->html, &out);
		if (ret == 0 && !a->json)
			printf("\npage: %s\n", a->html);
	}
	buf_free(&out);
	return ret;
}
