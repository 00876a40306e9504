/*
 * policyd-job.c - one policy request from skips to answer (see
 * policyd-job.h).
 */
#include "config.h"

#include <event2/event.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/arena.h"
#include "dns/dns.h"
#include "util/elapsed.h"
#include "util/log.h"
#include "policy-request.h"
#include "policyd-config.h"
#include "policyd-job.h"

enum job_step {
	STEP_DOMAIN_WHITELIST,
	STEP_HELO_WHITELIST,
	STEP_HELO,
	STEP_MAILFROM,
	STEP_DONE,
};

struct policyd_job {
	const struct policyd_env *env;
	struct arena *arena;
	const struct policy_request *req;
	struct policyd_txn *txn;
	policyd_job_done_t *done;
	void *context;
	struct timespec start;
	unsigned int deadline_ms; /* since start: request_timeout */
	enum job_step step;
	bool started; /* the first timer event starts the steps */
	size_t wl_index;
	struct event *timer;
	struct spf_check *check;
	struct dns_query *query;
	struct policyd_facts facts;
	struct policyd_check helo, mailfrom;
};

static void job_run(struct policyd_job *job);

static const char *
str0(const char *s)
{
	return s == NULL ? "" : s;
}

/* One log line per decision, Postfix style. */
static void
job_log(const struct policyd_env *env, const struct policy_request *req,
	const struct policyd_check *helo, const struct policyd_check *mf,
	const char *action, const struct timespec *start)
{
	const char *sp = strchr(action, ' ');
	size_t alen = strlen(action);

	/* for PREPEND the header name is enough */
	if (strncmp(action, "PREPEND ", 8) == 0) {
		sp = strchr(action + 8, ':');
		alen = sp != NULL ? (size_t)(sp - action) : alen;
	}
	ma_log_info(env->log,
		    "%s: client=%s[%s], helo=<%s>, from=<%s>, to=<%s>, "
		    "helo_spf=%s, mailfrom_spf=%s, action=%.*s, %ums",
		    req->queue_id != NULL && req->queue_id[0] != '\0'
			    ? req->queue_id
			    : "NOQUEUE",
		    str0(req->client_name), str0(req->client_address),
		    str0(req->helo_name), str0(req->sender),
		    str0(req->recipient),
		    helo->checked ? spf_result_str(helo->result) : "-",
		    mf->checked ? spf_result_str(mf->result) : "-", (int)alen,
		    action, ma_elapsed_ms(start));
}

/* A new transaction: the decision outlives the request, so it goes to
 * the txn arena, emptied here. */
static struct arena *
txn_reset(struct policyd_txn *txn)
{
	if (txn->arena != NULL)
		arena_clear(txn->arena);
	else
		txn->arena = arena_new(0);
	return txn->arena;
}

static void
txn_store(struct policyd_txn *txn, const struct policy_request *req,
	  const struct policyd_decision *d)
{
	txn->decision = *d;
	txn->instance = arena_strdup(txn->arena, str0(req->instance));
	txn->answers = 1;
}

/* A client not checked still gets our header field (policyd-decide.h). */
static const char *
skipped_action(const struct policyd_env *env, struct arena *arena,
	       const struct policy_request *req, struct policyd_txn *txn,
	       const char *why)
{
	struct policyd_facts f = {str0(req->client_address), req->helo_name,
				  str0(req->sender)};
	struct policyd_decision d;

	policyd_decide_skipped(txn_reset(txn), env->config, &f, why,
			       req->sasl_username, &d);
	txn_store(txn, req, &d);
	return policyd_decision_action(arena, &d, 0);
}

static void
job_finish(struct policyd_job *job)
{
	struct policyd_txn *txn = job->txn;
	struct policyd_decision d;
	const char *action;

	event_del(job->timer);
	policyd_decide(txn_reset(txn), job->env->config, &job->facts,
		       &job->helo, &job->mailfrom, &d);
	txn_store(txn, job->req, &d);
	action = policyd_decision_action(job->arena, &d, 0);
	job_log(job->env, job->req, &job->helo, &job->mailfrom, action,
		&job->start);
	job->done(action, job->context);
}

static void
arm_timer(struct policyd_job *job, unsigned int step_ms)
{
	unsigned int used = ma_elapsed_ms(&job->start);
	unsigned int left = used >= job->deadline_ms ? 0
						     : job->deadline_ms - used;
	struct timeval tv;

	if (step_ms > left)
		step_ms = left;
	tv.tv_sec = step_ms / 1000;
	tv.tv_usec = (step_ms % 1000) * 1000;
	event_add(job->timer, &tv);
}

static void
set_temperror(struct policyd_check *c, const char *reason)
{
	memset(c, 0, sizeof(*c));
	c->checked = true;
	c->result = SPF_TEMPERROR;
	c->reason = reason;
}

static void
on_timer(evutil_socket_t fd, short what, void *context)
{
	struct policyd_job *job = context;
	bool overall = ma_elapsed_ms(&job->start) >= job->deadline_ms;

	(void)fd;
	(void)what;
	if (!job->started) {
		/* never answer from inside policyd_job_start() */
		job->started = true;
		job_run(job);
		return;
	}
	spf_check_cancel(&job->check);
	dns_query_cancel(&job->query);
	ma_log_warn(job->env->log, "%s[%s]: %s step timed out after %ums",
		    str0(job->req->client_name),
		    str0(job->req->client_address),
		    job->step == STEP_HELO	   ? "HELO check"
		    : job->step == STEP_MAILFROM ? "MAIL FROM check"
						 : "whitelist",
		    ma_elapsed_ms(&job->start));
	if (job->step == STEP_HELO)
		set_temperror(&job->helo, "SPF check timed out");
	else if (job->step == STEP_MAILFROM)
		set_temperror(&job->mailfrom, "SPF check timed out");
	if (job->step == STEP_DOMAIN_WHITELIST)
		job->wl_index++;
	else
		job->step++;
	if (overall && job->step <= STEP_MAILFROM) {
		/* out of time: whatever was not checked is temperror */
		if (!job->mailfrom.checked &&
		    job->env->config->mail_from_reject !=
			    POLICYD_REJECT_NO_CHECK)
			set_temperror(&job->mailfrom, "SPF check timed out");
		job->step = STEP_DONE;
	}
	job_run(job);
}

static void
skip(struct policyd_job *job, const char *why)
{
	event_del(job->timer);
	ma_log_info(job->env->log, "%s: client=%s[%s], from=<%s>, skipped: %s",
		    job->req->queue_id != NULL && job->req->queue_id[0]
			    ? job->req->queue_id
			    : "NOQUEUE",
		    str0(job->req->client_name),
		    str0(job->req->client_address), str0(job->req->sender),
		    why);
	job->done(skipped_action(job->env, job->arena, job->req, job->txn,
				 why),
		  job->context);
}

static void
on_domain_whitelist(const struct spf_verdict *v, void *context)
{
	struct policyd_job *job = context;
	const char *domain =
		job->env->config->domain_whitelist[job->wl_index];

	job->check = NULL;
	event_del(job->timer);
	if (v->result == SPF_PASS) {
		skip(job, arena_printf(job->arena,
				       "Domain_Whitelist %s passes", domain));
		return;
	}
	job->wl_index++;
	job_run(job);
}

/* HELO_Whitelist: the HELO name resolves to the client's own address
 * (an IPv4-mapped client is IPv4, as in SPF).  A or AAAA to ask for, or
 * 0 when the client address does not parse. */
static enum dns_type
client_addr_type(const char *ip)
{
	struct spf_addr client;

	if (spf_addr_parse(ip, &client) < 0)
		return 0;
	return client.v6 ? DNS_T_AAAA : DNS_T_A;
}

static bool
addr_matches(const struct dns_result *r, const char *ip)
{
	struct spf_addr client;

	return spf_addr_parse(ip, &client) == 0 &&
	       spf_addr_in_answer(r, &client, SPF_ADDR_V4_BITS,
				  SPF_ADDR_V6_BITS);
}

static void
on_helo_whitelist(struct dns_result *r, void *context)
{
	struct policyd_job *job = context;
	bool ok = r->outcome == DNS_ANSWER &&
		  addr_matches(r, job->facts.client_ip);

	job->query = NULL;
	event_del(job->timer);
	dns_result_free(&r);
	if (ok) {
		skip(job, "HELO_Whitelist");
		return;
	}
	job->step++;
	job_run(job);
}

static void
on_verdict(const struct spf_verdict *v, void *context)
{
	struct policyd_job *job = context;

	job->check = NULL;
	event_del(job->timer);
	if (job->step == STEP_HELO) {
		policyd_check_set(&job->helo, job->arena, v);
		job->step = policyd_helo_is_final(job->env->config, &job->helo,
						  &job->facts)
				    ? STEP_DONE
				    : STEP_MAILFROM;
	} else {
		policyd_check_set(&job->mailfrom, job->arena, v);
		job->step = STEP_DONE;
	}
	job_run(job);
}

static bool
listed(const char *const *list, const char *name)
{
	for (; name != NULL && *list != NULL; list++) {
		if (strcasecmp(*list, name) == 0)
			return true;
	}
	return false;
}

/* Start an SPF check; false if it could not start (then the identity
 * is temperror, since the request itself came from smtpd). */
static bool
start_check(struct policyd_job *job, enum spf_identity id,
	    const char *mail_from, spf_callback_t *cb, unsigned int ms)
{
	struct spf_request r = {id, job->facts.client_ip, job->facts.helo,
				mail_from, job->env->config->hostname};
	const char *err;

	if (spf_check_start(job->env->resolver, &job->env->spf, &r,
			    job->env->log, cb, job, &job->check, &err) < 0) {
		ma_log_warn(job->env->log, "%s[%s]: cannot check SPF: %s",
			    str0(job->req->client_name), job->facts.client_ip,
			    err);
		return false;
	}
	arm_timer(job, ms);
	return true;
}

/* Run steps until one waits for DNS or the job is done. */
static void
job_run(struct policyd_job *job)
{
	const struct policyd_config *cfg = job->env->config;
	const char *helo = job->facts.helo;
	const char *err;

	for (;;) {
		switch (job->step) {
		case STEP_DOMAIN_WHITELIST:
			if (cfg->domain_whitelist[job->wl_index] == NULL) {
				job->step++;
				break;
			}
			if (start_check(job, SPF_IDENTITY_MAILFROM,
					arena_printf(job->arena, "postmaster@%s",
						     cfg->domain_whitelist
							     [job->wl_index]),
					on_domain_whitelist,
					cfg->whitelist_lookup_time_ms))
				return;
			job->wl_index++;
			break;
		case STEP_HELO_WHITELIST:
			if (!listed(cfg->helo_whitelist, helo) ||
			    client_addr_type(job->facts.client_ip) == 0) {
				job->step++;
				break;
			}
			if (dns_lookup_async(job->env->resolver, helo,
					     client_addr_type(job->facts.client_ip),
					     on_helo_whitelist, job,
					     &job->query, &err) == 0) {
				arm_timer(job, cfg->whitelist_lookup_time_ms);
				return;
			}
			job->step++;
			break;
		case STEP_HELO:
			if (cfg->helo_reject == POLICYD_REJECT_NO_CHECK ||
			    helo == NULL || helo[0] == '\0') {
				job->step++;
				break;
			}
			if (start_check(job, SPF_IDENTITY_HELO, NULL,
					on_verdict, cfg->lookup_time_ms))
				return;
			set_temperror(&job->helo, "internal error");
			job->step++;
			break;
		case STEP_MAILFROM:
			if (cfg->mail_from_reject == POLICYD_REJECT_NO_CHECK) {
				job->step++;
				break;
			}
			if (start_check(job, SPF_IDENTITY_MAILFROM,
					job->facts.sender, on_verdict,
					cfg->lookup_time_ms))
				return;
			set_temperror(&job->mailfrom, "internal error");
			job->step++;
			break;
		case STEP_DONE:
			job_finish(job);
			return;
		}
	}
}

/* The answer when no evaluation is needed, or NULL. */
static const char *
immediate(const struct policyd_env *env, struct arena *arena,
	  const struct policy_request *req, struct policyd_txn *txn,
	  const char **skip_r)
{
	const struct policyd_config *cfg = env->config;
	const char *ip = req->client_address;

	*skip_r = NULL;
	if (req->request == NULL ||
	    strcmp(req->request, "smtpd_access_policy") != 0) {
		ma_log_warn(env->log, "unsupported request=%s: answering DUNNO",
			    req->request == NULL ? "(none)" : req->request);
		return "DUNNO";
	}
	if (txn->arena != NULL && req->instance != NULL &&
	    req->instance[0] != '\0' &&
	    strcmp(req->instance, txn->instance) == 0) {
		ma_log_debug(env->log, "instance %s: decided already",
			     req->instance);
		return policyd_decision_action(arena, &txn->decision,
					       txn->answers++);
	}
	if (ip == NULL || ip[0] == '\0' || strcmp(ip, "unknown") == 0)
		*skip_r = "no client address";
	else if (cfg->skip_sasl && req->sasl_username != NULL &&
		 req->sasl_username[0] != '\0')
		*skip_r = "SASL authenticated";
	else if (policyd_net_match(cfg->skip_nets, cfg->n_skip_nets, ip))
		*skip_r = "skip_addresses";
	else if (policyd_net_match(cfg->whitelist_nets, cfg->n_whitelist_nets,
				   ip))
		*skip_r = "Whitelist";
	return *skip_r != NULL ? skipped_action(env, arena, req, txn, *skip_r)
			       : NULL;
}

void
policyd_job_start(const struct policyd_env *env, struct arena *arena,
		  const struct policy_request *req, struct policyd_txn *txn,
		  policyd_job_done_t *done, void *context,
		  struct policyd_job **job_r, const char **action_r)
{
	struct policyd_job *job;
	const char *why;

	*job_r = NULL;
	*action_r = immediate(env, arena, req, txn, &why);
	if (why != NULL)
		ma_log_info(env->log, "%s: client=%s[%s], from=<%s>, skipped: %s",
			    req->queue_id != NULL && req->queue_id[0]
				    ? req->queue_id
				    : "NOQUEUE",
			    str0(req->client_name), str0(req->client_address),
			    str0(req->sender), why);
	if (*action_r != NULL)
		return;
	job = arena_zalloc(arena, sizeof(*job));
	job->env = env;
	job->arena = arena;
	job->req = req;
	job->txn = txn;
	job->done = done;
	job->context = context;
	clock_gettime(CLOCK_MONOTONIC, &job->start);
	job->deadline_ms = env->config->request_timeout_ms;
	job->timer = evtimer_new(env->base, on_timer, job);
	job->facts.client_ip = req->client_address;
	job->facts.helo = req->helo_name;
	job->facts.sender = str0(req->sender);
	*job_r = job;
	event_active(job->timer, EV_TIMEOUT, 0);
}

void
policyd_job_cancel(struct policyd_job **job_p)
{
	struct policyd_job *job = *job_p;

	if (job == NULL)
		return;
	spf_check_cancel(&job->check);
	dns_query_cancel(&job->query);
	event_free(job->timer);
	*job_p = NULL;
}

void
policyd_txn_deinit(struct policyd_txn *txn)
{
	arena_free(&txn->arena);
	memset(txn, 0, sizeof(*txn));
}
