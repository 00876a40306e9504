/*
 * msgauth-history.c - a message's DMARC history record from its verdicts
 * (msgauth-history.h; RFC 9990 3.1.1).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "dkim/dkim.h"
#include "dmarc/dmarc-failure.h"
#include "dmarc/dmarc-record.h"
#include "msgauth/msgauth-history.h"

const char *
msgauth_history_reason(const struct dmarc_verdict *v,
		       enum dmarc_policy applied)
{
	if (v->result != DMARC_RESULT_FAIL || applied == v->policy)
		return NULL;
	if (v->testing && applied == v->disposition)
		return "policy_test_mode";
	return "local_policy";
}

static void
add_dkim(const struct msgauth_result *r, struct dmarc_history *h)
{
	size_t i;

	for (i = 0; i < r->ndkim && h->ndkim < DMARC_HISTORY_MAX_DKIM; i++) {
		const struct dkim_verify_result *d = &r->dkim[i];

		/* RFC 9990: domain is required; an unparsable signature
		 * has none to report */
		if (d->domain == NULL)
			continue;
		h->dkim[h->ndkim].domain = d->domain;
		h->dkim[h->ndkim].selector =
			d->selector != NULL ? d->selector : "";
		h->dkim[h->ndkim].result = dkim_result_str(d->result);
		h->ndkim++;
	}
}

/* RFC 9991 4 item 1 DKIM-Identity: the i= of the signature the report's
 * DKIM-Domain names (dmarc-failure.h: the first failed one of the From
 * domain), or NULL. */
static const char *
failed_identity(const struct msgauth_result *r)
{
	for (size_t i = 0; i < r->ndkim; i++) {
		const struct dkim_verify_result *d = &r->dkim[i];

		if (d->domain != NULL && r->dmarc.author_domain != NULL &&
		    (d->result == DKIM_RESULT_FAIL ||
		     d->result == DKIM_RESULT_PERMERROR) &&
		    strcasecmp(d->domain, r->dmarc.author_domain) == 0)
			return d->auid;
	}
	return NULL;
}

/* RFC 9991: the failure report data, only when a report may be due. */
static void
add_failure(const struct msgauth_result *r,
	    const struct msgauth_history_input *in, struct dmarc_history *h)
{
	struct dmarc_record rec;
	unsigned int fo;
	const char *err;

	if (in->arena == NULL || r->header == NULL || h->record == NULL ||
	    r->report_kind != MSG_REPORT_NONE ||
	    dmarc_record_parse(h->record, strlen(h->record), in->arena, &rec,
			       &err) < 0 ||
	    rec.ruf == NULL || rec.psd == DMARC_PSD_Y)
		return;
	(void)dmarc_fo_parse(rec.fo, &fo, &err);
	h->failure_due = dmarc_failure_due(h, fo);
	if (h->failure_due == 0)
		return;
	h->ruf = rec.ruf;
	h->fo = rec.fo;
	h->mail_from = in->mail_from;
	h->dkim_identity = failed_identity(r);
	h->header = r->header;
	h->header_cut = r->header_cut;
}

bool
msgauth_history_record(const struct msgauth_result *r,
		       const struct msgauth_history_input *in,
		       struct dmarc_history *h)
{
	const struct dmarc_verdict *v = &r->dmarc;

	memset(h, 0, sizeof(*h));
	if (!r->dmarc_evaluated || v->policy == DMARC_POLICY_UNSET ||
	    v->policy_domain == NULL || v->author_domain == NULL)
		return false;
	h->id = in->id;
	h->time = in->time;
	h->source_ip = r->client_ip;
	h->envelope_from = r->spf.domain;
	h->envelope_to = in->envelope_to;
	h->header_from = v->author_domain;
	h->policy_domain = v->policy_domain;
	h->record = v->record;
	h->discovery = in->psl ? "psl" : "treewalk";
	add_dkim(r, h);
	if (r->spf_reported) {
		h->spf_result = spf_result_str(r->spf.result);
		h->spf_domain = r->spf.domain;
	}
	h->dkim_aligned = v->dkim_aligned;
	h->spf_aligned = v->spf_aligned;
	h->result = v->result;
	h->policy = v->policy;
	h->disposition = in->disposition;
	h->reason = msgauth_history_reason(v, in->disposition);
	h->comment = in->comment;
	add_failure(r, in, h);
	return true;
}
