/*
 * reports-received.c - `dmarc-reports received [--json] [--domain D]
 * [--since T]`: the reports other receivers sent us, as stored by
 * import (reports_db_received_each), in begin order.
 *
 * --json: one JSON array, one object per report, whose field names are
 * RFC 9990's element names (3.1.1: report_metadata { org_name, email,
 * extra_contact_info, report_id, date_range { begin, end } },
 * policy_published { domain, adkim, aspf, p, sp, np, testing, fo,
 * discovery_method }, records [ { row { source_ip, count,
 * policy_evaluated { disposition, dkim, spf, reason [ { type, comment }
 * ] } }, identifiers { header_from, envelope_from, envelope_to },
 * auth_results { dkim [ { domain, selector, result } ], spf [ { domain,
 * scope, result } ] } } ]), plus "kind", "schema", "received"; a failure
 * report carries its feedback report's fields under "feedback_report"
 * with RFC 5965 / RFC 6591 field names.  Absent values are null.
 * Without --json: a table, untrusted text made printable.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-received.h"
#include "reports-db.h"
#include "reports-json.h"
#include "reports.h"

struct received_run {
	struct reports *r;
	bool json;
	unsigned long n, bad;
	struct arena *arena;
	struct buf out;
};

static void
json_metadata(struct json *j, const struct dmarc_received *rep)
{
	json_object_begin(j, "report_metadata");
	json_str(j, "org_name", rep->org_name);
	json_str(j, "email", rep->email);
	json_str(j, "extra_contact_info", rep->extra_contact);
	json_str(j, "report_id", rep->report_id);
	json_object_begin(j, "date_range");
	json_u64(j, "begin", rep->begin);
	json_u64(j, "end", rep->end);
	json_object_end(j);
	json_object_end(j);
	json_object_begin(j, "policy_published");
	json_str(j, "domain", rep->policy_domain);
	if (rep->kind == DMARC_RECEIVED_AGGREGATE) {
		json_str(j, "adkim", rep->adkim);
		json_str(j, "aspf", rep->aspf);
		json_str(j, "p", rep->p);
		json_str(j, "sp", rep->sp);
		json_str(j, "np", rep->np);
		json_str(j, "testing", rep->testing);
		json_str(j, "fo", rep->fo);
		json_str(j, "discovery_method", rep->discovery);
	}
	json_object_end(j);
}

static void
json_row(struct json *j, const struct dmarc_received_row *row)
{
	json_object_begin(j, NULL);
	json_object_begin(j, "row");
	json_str(j, "source_ip", row->source_ip);
	json_u64(j, "count", row->count);
	json_object_begin(j, "policy_evaluated");
	json_str(j, "disposition", row->disposition);
	json_str(j, "dkim", row->dkim);
	json_str(j, "spf", row->spf);
	json_array_begin(j, "reason");
	for (size_t i = 0; i < row->nreasons; i++) {
		json_object_begin(j, NULL);
		json_str(j, "type", row->reasons[i].type);
		json_str(j, "comment", row->reasons[i].comment);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
	json_object_end(j);
	json_object_begin(j, "identifiers");
	json_str(j, "header_from", row->header_from);
	json_str(j, "envelope_from", row->envelope_from);
	json_str(j, "envelope_to", row->envelope_to);
	json_object_end(j);
	json_object_begin(j, "auth_results");
	json_array_begin(j, "dkim");
	for (size_t i = 0; i < row->ndkim; i++) {
		json_object_begin(j, NULL);
		json_str(j, "domain", row->dkim_results[i].domain);
		json_str(j, "selector", row->dkim_results[i].selector);
		json_str(j, "result", row->dkim_results[i].result);
		json_object_end(j);
	}
	json_array_end(j);
	json_array_begin(j, "spf");
	for (size_t i = 0; i < row->nspf; i++) {
		json_object_begin(j, NULL);
		json_str(j, "domain", row->spf_results[i].domain);
		json_str(j, "scope", row->spf_results[i].scope);
		json_str(j, "result", row->spf_results[i].result);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
	json_object_end(j);
}

static void
json_feedback(struct json *j, const struct dmarc_received *rep)
{
	json_object_begin(j, "feedback_report");
	json_str(j, "Feedback-Type", rep->feedback_type);
	json_str(j, "Auth-Failure", rep->auth_failure);
	json_str(j, "Source-IP", rep->source_ip);
	json_str(j, "Original-Mail-From", rep->original_mail_from);
	json_str(j, "Arrival-Date", rep->arrival_date);
	json_str(j, "Reported-Domain", rep->policy_domain);
	json_str(j, "DKIM-Domain", rep->dkim_domain);
	json_str(j, "DKIM-Selector", rep->dkim_selector);
	json_str(j, "Delivery-Result", rep->delivery_result);
	json_str(j, "Identity-Alignment", rep->identity_alignment);
	json_str(j, "Subject", rep->subject);
	json_str(j, "Message-ID", rep->message_id);
	json_object_end(j);
}

static void
json_report(struct received_run *run, const struct dmarc_received *rep)
{
	struct json j;

	json_init(&j, &run->out);
	json_object_begin(&j, NULL);
	json_str(&j, "kind", dmarc_received_kind_str(rep->kind));
	json_str(&j, "schema", rep->schema);
	json_u64(&j, "received", rep->received);
	json_metadata(&j, rep);
	if (rep->kind == DMARC_RECEIVED_FAILURE) {
		json_feedback(&j, rep);
	} else {
		json_array_begin(&j, "records");
		for (size_t i = 0; i < rep->nrows; i++)
			json_row(&j, &rep->rows[i]);
		json_array_end(&j);
	}
	json_object_end(&j);
}

/* Untrusted text for the terminal: printable ASCII, others '?', cut
 * at `max`, padded to `width`. */
static void
printable(struct buf *out, const char *s, size_t max, size_t width)
{
	size_t i = 0;

	for (; s != NULL && s[i] != '\0' && i < max; i++)
		buf_append_char(out, s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
	if (s == NULL)
		buf_append_char(out, '-'), i++;
	for (; i < width; i++)
		buf_append_char(out, ' ');
}

static void
table_report(struct received_run *run, const struct dmarc_received *rep)
{
	uint64_t messages = 0;
	char when[32];
	time_t t = (time_t)rep->begin;
	struct tm tm;

	for (size_t i = 0; i < rep->nrows; i++)
		messages += rep->rows[i].count;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	if (run->n == 0)
		buf_printf(&run->out, "%-16s %-9s %-32s %-24s %6s %8s %s\n",
			   "BEGIN (UTC)", "KIND", "POLICY DOMAIN", "REPORTER",
			   "ROWS", "MESSAGES", "REPORT-ID");
	buf_printf(&run->out, "%-16s %-9s ", when,
		   dmarc_received_kind_str(rep->kind));
	printable(&run->out, rep->policy_domain, 64, 32);
	buf_append_char(&run->out, ' ');
	printable(&run->out, rep->org_name, 64, 24);
	buf_printf(&run->out, " %6zu %8llu ", rep->nrows,
		   (unsigned long long)messages);
	printable(&run->out, rep->report_id, 128, 0);
	buf_append_char(&run->out, '\n');
}

static int
one_report(void *ctx, const char *text, size_t len)
{
	struct received_run *run = ctx;
	struct dmarc_received *rep;
	const char *err;

	arena_clear(run->arena);
	if (dmarc_received_parse(text, len, run->arena, &rep, &err) < 0) {
		ma_log_warn(&run->r->log, "a stored report does not parse: "
			    "%s: skipped", err);
		run->bad++;
		return 0;
	}
	reports_failure_period(rep);
	buf_reset(&run->out);
	if (run->json) {
		buf_append_str(&run->out, run->n == 0 ? "[\n" : ",\n");
		json_report(run, rep);
	} else {
		table_report(run, rep);
	}
	fwrite(run->out.data, 1, run->out.len, stdout);
	run->n++;
	/* stdout gone (EPIPE, full disk): stop, main() says why */
	return progout_check(&run->r->out) ? -1 : 0;
}

int
reports_received(struct reports *r, bool json, const char *domain,
		 uint64_t since)
{
	struct received_run run = { r, json, 0, 0, arena_new(0), BUF_INIT };
	const char *err;
	int ret = 0;

	if (reports_db_received_each(r->db, domain, since, one_report, &run,
				     &err) < 0) {
		ret = -1;
		/* a write error is main()'s to report; nothing more to
		 * write */
		if (progout_check(&r->out))
			goto out;
		ma_log_error(&r->log, "database: %s", err);
	}
	if (json)
		fputs(run.n == 0 ? "[]\n" : "\n]\n", stdout);
	else if (run.n == 0)
		printf("no received reports\n");
out:
	buf_free(&run.out);
	arena_free(&run.arena);
	return ret;
}
