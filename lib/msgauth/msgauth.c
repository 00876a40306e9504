/*
 * msgauth.c - one message's authentication at delivery (see msgauth.h):
 * the state machine that runs SPF, the DKIM verifier and DMARC over the
 * resolver's event loop within one time budget.
 *
 * Order: SPF (when checked) starts at once; DKIM key lookups start at the
 * end of the header (dkim-verify.c); DMARC starts when the message has
 * ended, every DKIM verdict is known and SPF is done (RFC 9989 5.3.3,
 * 4.4.2 are its inputs).  The budget timer cancels whatever is still
 * pending.  The caller's callback is never called from inside a DNS or
 * timer callback chain: completion activates `done_ev`, whose handler
 * calls back last, so the caller may free the struct msgauth there.
 */
#include "config.h"

#include <event2/event.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim-keystore.h"
#include "dns/dns.h"
#include "util/elapsed.h"
#include "util/log.h"
#include "msg/msg-address.h"
#include "msg/msg-header.h"
#include "msgauth/msgauth-authres.h"
#include "msgauth/msgauth-header.h"
#include "msgauth/msgauth.h"

static const char budget_reason[] = "DNS time budget exceeded";

struct msgauth {
	struct arena *arena;
	struct msgauth_settings set;
	const struct ma_log *log;
	struct dns_resolver *resolver;
	struct dkim_keystore *keys;
	struct timespec started;

	/* the message's one header parser: its events go to both */
	struct msg_header_parser *parser;
	struct msgauth_header *header;
	struct dkim_verify *dkim;

	struct spf_request spf_req;
	struct spf_settings spf_set;
	struct spf_check *spf_check;

	struct dmarc_settings dmarc_set;
	struct dmarc_check *dmarc_check;
	bool dmarc_started;

	/* the Author Domain, found once (author_find()) for the DKIM
	   verifier's order and for DMARC */
	bool author_found;
	enum msg_author_status author_status;
	const char *author, *author_why;

	struct event *budget_ev, *done_ev;
	bool ended, dkim_done, expired, done, called_back, header_ended;
	msgauth_callback_t *callback;
	void *context;

	/* settings.header_copy_max: the copy and the classifier */
	struct buf header_copy;
	struct msg_report_classifier report_kind;

	struct msgauth_result result;
	const char *authres[2]; /* LF, CRLF */
};

const char *
msgauth_drop_reason_str(enum msgauth_drop_reason reason)
{
	return reason == MSGAUTH_DROP_REPLACED ? "replaced" : "forged";
}

/* Every verdict is known: hand over from the loop (done_ev), or at once
 * when there is no loop (only from msgauth_end(), as its last step). */
/* "pass,fail" - one token per reported signature, "none" if unsigned. */
static const char *
dkim_tokens(struct arena *arena, const struct msgauth_result *r)
{
	struct buf b = BUF_INIT;
	const char *s;
	size_t i;

	if (r->ndkim == 0)
		return "none";
	for (i = 0; i < r->ndkim; i++) {
		if (i > 0)
			buf_append(&b, ",", 1);
		buf_append_str(&b, dkim_result_str(r->dkim[i].result));
	}
	s = arena_memdup0(arena, b.data, b.len);
	buf_free(&b);
	return s;
}

/* RFC 6376 6.1 / 6.3: the message fails DKIM only when some signature
 * failed and none passed. */
static bool
dkim_failed(const struct msgauth_result *r)
{
	bool fail = false;
	size_t i;

	for (i = 0; i < r->ndkim; i++) {
		if (r->dkim[i].result == DKIM_RESULT_PASS)
			return false;
		if (r->dkim[i].result == DKIM_RESULT_FAIL)
			fail = true;
	}
	return fail;
}

static void
maybe_finish(struct msgauth *ma)
{
	if (ma->done || !ma->ended || !ma->dkim_done ||
	    ma->spf_check != NULL || !ma->dmarc_started ||
	    ma->dmarc_check != NULL)
		return;
	ma->done = true;
	ma->result.dkim_failed = dkim_failed(&ma->result);
	ma->result.dkim_tokens = dkim_tokens(ma->arena, &ma->result);
	ma->result.elapsed_ms = ma_elapsed_ms(&ma->started);
	ma->result.budget_expired = ma->expired;
	if (ma->budget_ev != NULL)
		event_del(ma->budget_ev);
	if (ma->done_ev != NULL)
		event_active(ma->done_ev, 0, 0);
}

static void
done_cb(evutil_socket_t fd, short what, void *context)
{
	struct msgauth *ma = context;

	(void)fd;
	(void)what;
	if (ma->called_back || ma->callback == NULL)
		return;
	ma->called_back = true;
	ma->callback(ma, ma->context); /* last: it may free ma */
}

static void
dmarc_cb(const struct dmarc_verdict *v, void *context)
{
	struct msgauth *ma = context;
	struct dmarc_verdict *o = &ma->result.dmarc;

	ma->dmarc_check = NULL;
	*o = *v;
	o->author_domain = arena_strdup_or_null(ma->arena, v->author_domain);
	o->policy_domain = arena_strdup_or_null(ma->arena, v->policy_domain);
	o->org_domain = arena_strdup_or_null(ma->arena, v->org_domain);
	o->record = arena_strdup_or_null(ma->arena, v->record);
	o->dkim_domain = arena_strdup_or_null(ma->arena, v->dkim_domain);
	o->reason = arena_strdup_or_null(ma->arena, v->reason);
	maybe_finish(ma);
}

/* DMARC that could not run to its end: temperror (RFC 9989 5.3.6:
 * neither pass nor fail, no policy applied). */
static void
dmarc_temperror(struct msgauth *ma, const char *reason)
{
	struct dmarc_verdict *v = &ma->result.dmarc;

	memset(v, 0, sizeof(*v));
	v->result = DMARC_RESULT_TEMPERROR;
	v->policy = DMARC_POLICY_UNSET;
	v->disposition = DMARC_POLICY_NONE;
	v->author_domain = ma->result.from_domain;
	v->reason = reason;
}

/* RFC 9989 5.3.3: each signature's d= and whether it passed. */
static struct dmarc_dkim *
dmarc_dkim_list(struct msgauth *ma)
{
	const struct msgauth_result *r = &ma->result;
	struct dmarc_dkim *dk = arena_zalloc(ma->arena,
					     (r->ndkim + 1) * sizeof(*dk));
	size_t i;

	for (i = 0; i < r->ndkim; i++) {
		dk[i].domain = r->dkim[i].domain;
		dk[i].selector = r->dkim[i].selector;
		dk[i].pass = r->dkim[i].result == DKIM_RESULT_PASS;
		dk[i].temperror = r->dkim[i].result == DKIM_RESULT_TEMPERROR;
	}
	return dk;
}

static void
dmarc_start(struct msgauth *ma)
{
	struct dmarc_request req;
	const char *err;

	memset(&req, 0, sizeof(req));
	req.author_domain = ma->result.from_domain;
	req.dkim = dmarc_dkim_list(ma);
	req.ndkim = ma->result.ndkim;
	if (ma->result.spf_reported) {
		req.spf_result = ma->result.spf.result;
		req.spf_domain = ma->result.spf.domain;
	} else {
		req.spf_result = SPF_NONE;
	}
	if (ma->expired) {
		dmarc_temperror(ma, budget_reason);
		return;
	}
	if (dmarc_check_start(ma->resolver, &ma->dmarc_set, &req, ma->log,
			      dmarc_cb, ma, &ma->dmarc_check, &err) < 0) {
		ma_log_warn(ma->log, "msgauth: dmarc: %s", err);
		dmarc_temperror(ma, arena_strdup(ma->arena, err));
	}
}

/* The Author Domain of the From fields (RFC 9989 5.3.1), parsed once per
 * message: at the end of the header, for the DKIM verifier's order, and
 * kept for DMARC.  ma->author is NULL unless the status is OK. */
static void
author_find(struct msgauth *ma)
{
	const char *const *from;
	size_t kept, count;

	if (ma->author_found)
		return;
	ma->author_found = true;
	from = msgauth_header_from(ma->header, &kept, &count);
	ma->author_status = msg_address_author_domain(
		from, NULL, count > kept ? kept : count, ma->arena,
		&ma->author, &ma->author_why);
	if (ma->author_status != MSG_AUTHOR_OK)
		ma->author = NULL;
}

/* The DKIM verdicts and SPF are known: DMARC (or not). */
static void
maybe_start_dmarc(struct msgauth *ma)
{
	enum msg_author_status st;
	const char *why;

	if (ma->dmarc_started || !ma->dkim_done || ma->spf_check != NULL)
		return;
	ma->dmarc_started = true;
	if (ma->set.dmarc_off)
		return;
	ma->result.dmarc_evaluated = true;
	author_find(ma);
	st = ma->author_status;
	why = ma->author_why;
	ma->result.from_domain = ma->author;
	if (msgauth_header_hidden_from(ma->header)) {
		/* one more From field a mail reader may show: RFC 9989
		   5.3.1 / RFC 7489 6.6.1 multiple From, hostile */
		st = MSG_AUTHOR_MULTIPLE_FROM;
		why = MSG_HEADER_HIDDEN_FROM_REASON;
	} else if (st != MSG_AUTHOR_UNPARSEABLE) {
		why = NULL;
	}
	if (st != MSG_AUTHOR_OK) {
		ma->result.from_domain = NULL;
		dmarc_verdict_hostile(&ma->dmarc_set, st, why,
				      ma->arena, &ma->result.dmarc);
		return;
	}
	dmarc_start(ma);
}

static void
dkim_done(struct dkim_verify *v, void *context)
{
	struct msgauth *ma = context;

	ma->result.dkim = dkim_verify_results(v, &ma->result.ndkim);
	ma->result.dkim_ignored = dkim_verify_ignored(v);
	ma->dkim_done = true;
	maybe_start_dmarc(ma);
	maybe_finish(ma);
}

static void
spf_cb(const struct spf_verdict *v, void *context)
{
	struct msgauth *ma = context;
	struct msgauth_spf *s = &ma->result.spf;

	ma->spf_check = NULL;
	s->result = v->result;
	s->found = true;
	s->domain = arena_strdup_or_null(ma->arena, v->domain);
	s->helo = arena_strdup_or_null(ma->arena, ma->spf_req.helo);
	s->helo_identity = v->identity == SPF_IDENTITY_HELO;
	s->reason = arena_strdup_or_null(ma->arena, v->reason);
	maybe_start_dmarc(ma);
	maybe_finish(ma);
}

static void
budget_cb(evutil_socket_t fd, short what, void *context)
{
	struct msgauth *ma = context;

	(void)fd;
	(void)what;
	ma->expired = true;
	ma_log_warn(ma->log, "msgauth: %s (%u ms)", budget_reason,
		    ma->set.time_budget_ms);
	if (ma->spf_check != NULL) {
		spf_check_cancel(&ma->spf_check);
		ma->result.spf.result = SPF_TEMPERROR; /* RFC 7208 2.6.6 */
		ma->result.spf.found = true;
		ma->result.spf.reason = budget_reason;
	}
	if (ma->dmarc_check != NULL) {
		dmarc_check_cancel(&ma->dmarc_check);
		dmarc_temperror(ma, budget_reason);
	}
	/* may complete DKIM and start (a temperror) DMARC */
	dkim_verify_expire(ma->dkim, budget_reason);
	maybe_start_dmarc(ma);
	maybe_finish(ma);
}

static bool
trusted_ids_ok(const struct msgauth_settings *set)
{
	size_t i;

	if (set->ntrusted_authserv_ids > MSGAUTH_MAX_TRUSTED_IDS)
		return false;
	for (i = 0; i < set->ntrusted_authserv_ids; i++)
		if (set->trusted_authserv_ids[i] == NULL ||
		    set->trusted_authserv_ids[i][0] == '\0')
			return false;
	return true;
}

static int
check_settings(const struct msgauth_settings *set,
	       struct dns_resolver *resolver, struct dkim_keystore *keys,
	       const struct spf_request *spf_req, const char **error_r)
{
	if (set->authserv_id == NULL || set->authserv_id[0] == '\0')
		*error_r = "no authserv-id";
	else if (keys == NULL)
		*error_r = "no DKIM key store";
	else if (!trusted_ids_ok(set))
		*error_r = "trusted authserv-ids: more than 16, or an empty one";
	else if (resolver == NULL && (!set->dmarc_off ||
				      set->spf_source == MSGAUTH_SPF_CHECK))
		*error_r = "DMARC and SPF checks need a resolver";
	else if (set->spf_source == MSGAUTH_SPF_CHECK &&
		 (spf_req == NULL || spf_req->client_ip == NULL))
		*error_r = "SPF needs the client address";
	else
		return 0;
	return -1;
}

static int
spf_start(struct msgauth *ma, const struct spf_request *req,
	  const char **error_r)
{
	ma->spf_req = *req;
	ma->spf_req.identity = SPF_IDENTITY_MAILFROM;
	/* RFC 7208 2.4: a null MAIL FROM is checked as postmaster@HELO */
	if (req->mail_from == NULL || req->mail_from[0] == '\0')
		ma->spf_req.identity = SPF_IDENTITY_HELO;
	ma->result.spf_reported = true;
	if (spf_check_start(ma->resolver, &ma->spf_set, &ma->spf_req, ma->log,
			    spf_cb, ma, &ma->spf_check, error_r) < 0)
		return -1;
	return 0;
}

static void
start_timers(struct msgauth *ma)
{
	struct event_base *base = dns_resolver_base(ma->resolver);
	unsigned int ms = ma->set.time_budget_ms;
	struct timeval tv = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000};

	ma->budget_ev = evtimer_new(base, budget_cb, ma);
	ma->done_ev = event_new(base, -1, 0, done_cb, ma);
	evtimer_add(ma->budget_ev, &tv);
}

int
msgauth_new(const struct msgauth_settings *settings,
	    struct dns_resolver *resolver, struct dkim_keystore *keys,
	    const struct ma_log *log, const struct spf_request *spf_request,
	    struct msgauth **ma_r, const char **error_r)
{
	struct dkim_verify_settings dset;
	struct arena *arena;
	struct msgauth *ma;

	if (check_settings(settings, resolver, keys, spf_request, error_r) < 0)
		return -1;
	arena = arena_new(8192);
	ma = arena_zalloc(arena, sizeof(*ma));
	ma->arena = arena;
	ma->set = *settings;
	if (ma->set.time_budget_ms == 0)
		ma->set.time_budget_ms = MSGAUTH_DEFAULT_BUDGET_MS;
	ma->log = log;
	ma->resolver = resolver;
	ma->keys = keys;
	clock_gettime(CLOCK_MONOTONIC, &ma->started);
	ma->dmarc_set.org_method = settings->psl != NULL ? DMARC_ORG_PSL :
		DMARC_ORG_TREE_WALK;
	ma->dmarc_set.psl = settings->psl;
	ma->dmarc_set.quarantine_hostile = settings->dmarc_quarantine_hostile;
	ma->parser = msg_header_parser_new(0);
	ma->header = msgauth_header_new(arena, &ma->set);
	memset(&dset, 0, sizeof(dset));
	dset.max_signatures = settings->max_signatures;
	dset.accept_partial_body = settings->dkim_accept_partial_body;
	dset.now = settings->now;
	dset.done_callback = dkim_done;
	dset.done_context = ma;
	ma->dkim = dkim_verify_new(&dset, keys, log);
	if (resolver != NULL)
		start_timers(ma);
	if (settings->spf_source == MSGAUTH_SPF_CHECK &&
	    spf_start(ma, spf_request, error_r) < 0) {
		msgauth_free(&ma);
		return -1;
	}
	*ma_r = ma;
	return 0;
}

void
msgauth_free(struct msgauth **ma_p)
{
	struct msgauth *ma = *ma_p;
	struct arena *arena;

	if (ma == NULL)
		return;
	spf_check_cancel(&ma->spf_check);
	dmarc_check_cancel(&ma->dmarc_check);
	dkim_verify_free(&ma->dkim);
	msgauth_header_free(&ma->header);
	msg_header_parser_free(&ma->parser);
	buf_free(&ma->header_copy);
	if (ma->budget_ev != NULL)
		event_free(ma->budget_ev);
	if (ma->done_ev != NULL)
		event_free(ma->done_ev);
	arena = ma->arena;
	arena_free(&arena);
	*ma_p = NULL;
}

/* settings.header_copy_max: one more field for the copy and the
 * report classifier. */
static void
header_copy_field(struct msgauth *ma, const struct msg_header_field *f)
{
	msg_report_kind_field(&ma->report_kind, f->name, f->name_len,
			      f->value, f->value_len);
	if (ma->result.header_cut)
		return;
	if (f->oversized ||
	    ma->header_copy.len + f->raw_len + 2 > ma->set.header_copy_max) {
		ma->result.header_cut = true;
		return;
	}
	buf_append(&ma->header_copy, f->raw, f->raw_len);
	buf_append(&ma->header_copy, "\r\n", 2);
}

/* One pass: each event of the message's parser goes to the header
 * collector (until the header ends) and to the DKIM verifier. */
static void
parse_events(struct msgauth *ma)
{
	const struct msg_header_from *from;
	struct msg_header_field f;
	enum msg_header_event ev;

	while ((ev = msg_header_next(ma->parser, &f)) != MSG_HEADER_NEED_MORE &&
	       ev != MSG_HEADER_EOF) {
		switch (ev) {
		case MSG_HEADER_FIELD:
			msgauth_header_field(ma->header, &f);
			dkim_verify_field(ma->dkim, &f);
			if (ma->set.header_copy_max != 0 && !ma->header_ended)
				header_copy_field(ma, &f);
			break;
		case MSG_HEADER_END:
			ma->header_ended = true;
			msgauth_header_end(ma->header);
			from = msgauth_header_from_count(ma->header);
			author_find(ma);
			dkim_verify_author_domain(ma->dkim, ma->author);
			dkim_verify_header_end(ma->dkim, from);
			break;
		case MSG_HEADER_BODY:
			dkim_verify_body(ma->dkim, f.raw, f.raw_len);
			break;
		default:
			break;
		}
	}
}

void
msgauth_push(struct msgauth *ma, const void *data, size_t len)
{
	if (ma->ended || len == 0)
		return;
	msg_header_push(ma->parser, data, len);
	parse_events(ma);
}

void
msgauth_end(struct msgauth *ma, msgauth_callback_t *callback, void *context)
{
	if (ma->ended)
		return;
	ma->callback = callback;
	ma->context = context;
	ma->ended = true;
	msg_header_push_eof(ma->parser);
	parse_events(ma);
	msgauth_header_end(ma->header); /* a header that never ended */
	msgauth_header_trust(ma->header,
			     ma->set.spf_source == MSGAUTH_SPF_HEADER ?
			     &ma->result.spf : &(struct msgauth_spf){0},
			     &ma->result.drop, &ma->result.ndrop);
	ma->result.forged_unlisted = msgauth_header_unlisted(ma->header);
	if (ma->set.header_copy_max != 0) {
		ma->result.header = buf_cstr(&ma->header_copy);
		ma->result.header_len = ma->header_copy.len;
		ma->result.report_kind =
			msg_report_kind_result(&ma->report_kind);
	}
	ma->result.client_ip =
		ma->set.spf_source == MSGAUTH_SPF_CHECK ?
		arena_strdup_or_null(ma->arena, ma->spf_req.client_ip) :
		msgauth_header_client_ip(ma->header);
	if (ma->result.forged_unlisted > 0)
		ma_log_warn(ma->log,
			    "msgauth: %zu more fields claim a trusted "
			    "authserv-id than can be dropped: hostile",
			    ma->result.forged_unlisted);
	if (ma->set.spf_source == MSGAUTH_SPF_HEADER)
		ma->result.spf_reported = true;
	/* completes DKIM now (keys from a table or the cache) or later */
	dkim_verify_end(ma->dkim);
	if (ma->done_ev == NULL && ma->done)
		done_cb(-1, 0, ma); /* no loop: from here, last */
}

bool
msgauth_done(const struct msgauth *ma)
{
	return ma->done;
}

static void
run_cb(struct msgauth *ma, void *context)
{
	(void)ma;
	(void)context;
}

int
msgauth_run(struct msgauth *ma, const char **error_r)
{
	struct event_base *base;

	msgauth_end(ma, run_cb, NULL);
	if (ma->done_ev == NULL) {
		if (!ma->done) {
			*error_r = "verdicts pending without a resolver";
			return -1;
		}
		return 0;
	}
	base = dns_resolver_base(ma->resolver);
	while (!ma->called_back) {
		if (event_base_loop(base, EVLOOP_ONCE) < 0) {
			*error_r = "event loop failed";
			return -1;
		}
	}
	return 0;
}

const struct msgauth_result *
msgauth_result(const struct msgauth *ma)
{
	return &ma->result;
}

const char *
msgauth_authres_value(struct msgauth *ma, bool crlf)
{
	if (!ma->done)
		return NULL;
	if (ma->authres[crlf] == NULL)
		ma->authres[crlf] = msgauth_authres_build(
			ma->arena, ma->set.authserv_id, &ma->result,
			ma->set.spf_source, crlf);
	return ma->authres[crlf];
}
