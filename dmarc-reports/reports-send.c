/*
 * reports-send.c - `dmarc-reports send [--out DIR]` (dmarc-reports(8)):
 * one RFC 9990 aggregate report per policy domain and ended period that
 * has none yet.
 *
 * Per (policy domain, period), inside one database transaction (BEGIN
 * IMMEDIATE: one sender at a time): the records are grouped into rows by
 * everything a row shows (source_ip, disposition, alignment results,
 * reasons, identifiers, auth_results: the record line without its id and
 * time is the key), the policy domain's DMARC record is re-read for its
 * rua and external destinations are verified (reports-rua.h), the XML is
 * written (dmarc-report.h) and wrapped in the message (reports-mail.h),
 * handed to ReportCommand (or written to --out DIR), and the report's
 * state is committed.  So a second send finds the report done and sends
 * nothing.  A crash after handing over and before the commit sends the
 * report again next time, under the same Report-ID and file name (RFC
 * 9990 5: a re-sent report keeps its file name).
 *
 * Failures: DNS trouble or a failing ReportCommand leaves the report
 * 'failed', retried by later runs for REPORTS_RETRY_SECONDS after the
 * first failure, then 'given-up'.  No (authorized) rua: 'no-rua'.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dns/dns.h"
#include "dmarc/dmarc-history.h"
#include "dmarc/dmarc-report.h"
#include "reports-db.h"
#include "reports-deliver.h"
#include "reports-mail.h"
#include "reports-rua.h"
#include "reports-sign.h"
#include "reports.h"

struct send_ctx {
	struct reports *r;
	const char *out_dir;
	struct dns_resolver *resolver;
	struct reports_signer *signer; /* SignerConfig, or NULL */
	int failures;
};

struct collected {
	struct reports *r;
	struct arena *arena;
	struct dmarc_history **h;
	const char **keys;
	size_t n, cap;
	unsigned long skipped;
};

static int
collect_line(void *ctx, const char *line)
{
	struct collected *c = ctx;
	struct dmarc_history *h, k;
	struct buf key = BUF_INIT;
	const char *err;

	/* source_ip is required in a row (RFC 9990 3.1.1.2): a record of
	 * a message that reached us without our MTA's Received field
	 * cannot be reported */
	if (dmarc_history_parse(line, strlen(line), c->arena, &h, &err) < 0 ||
	    h->source_ip == NULL) {
		c->skipped++;
		return 0;
	}
	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 64 : c->cap * 2;
		c->h = realloc(c->h, c->cap * sizeof(*c->h));
		c->keys = realloc(c->keys, c->cap * sizeof(*c->keys));
		if (c->h == NULL || c->keys == NULL)
			abort();
	}
	/* the row key: everything but the id, time, record text and
	 * failure report data */
	k = *h;
	k.id = "";
	k.time = 0;
	k.record = NULL;
	k.failure_due = 0;
	dmarc_history_format(&k, &key);
	c->keys[c->n] = arena_strdup(c->arena, buf_cstr(&key));
	c->h[c->n++] = h;
	buf_free(&key);
	return 0;
}

static int
cmp_index(const void *a, const void *b, void *keys)
{
	const char *const *k = keys;

	return strcmp(k[*(const size_t *)a], k[*(const size_t *)b]);
}

/* Rows from the collected records: sort by key, count equal keys. */
static size_t
make_rows(struct collected *c, struct dmarc_report_row *rows)
{
	size_t *idx = malloc((c->n + 1) * sizeof(*idx)), i, n = 0;

	for (i = 0; i < c->n; i++)
		idx[i] = i;
	qsort_r(idx, c->n, sizeof(*idx), cmp_index, c->keys);
	for (i = 0; i < c->n; i++) {
		if (n > 0 && strcmp(c->keys[idx[i]], c->keys[idx[i - 1]]) == 0)
			rows[n - 1].count++;
		else {
			rows[n].count = 1;
			rows[n].h = c->h[idx[i]];
			n++;
		}
	}
	free(idx);
	return n;
}

/* Letters and digits only: the same text serves as report_id, the
 * Subject's Report-ID and the file name's unique-id (RFC 9990 5). */
static const char *
report_id(struct reports *r, const char *pd, uint64_t begin,
	  struct arena *arena)
{
	uint32_t h = 2166136261u; /* FNV-1a of receiver and policy domain */
	const char *p;

	for (p = r->receiver; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ '!') * 16777619u;
	for (p = pd; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return arena_printf(arena, "%llu%08x", (unsigned long long)begin, h);
}

static int
write_out(struct send_ctx *s, const struct reports_mail *m,
	  const struct buf *msg, const char **error_r)
{
	struct buf name = BUF_INIT;
	int ret;

	reports_mail_filename(m, &name);
	/* ".xml.gz" -> ".eml" */
	name.len -= strlen(".xml.gz");
	buf_append_str(&name, ".eml");
	ret = reports_deliver_file(s->r, s->out_dir, buf_cstr(&name), msg,
				   error_r);
	buf_free(&name);
	return ret;
}

/* Build and hand over one report; its new state in *state_r. */
static int
build_and_send(struct send_ctx *s, const char *pd, uint64_t period,
	       struct collected *c, const char *rid, const char **state_r,
	       const char **error_r)
{
	struct reports *r = s->r;
	struct reports_rua to[REPORTS_MAX_RUA];
	struct dmarc_report_row *rows;
	struct dmarc_report rep;
	struct reports_mail m;
	struct buf xml = BUF_INIT, msg = BUF_INIT;
	size_t nto;
	int ret = -1;

	*state_r = "failed";
	if (reports_rua_get(s->resolver, &r->log, pd, c->arena, to, &nto,
			    error_r) < 0)
		return -1;
	if (nto == 0) {
		ma_log_info(&r->log, "%s: period %llu: no authorized rua: "
			    "no report", pd, (unsigned long long)period);
		*state_r = "no-rua";
		return 0;
	}
	rows = arena_zalloc(c->arena, c->n * sizeof(*rows));
	memset(&rep, 0, sizeof(rep));
	rep.org_name = r->set.org_name;
	rep.email = r->set.email;
	rep.extra_contact = r->set.contact;
	rep.report_id = rid;
	rep.generator = PACKAGE_NAME " " PACKAGE_VERSION;
	rep.begin = period;
	rep.end = period + r->interval - 1;
	rep.policy_domain = pd;
	rep.record = c->h[c->n - 1]->record;
	rep.discovery = c->h[c->n - 1]->discovery;
	rep.rows = rows;
	rep.nrows = make_rows(c, rows);
	memset(&m, 0, sizeof(m));
	m.from = r->set.email;
	m.receiver = r->receiver;
	m.policy_domain = pd;
	m.report_id = rid;
	m.begin = rep.begin;
	m.end = rep.end;
	m.date = r->clock;
	m.to = to;
	m.nto = nto;
	if (dmarc_report_xml(&rep, c->arena, &xml, error_r) < 0) {
		*state_r = "given-up";
		goto out;
	}
	m.xml = xml.data;
	m.xml_len = xml.len;
	if (reports_mail_build(&m, &msg, error_r) < 0 ||
	    (s->signer != NULL &&
	     reports_signer_sign(s->signer, r->set.email, (time_t)r->clock, &msg,
				 error_r) < 0))
		goto out;
	ret = s->out_dir != NULL ? write_out(s, &m, &msg, error_r) :
				   reports_deliver_command(r, &msg, error_r);
	if (ret == 0) {
		*state_r = "sent";
		ma_log_info(&r->log, "%s: period %llu: report %s, %zu rows, "
			    "%zu records, to %s%s", pd,
			    (unsigned long long)period, rid, rep.nrows, c->n,
			    to[0].address, nto > 1 ? " and others" : "");
	}
out:
	buf_free(&xml);
	buf_free(&msg);
	return ret;
}

static int
send_one(void *ctx, const char *pd_in, uint64_t period)
{
	struct send_ctx *s = ctx;
	struct reports *r = s->r;
	struct collected c;
	char state[32];
	uint64_t first;
	const char *err = NULL, *newstate, *pd, *rid;
	int ret;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.arena = arena_new(0);
	pd = arena_strdup(c.arena, pd_in);
	rid = report_id(r, pd, period, c.arena);
	if (reports_db_report_state(r->db, pd, period, state, sizeof(state),
				    &first, &err) < 0 ||
	    reports_db_lines(r->db, pd, period, collect_line, &c, &err) < 0) {
		ma_log_error(&r->log, "database: %s", err);
		s->failures++;
		goto out;
	}
	if (c.skipped > 0)
		ma_log_warn(&r->log, "%s: period %llu: %lu records without a "
			    "client address (no Received field of our MTA) "
			    "left out", pd, (unsigned long long)period,
			    c.skipped);
	if (c.n == 0) {
		ma_log_warn(&r->log, "%s: period %llu: no readable record",
			    pd, (unsigned long long)period);
		newstate = "given-up";
		ret = 0;
	} else
		ret = build_and_send(s, pd, period, &c, rid, &newstate, &err);
	if (ret < 0) {
		s->failures++;
		if (first != 0 && r->now - first > REPORTS_RETRY_SECONDS)
			newstate = "given-up";
		ma_log_warn(&r->log, "%s: period %llu: %s (%s)", pd,
			    (unsigned long long)period, err, newstate);
	}
	if (reports_db_set_state(r->db, pd, period, rid, newstate, r->now,
				 &err) < 0) {
		ma_log_error(&r->log, "database: %s", err);
		s->failures++;
	}
out:
	free(c.h);
	free(c.keys);
	arena_free(&c.arena);
	return 0;
}

struct due {
	struct arena *arena;
	const char **pd;
	uint64_t *period;
	size_t n, cap;
};

/* Collected first: the reports table changes while they are sent. */
static int
due_add(void *ctx, const char *pd, uint64_t period)
{
	struct due *d = ctx;

	if (d->n == d->cap) {
		d->cap = d->cap == 0 ? 16 : d->cap * 2;
		d->pd = realloc(d->pd, d->cap * sizeof(*d->pd));
		d->period = realloc(d->period, d->cap * sizeof(*d->period));
		if (d->pd == NULL || d->period == NULL)
			abort();
	}
	d->pd[d->n] = arena_strdup(d->arena, pd);
	d->period[d->n++] = period;
	return 0;
}

int
reports_send(struct reports *r, const char *out_dir)
{
	struct dns_settings ds;
	struct send_ctx s;
	struct due due;
	const char *err;
	size_t i;
	int ret = 0;

	memset(&s, 0, sizeof(s));
	s.r = r;
	s.out_dir = out_dir;
	memset(&ds, 0, sizeof(ds));
	ds.resolver_config = r->set.resolver_config;
	if (dns_resolver_new(&ds, NULL, &r->log, &s.resolver, &err) < 0) {
		ma_log_error(&r->log, "resolver: %s", err);
		return -1;
	}
	if (r->set.signer_config != NULL &&
	    reports_signer_new(r->set.signer_config, &s.signer, &err) < 0) {
		ma_log_error(&r->log, "SignerConfig %s: %s",
			     r->set.signer_config, err);
		dns_resolver_free(&s.resolver);
		return -1;
	}
	/* one transaction: a concurrent `send` waits, then finds the
	 * reports done */
	memset(&due, 0, sizeof(due));
	due.arena = r->arena;
	if (reports_db_begin(r->db, &err) < 0 ||
	    reports_db_due(r->db, reports_period(r, r->now), due_add, &due,
			   &err) < 0) {
		ma_log_error(&r->log, "database: %s", err);
		ret = -1;
	}
	for (i = 0; ret == 0 && i < due.n; i++)
		(void)send_one(&s, due.pd[i], due.period[i]);
	if (ret == 0 && r->set.failure_reports)
		s.failures += (int)reports_failure_send(r, out_dir, s.resolver,
						       s.signer);
	if (ret == 0 && reports_db_commit(r->db, &err) < 0) {
		ma_log_error(&r->log, "database: %s", err);
		ret = -1;
	}
	if (ret < 0)
		reports_db_rollback(r->db);
	free(due.pd);
	free(due.period);
	dns_resolver_free(&s.resolver);
	reports_signer_free(&s.signer);
	return ret < 0 || s.failures > 0 ? -1 : 0;
}
