/*
 * dkimcheck-verify.c - the dkimcheck engine on lib/msgauth/msgauth.h (see
 * dkimcheck-verify.h).  No Dovecot header is included here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "dkim/dkim-keystore.h"
#include "dns/dns.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "dmarc/dmarc-history.h"
#include "msgauth/msgauth.h"

#include "dkimcheck-verify.h"

struct dkimcheck_engine {
	struct arena *arena; /* settings copies */
	struct msgauth_settings set;
	struct dns_resolver *resolver;
	struct dkim_keystore *keys;
	struct ma_log log;
	dkimcheck_log_func_t *log_fn;
	void *log_context;
};

struct dkimcheck_check {
	struct dkimcheck_engine *engine;
	struct msgauth *ma;
	struct arena *arena; /* the verdict's own strings */
};

static void
engine_log(void *context, enum ma_log_level level, const char *msg)
{
	struct dkimcheck_engine *engine = context;
	enum dkimcheck_log_level l;

	if (engine->log_fn == NULL)
		return;
	switch (level) {
	case MA_LOG_DEBUG:
		l = DKIMCHECK_LOG_DEBUG;
		break;
	case MA_LOG_INFO:
		l = DKIMCHECK_LOG_INFO;
		break;
	case MA_LOG_WARN:
		l = DKIMCHECK_LOG_WARN;
		break;
	default:
		l = DKIMCHECK_LOG_ERROR;
		break;
	}
	engine->log_fn(engine->log_context, l, msg);
}

static void
engine_copy_settings(struct dkimcheck_engine *engine,
		     const struct dkimcheck_engine_settings *set)
{
	const char **ids;
	size_t i, n = 0;

	while (set->trusted_authserv_ids != NULL &&
	       set->trusted_authserv_ids[n] != NULL &&
	       n < MSGAUTH_MAX_TRUSTED_IDS)
		n++;
	ids = arena_zalloc(engine->arena, (n + 1) * sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = arena_strdup(engine->arena,
				      set->trusted_authserv_ids[i]);
	engine->set.authserv_id = arena_strdup(engine->arena,
					       set->authserv_id);
	engine->set.trusted_authserv_ids = ids;
	engine->set.ntrusted_authserv_ids = n;
	engine->set.spf_source = MSGAUTH_SPF_HEADER;
	engine->set.max_signatures = set->max_signatures;
	engine->set.time_budget_ms = set->time_budget_ms;
}

int
dkimcheck_engine_new(const struct dkimcheck_engine_settings *set,
		     struct dkimcheck_engine **engine_r, const char **error_r)
{
	struct dkimcheck_engine *engine = ma_calloc(1, sizeof(*engine));
	struct dns_settings dns_set;

	engine->arena = arena_new(0);
	engine->log.fn = engine_log;
	engine->log.context = engine;
	engine->log.min_level = MA_LOG_WARN;
	engine_copy_settings(engine, set);

	memset(&dns_set, 0, sizeof(dns_set));
	dns_set.resolver_config = set->resolver_config;
	/* no single query may outlive the message's budget */
	dns_set.timeout_ms = set->time_budget_ms;
	if (dns_resolver_new(&dns_set, NULL, &engine->log, &engine->resolver,
			     error_r) < 0) {
		dkimcheck_engine_free(&engine);
		return -1;
	}
	engine->keys = dkim_keystore_new_dns(engine->resolver, &engine->log);
	*engine_r = engine;
	return 0;
}

void
dkimcheck_engine_free(struct dkimcheck_engine **engine_p)
{
	struct dkimcheck_engine *engine = *engine_p;

	if (engine == NULL)
		return;
	*engine_p = NULL;
	dkim_keystore_free(&engine->keys);
	dns_resolver_free(&engine->resolver);
	arena_free(&engine->arena);
	free(engine);
}

void
dkimcheck_engine_set_log(struct dkimcheck_engine *engine,
			 dkimcheck_log_func_t *fn, void *context, bool debug)
{
	engine->log_fn = fn;
	engine->log_context = context;
	engine->log.min_level = debug ? MA_LOG_DEBUG : MA_LOG_WARN;
}

int
dkimcheck_check_new(struct dkimcheck_engine *engine, bool keep_header,
		    struct dkimcheck_check **check_r, const char **error_r)
{
	struct dkimcheck_check *check = ma_calloc(1, sizeof(*check));
	struct msgauth_settings set = engine->set;

	check->engine = engine;
	/* the header for a DMARC failure report (dkimcheck-history.h) */
	set.header_copy_max = keep_header ? DMARC_HISTORY_MAX_HEADER : 0;
	if (msgauth_new(&set, engine->resolver, engine->keys,
			&engine->log, NULL, &check->ma, error_r) < 0) {
		free(check);
		return -1;
	}
	check->arena = arena_new(0);
	*check_r = check;
	return 0;
}

void
dkimcheck_check_push(struct dkimcheck_check *check, const void *data,
		     size_t len)
{
	msgauth_push(check->ma, data, len);
}

static enum dkimcheck_disposition
disposition(const struct msgauth_result *r)
{
	if (!r->dmarc_evaluated)
		return DKIMCHECK_DISPOSITION_NONE;
	switch (r->dmarc.disposition) {
	case DMARC_POLICY_QUARANTINE:
		return DKIMCHECK_DISPOSITION_QUARANTINE;
	case DMARC_POLICY_REJECT:
		return DKIMCHECK_DISPOSITION_REJECT;
	default:
		return DKIMCHECK_DISPOSITION_NONE;
	}
}

static void
fill_verdict(struct dkimcheck_check *check, const struct msgauth_result *r,
	     struct dkimcheck_verdict *v)
{
	static const char *const disp_str[] = {"none", "quarantine",
					       "reject"};
	struct dkimcheck_drop *drops;
	size_t i;

	memset(v, 0, sizeof(*v));
	v->authres_value = msgauth_authres_value(check->ma, true);
	v->from_domain = r->from_domain;
	v->spf = r->spf_reported ? spf_result_str(r->spf.result) : "none";
	v->dkim = r->dkim_tokens;
	v->dkim_fail = r->dkim_failed;
	if (r->dmarc_evaluated) {
		v->dmarc = dmarc_result_str(r->dmarc.result);
		v->policy = r->dmarc.policy == DMARC_POLICY_UNSET ?
				    "" : dmarc_policy_str(r->dmarc.policy);
		v->dmarc_fail = r->dmarc.result == DMARC_RESULT_FAIL;
	} else {
		v->dmarc = "none";
		v->policy = "";
	}
	v->disposition_value = disposition(r);
	v->disposition = disp_str[v->disposition_value];
	v->budget_expired = r->budget_expired;
	v->elapsed_ms = r->elapsed_ms;
	drops = arena_zalloc(check->arena, (r->ndrop + 1) * sizeof(*drops));
	for (i = 0; i < r->ndrop; i++) {
		drops[i].offset = r->drop[i].offset;
		drops[i].length = r->drop[i].length;
	}
	v->drops = drops;
	v->ndrops = r->ndrop;
	v->forged_unlisted = r->forged_unlisted;
}

int
dkimcheck_check_finish(struct dkimcheck_check *check,
		       struct dkimcheck_verdict *verdict_r,
		       const char **error_r)
{
	if (msgauth_run(check->ma, error_r) < 0)
		return -1;
	if (!msgauth_done(check->ma)) {
		*error_r = "verdicts unfinished after the time budget";
		return -1;
	}
	fill_verdict(check, msgauth_result(check->ma), verdict_r);
	return 0;
}

void
dkimcheck_check_free(struct dkimcheck_check **check_p)
{
	struct dkimcheck_check *check = *check_p;

	if (check == NULL)
		return;
	*check_p = NULL;
	msgauth_free(&check->ma);
	arena_free(&check->arena);
	free(check);
}

const struct msgauth_result *
dkimcheck_check_result(const struct dkimcheck_check *check)
{
	return msgauth_result(check->ma);
}

struct arena *
dkimcheck_check_arena(struct dkimcheck_check *check)
{
	return check->arena;
}
