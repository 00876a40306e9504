/*
 * reports-failure.c - `dmarc-reports send` with FailureReports yes: one
 * DMARC failure report (RFC 9991) per imported record that asked for
 * one (dmarc-history(5) fdue=; reports-failure-db.h), inside `send`'s
 * transaction, so that two hosts sending at once on one PostgreSQL send
 * each report once (the second finds the first's states committed).
 *
 * Per failure:
 *  - the policy domain's DMARC record is re-read: its ruf, external
 *    destinations verified as for rua (RFC 9991 section 5, RFC 9990
 *    section 4; reports-rua.h); psd=y: none (RFC 9991 section 2);
 *  - the rate limit (RFC 9991 section 2: "MUST implement a rate-limit";
 *    8.1 "a maximum number of reports ... (and the remainder
 *    discarded)"): a destination that got FailureReportRate reports in
 *    the hour before is skipped; when every one is, the report is
 *    discarded ('rate-limited');
 *  - one report per message, its Auth-Failure the first of what fo asked
 *    for: dmarc, else signature (fo=d), else spf (fo=s) (RFC 9991
 *    section 3: mechanism-specific reports "instead of, or in addition
 *    to"; one per message keeps the volume down, 8.1);
 *  - SPF-DNS (RFC 9991 4 item 1, RFC 6591 3.2) for a report about SPF:
 *    the SPF record of the MAIL FROM domain as DNS holds it now (the
 *    history does not keep the record the MTA evaluated);
 *  - the message (reports-failure-mail.h), DKIM-signed with SignerConfig
 *    like the aggregate reports, handed to ReportCommand or written to
 *    --out DIR as failure!POLICY-DOMAIN!REPORT-ID.eml.
 * Failures (DNS trouble, ReportCommand) leave it 'failed', retried for
 * REPORTS_RETRY_SECONDS after the first try, then 'given-up'.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/hdrfold.h"
#include "dns/dns.h"
#include "dmarc/dmarc-failure.h"
#include "dmarc/dmarc-history.h"
#include "dmarc/dmarc-report.h"
#include "reports-db.h"
#include "reports-deliver.h"
#include "reports-failure-db.h"
#include "reports-failure-mail.h"
#include "reports-rua.h"
#include "reports-sign.h"
#include "reports.h"

/* FailureReportRate counts the reports of this many seconds before. */
#define REPORTS_FAILURE_RATE_WINDOW 3600
/* An SPF record longer than this is not quoted in SPF-DNS. */
#define REPORTS_SPF_DNS_MAX 2048
/* RFC 5322 2.1.1: lines "MUST be no more than 998 characters". */
#define REPORTS_MAIL_MAX_LINE 998

struct failure_item {
	const char *id, *line;
	uint64_t first_try;
};

struct failure_run {
	struct reports *r;
	const char *out_dir;
	struct dns_resolver *resolver;
	struct reports_signer *signer;
	struct arena *arena;
	struct failure_item *items;
	size_t n, cap;
	unsigned int failures;
};

static int
collect(void *ctx, const char *id, const char *line, uint64_t first_try)
{
	struct failure_run *f = ctx;

	if (f->n == f->cap) {
		f->cap = f->cap == 0 ? 16 : f->cap * 2;
		f->items = realloc(f->items, f->cap * sizeof(*f->items));
		if (f->items == NULL)
			abort();
	}
	f->items[f->n].id = arena_strdup(f->arena, id);
	f->items[f->n].line = arena_strdup(f->arena, line);
	f->items[f->n++].first_try = first_try;
	return 0;
}

/* Letters and digits: the Message-ID's left part and the file name. */
static const char *
failure_report_id(const struct dmarc_history *h, struct arena *arena)
{
	uint32_t x = 2166136261u; /* FNV-1a of the record id */

	for (const char *p = h->id; *p != '\0'; p++)
		x = (x ^ (unsigned char)*p) * 16777619u;
	return arena_printf(arena, "%llu%08xf", (unsigned long long)h->time,
			    x);
}

static enum dmarc_failure_kind
failure_kind(unsigned int due)
{
	if ((due & DMARC_FAILURE_DMARC) != 0)
		return DMARC_FAILURE_DMARC;
	if ((due & DMARC_FAILURE_DKIM) != 0)
		return DMARC_FAILURE_DKIM;
	return DMARC_FAILURE_SPF;
}

/* The SPF-DNS value for `record` of `domain`: txt : DOMAIN : "RECORD",
 * '"' and '\\' escaped (RFC 5322 3.2.4 quoted-string).  A long record
 * is folded before one of its own spaces (CRLF, then that space: FWS
 * inside the quoted-string, which unfolds to the record as it was) so
 * that lines stay near HDRFOLD_WIDTH and never pass RFC 5322 2.1.1's
 * 998.  false for a byte outside printable ASCII or a word too long to
 * fit a line. */
static bool
spf_dns_quote(struct buf *b, const char *domain, const char *record)
{
	size_t start = b->len, col;

	buf_printf(b, "txt : %s : \"", domain);
	/* "SPF-DNS: " precedes the value on its first line */
	col = strlen("SPF-DNS: ") + b->len - start;
	for (const char *p = record; *p != '\0'; p++) {
		if (*p < 0x20 || *p > 0x7e)
			return false;
		/* never a line of white space alone (RFC 5322 3.2.2) */
		if (*p == ' ' && p > record && p[-1] != ' ' &&
		    col + 1 + strcspn(p + 1, " ") + 1 > HDRFOLD_WIDTH) {
			buf_append_str(b, "\r\n");
			col = 0;
		}
		if (*p == '"' || *p == '\\') {
			buf_append_char(b, '\\');
			col++;
		}
		buf_append_char(b, *p);
		if (++col > REPORTS_MAIL_MAX_LINE - 1)
			return false;
	}
	buf_append_char(b, '"');
	return true;
}

/* RFC 6591 3.2 spf-dns: "txt" ":" d-name ":" the record in zone file
 * form, for a report about SPF; NULL when there is nothing to quote
 * (no failed SPF result, no single printable v=spf1 record). */
static const char *
spf_dns(struct dns_resolver *resolver, const struct dmarc_history *h,
	enum dmarc_failure_kind kind, struct arena *arena)
{
	struct dns_result *res;
	const char *err, *found = NULL;
	struct buf b = BUF_INIT;
	const char *out = NULL;

	if (h->spf_domain == NULL || h->spf_result == NULL ||
	    strcmp(h->spf_result, "pass") == 0 ||
	    (kind != DMARC_FAILURE_SPF && h->spf_aligned) ||
	    !dmarc_report_domain_valid(h->spf_domain) ||
	    dns_lookup(resolver, h->spf_domain, DNS_T_TXT, &res, &err) < 0)
		return NULL;
	for (size_t i = 0; res->outcome == DNS_ANSWER && i < res->count; i++) {
		const struct dns_rr *rr = &res->rrs[i];

		if (rr->type == DNS_T_TXT && rr->u.txt.text_len >= 6 &&
		    strncasecmp(rr->u.txt.text, "v=spf1", 6) == 0 &&
		    (rr->u.txt.text_len == 6 || rr->u.txt.text[6] == ' ')) {
			found = found == NULL ? rr->u.txt.text : "";
		}
	}
	if (found != NULL && *found != '\0' &&
	    strlen(found) <= REPORTS_SPF_DNS_MAX &&
	    spf_dns_quote(&b, h->spf_domain, found))
		out = arena_strdup(arena, buf_cstr(&b));
	buf_free(&b);
	dns_result_free(&res);
	return out;
}

/* The destinations under their rate limit, in place; how many. */
static int
rate_filter(struct reports *r, struct reports_rua *to, size_t *nto,
	    const char **error_r)
{
	uint64_t since = r->now > REPORTS_FAILURE_RATE_WINDOW ?
				 r->now - REPORTS_FAILURE_RATE_WINDOW + 1 : 0;
	uint64_t count;
	size_t i, k = 0;

	for (i = 0; i < *nto; i++) {
		if (reports_failure_db_recent(r->db, to[i].address, since,
					      &count, error_r) < 0)
			return -1;
		if (count < r->set.failure_rate)
			to[k++] = to[i];
		else
			ma_log_info(&r->log, "failure report to %s: rate limit "
				    "(%u per hour) reached: skipped",
				    to[i].address, r->set.failure_rate);
	}
	*nto = k;
	return 0;
}

static int
hand_over(struct failure_run *f, const struct dmarc_history *h,
	  const char *rid, struct buf *msg, const char **error_r)
{
	struct reports *r = f->r;
	const char *name;

	if (f->signer != NULL &&
	    reports_signer_sign(f->signer, r->set.email, (time_t)r->clock,
				msg, error_r) < 0)
		return -1;
	if (f->out_dir == NULL)
		return reports_deliver_command(r, msg, error_r);
	name = arena_printf(r->arena, "failure!%s!%s.eml", h->policy_domain,
			    rid);
	return reports_deliver_file(r, f->out_dir, name, msg, error_r);
}

/* One failure report; its new state in *state_r, the addresses in
 * *sent_to_r.  -1: failed (retry), *error_r set. */
static int
send_failure(struct failure_run *f, const struct dmarc_history *h,
	     struct arena *a, const char **state_r, const char **sent_to_r,
	     const char **error_r)
{
	struct reports *r = f->r;
	struct reports_rua to[REPORTS_MAX_RUA];
	struct reports_failure_mail m;
	struct buf msg = BUF_INIT, sent = BUF_INIT;
	size_t nto, i;
	bool psd;
	int ret;

	if (reports_ruf_get(f->resolver, &r->log, h->policy_domain, a, to,
			    &nto, &psd, error_r) < 0)
		return -1;
	*state_r = psd ? "psd" : "no-ruf";
	if (nto == 0)
		return 0;
	if (rate_filter(r, to, &nto, error_r) < 0)
		return -1;
	*state_r = "rate-limited";
	if (nto == 0)
		return 0;
	memset(&m, 0, sizeof(m));
	m.from = r->set.email;
	m.receiver = r->receiver;
	m.report_id = failure_report_id(h, a);
	m.date = r->clock;
	m.to = to;
	m.nto = nto;
	m.h = h;
	m.kind = failure_kind(h->failure_due);
	m.spf_dns = spf_dns(f->resolver, h, m.kind, a);
	reports_failure_mail_build(&m, &msg);
	ret = hand_over(f, h, m.report_id, &msg, error_r);
	for (i = 0; ret == 0 && i < nto; i++) {
		buf_printf(&sent, "%s%s", i > 0 ? "," : "", to[i].address);
		ret = reports_failure_db_note_sent(r->db, to[i].address,
						   r->now, error_r);
	}
	if (ret == 0) {
		*state_r = "sent";
		*sent_to_r = arena_strdup(a, buf_cstr(&sent));
		ma_log_info(&r->log, "%s: failure report %s about %s to %s",
			    h->policy_domain, m.report_id, h->id,
			    buf_cstr(&sent));
	}
	buf_free(&msg);
	buf_free(&sent);
	return ret;
}

static void
send_item(struct failure_run *f, const struct failure_item *it)
{
	struct reports *r = f->r;
	struct arena *a = arena_new(0);
	struct dmarc_history *h = NULL;
	const char *state = "bad-record", *sent_to = "", *err;

	if (dmarc_history_parse(it->line, strlen(it->line), a, &h, &err) < 0 ||
	    h->failure_due == 0) {
		ma_log_warn(&r->log, "failure %s: unreadable record: %s",
			    it->id, h == NULL ? err : "nothing due");
	} else if (send_failure(f, h, a, &state, &sent_to, &err) < 0) {
		f->failures++;
		state = it->first_try != 0 &&
				r->now - it->first_try > REPORTS_RETRY_SECONDS ?
				"given-up" : "failed";
		ma_log_warn(&r->log, "%s: failure report about %s: %s (%s)",
			    h->policy_domain, it->id, err, state);
	} else if (strcmp(state, "sent") != 0)
		ma_log_info(&r->log, "%s: failure report about %s: %s",
			    h->policy_domain, it->id, state);
	if (reports_failure_db_set_state(r->db, it->id, state, r->now,
					 sent_to, &err) < 0) {
		ma_log_error(&r->log, "database: %s", err);
		f->failures++;
	}
	arena_free(&a);
}

unsigned int
reports_failure_send(struct reports *r, const char *out_dir,
		     struct dns_resolver *resolver,
		     struct reports_signer *signer)
{
	struct failure_run f;
	const char *err;

	memset(&f, 0, sizeof(f));
	f.r = r;
	f.out_dir = out_dir;
	f.resolver = resolver;
	f.signer = signer;
	f.arena = arena_new(0);
	if (reports_failure_db_due(r->db, collect, &f, &err) < 0) {
		ma_log_error(&r->log, "database: %s", err);
		f.failures++;
	} else {
		for (size_t i = 0; i < f.n; i++)
			send_item(&f, &f.items[i]);
	}
	free(f.items);
	arena_free(&f.arena);
	return f.failures;
}
