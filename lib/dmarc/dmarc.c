/*
 * dmarc.c - DMARC evaluation, RFC 9989 (see dmarc.h): the asynchronous
 * state machine that drives the tree walks over the DNS layer, then
 * alignment, the result and the policy that applies.
 *
 * Phases: the Author Domain's walk (policy discovery 4.10.1 and its
 * Organizational Domain 4.10.2); if the record came from a parent and has
 * np=, one A query for the Author Domain (3.2.13, non-existence is
 * NXDOMAIN); then one walk per authenticated identifier that relaxed
 * alignment needs.  Every _dmarc lookup is cached for the check, so the
 * walks of identifiers sharing parents with the author cost nothing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "dmarc/dmarc-discover.h"
#include "dmarc/dmarc.h"
#include "dns/dns.h"
#include "util/log.h"
#include "util/xalloc.h"

struct dmarc_cache_entry {
	const char *domain;
	enum dmarc_lookup_state state;
	struct dmarc_record record;
	const char *text;
};

struct dmarc_walk {
	const char *names[DMARC_WALK_MAX_QUERIES];
	size_t nnames, idx;
	struct dmarc_walk_step steps[DMARC_WALK_MAX_QUERIES];
	bool temperror, stopped;
};

enum dmarc_phase {
	DMARC_PHASE_AUTHOR, /* policy discovery walk */
	DMARC_PHASE_EXISTS, /* A query for the Author Domain */
	DMARC_PHASE_IDENT,  /* an identifier's Organizational Domain walk */
};

struct dmarc_ident {
	const char *domain;
	bool is_spf;
	bool temperror; /* its own check failed on DNS: aligned, it cannot
			   pass, but fail is not known either (5.3.6) */
};

struct dmarc_check {
	struct arena *arena;
	struct dns_resolver *resolver;
	const struct dmarc_settings *settings;
	const struct ma_log *log;
	dmarc_callback_t *callback;
	void *context;
	struct dns_query *query;
	const char *query_domain;

	struct dmarc_ident idents[DMARC_MAX_DKIM_RESULTS + 1];
	size_t nidents, ident_idx;
	bool ident_temperror;
	bool aligned_temperror; /* an aligned identifier had a DNS failure */

	struct dmarc_cache_entry **cache; /* entries never move */
	size_t ncache, cache_cap;

	enum dmarc_phase phase;
	struct dmarc_walk walk;
	const struct dmarc_record *policy_record;
	bool policy_from_parent;
	bool org_unknown; /* the author walk failed past its own record */
	struct dmarc_verdict v;
};

static const char *const result_names[] = {
	[DMARC_RESULT_NONE] = "none",
	[DMARC_RESULT_PASS] = "pass",
	[DMARC_RESULT_FAIL] = "fail",
	[DMARC_RESULT_TEMPERROR] = "temperror",
	[DMARC_RESULT_PERMERROR] = "permerror",
};
#define N_RESULTS (sizeof(result_names) / sizeof(result_names[0]))

const char *
dmarc_result_str(enum dmarc_result result)
{
	return (unsigned int)result < N_RESULTS ? result_names[result] :
		"permerror";
}

bool
dmarc_result_parse(const char *token, enum dmarc_result *result_r)
{
	size_t i;

	for (i = 0; i < N_RESULTS; i++) {
		if (strcasecmp(token, result_names[i]) == 0) {
			*result_r = (enum dmarc_result)i;
			return true;
		}
	}
	return false;
}

static void walk_step(struct dmarc_check *c);
static void align_next(struct dmarc_check *c);

static void
check_free(struct dmarc_check **cp)
{
	struct dmarc_check *c = *cp;
	struct arena *arena = c->arena;

	dns_query_cancel(&c->query);
	arena_free(&arena);
	*cp = NULL;
}

static void
finish(struct dmarc_check *c, enum dmarc_result result, const char *reason)
{
	c->v.result = result;
	c->v.reason = reason;
	if (c->v.disposition == DMARC_POLICY_UNSET)
		c->v.disposition = DMARC_POLICY_NONE;
	ma_log_info(c->log, "dmarc: %s: %s (%s) policy=%s disposition=%s",
		    c->v.author_domain, dmarc_result_str(result), reason,
		    dmarc_policy_str(c->v.policy),
		    dmarc_policy_str(c->v.disposition));
	c->callback(&c->v, c->context);
	check_free(&c);
}

static struct dmarc_cache_entry *
cache_find(struct dmarc_check *c, const char *domain)
{
	size_t i;

	for (i = 0; i < c->ncache; i++)
		if (dmarc_domain_eq(c->cache[i]->domain, domain))
			return c->cache[i];
	return NULL;
}

static struct dmarc_cache_entry *
cache_add(struct dmarc_check *c, const char *domain)
{
	struct dmarc_cache_entry **n;

	if (c->ncache == c->cache_cap) {
		c->cache_cap = c->cache_cap == 0 ? 16 : c->cache_cap * 2;
		n = arena_alloc(c->arena, c->cache_cap * sizeof(*n));
		if (c->ncache > 0)
			memcpy(n, c->cache, c->ncache * sizeof(*n));
		c->cache = n;
	}
	c->cache[c->ncache] = arena_zalloc(c->arena, sizeof(**c->cache));
	c->cache[c->ncache]->domain = domain;
	return c->cache[c->ncache++];
}

static void
query_done(struct dns_result *res, void *context)
{
	struct dmarc_check *c = context;
	struct dmarc_cache_entry *e;

	c->query = NULL;
	e = cache_add(c, c->query_domain);
	e->state = dmarc_lookup_classify(res, c->arena, &e->record, &e->text);
	ma_log_debug(c->log, "dmarc: _dmarc.%s: %s -> %s", c->query_domain,
		     dns_outcome_str(res->outcome),
		     e->state == DMARC_LOOKUP_RECORD ? e->text :
		     e->state == DMARC_LOOKUP_NONE ? "no record" : "temperror");
	dns_result_free(&res);
	walk_step(c);
}

static int
start_query(struct dmarc_check *c, const char *name, enum dns_type type,
	    dns_callback_t *cb, const char **error_r)
{
	c->v.dns_queries++;
	return dns_lookup_async(c->resolver, name, type, cb, c, &c->query,
				error_r);
}

static void
walk_begin(struct dmarc_check *c, const char *domain)
{
	struct dmarc_walk *w = &c->walk;

	memset(w, 0, sizeof(*w));
	if (c->settings->org_method == DMARC_ORG_PSL) {
		const char *org = dmarc_psl_org_domain(c->settings->psl,
						       domain);

		w->names[w->nnames++] = domain;
		if (!dmarc_domain_eq(org, domain))
			w->names[w->nnames++] = org;
	} else {
		w->nnames = dmarc_walk_names(domain, w->names);
	}
}

static void walk_done(struct dmarc_check *c);

/* RFC 9989 4.10.2: "There is no need to perform Identifier Alignment
 * Evaluations" when the Author Domain has its own record and every
 * authenticated identifier is that same domain or is checked strictly
 * (or shares no label with it): then the author walk can stop at its
 * first query, and "this common domain is treated as the Organizational
 * Domain". */
static bool
author_org_needed(const struct dmarc_check *c, const struct dmarc_record *rec)
{
	size_t i;

	for (i = 0; i < c->nidents; i++) {
		const struct dmarc_ident *id = &c->idents[i];
		enum dmarc_alignment mode = id->is_spf ? rec->aspf : rec->adkim;

		if (mode == DMARC_ALIGN_RELAXED &&
		    !dmarc_domain_eq(id->domain, c->v.author_domain) &&
		    dmarc_domains_related(id->domain, c->v.author_domain))
			return true;
	}
	return false;
}

/* Advance the current walk through cached lookups; start the next query
 * or conclude the walk. */
static void
walk_step(struct dmarc_check *c)
{
	struct dmarc_walk *w = &c->walk;
	struct dmarc_cache_entry *e;
	const char *err;

	while (w->idx < w->nnames && !w->stopped && !w->temperror) {
		e = cache_find(c, w->names[w->idx]);
		if (e == NULL) {
			c->query_domain = w->names[w->idx];
			if (start_query(c, arena_printf(c->arena, "_dmarc.%s",
							w->names[w->idx]),
					DNS_T_TXT, query_done, &err) < 0) {
				finish(c, DMARC_RESULT_TEMPERROR, err);
			}
			return;
		}
		w->steps[w->idx].domain = w->names[w->idx];
		w->steps[w->idx].record = e->state == DMARC_LOOKUP_RECORD ?
			&e->record : NULL;
		w->temperror = e->state == DMARC_LOOKUP_TEMPERROR;
		w->stopped = dmarc_walk_stops(w->steps[w->idx].record) &&
			c->settings->org_method == DMARC_ORG_TREE_WALK;
		if (c->phase == DMARC_PHASE_AUTHOR && w->idx == 0 &&
		    w->steps[0].record != NULL &&
		    c->settings->org_method == DMARC_ORG_TREE_WALK &&
		    !author_org_needed(c, w->steps[0].record))
			w->stopped = true;
		w->idx++;
	}
	walk_done(c);
}

static const char *
walk_org_domain(struct dmarc_check *c, const char *domain)
{
	if (c->settings->org_method == DMARC_ORG_PSL)
		return dmarc_psl_org_domain(c->settings->psl, domain);
	return dmarc_org_select(c->walk.steps, c->walk.idx);
}

static enum dmarc_policy
downgrade(enum dmarc_policy p)
{
	return p == DMARC_POLICY_REJECT ? DMARC_POLICY_QUARANTINE :
		DMARC_POLICY_NONE;
}

/* The policy record is known (and the Author Domain's existence if np=
 * matters): settle the policy, then check alignment. */
static void
apply_policy(struct dmarc_check *c)
{
	const struct dmarc_record *rec = c->policy_record;

	c->v.policy = dmarc_record_effective_policy(rec, c->policy_from_parent,
						    c->v.author_nonexistent);
	if (c->v.policy == DMARC_POLICY_UNSET) {
		finish(c, DMARC_RESULT_NONE,
		       "invalid policy in DMARC record without a valid rua");
		return;
	}
	c->v.testing = rec->testing;
	c->v.adkim = rec->adkim;
	c->v.aspf = rec->aspf;
	c->phase = DMARC_PHASE_IDENT;
	c->ident_idx = 0;
	align_next(c);
}

static void
exists_done(struct dns_result *res, void *context)
{
	struct dmarc_check *c = context;

	c->query = NULL;
	/* RFC 9989 3.2.13 / RFC 8020: only NXDOMAIN means non-existent;
	   a failure keeps sp / p (the less surprising policy). */
	c->v.author_nonexistent = res->outcome == DNS_NXDOMAIN;
	dns_result_free(&res);
	apply_policy(c);
}

static void
author_walk_done(struct dmarc_check *c)
{
	struct dmarc_walk *w = &c->walk;
	struct dmarc_cache_entry *e;
	const char *err;
	int idx;

	if (w->temperror && (w->idx <= 1 || w->steps[0].record == NULL)) {
		finish(c, DMARC_RESULT_TEMPERROR,
		       "DNS failure during DMARC policy discovery");
		return;
	}
	if (w->temperror) {
		/* The Author Domain's own record is the policy; only its
		   Organizational Domain is unknown, which matters only for
		   relaxed alignment of other domains (4.10.2). */
		c->org_unknown =
			c->settings->org_method == DMARC_ORG_TREE_WALK;
		w->idx = 1;
	}
	c->v.org_domain = walk_org_domain(c, c->v.author_domain);
	idx = dmarc_policy_select(w->steps, w->idx, c->v.org_domain);
	if (idx < 0) {
		finish(c, DMARC_RESULT_NONE, "no DMARC record");
		return;
	}
	e = cache_find(c, w->steps[idx].domain);
	c->policy_record = &e->record;
	c->v.policy_domain = e->domain;
	c->v.record = e->text;
	c->policy_from_parent = idx > 0;
	if (c->policy_from_parent && e->record.np != DMARC_POLICY_UNSET) {
		c->phase = DMARC_PHASE_EXISTS;
		if (start_query(c, c->v.author_domain, DNS_T_A, exists_done,
				&err) < 0)
			finish(c, DMARC_RESULT_TEMPERROR, err);
		return;
	}
	apply_policy(c);
}

/* An identifier found aligned with the Author Domain. */
static void
ident_aligned(struct dmarc_check *c, const struct dmarc_ident *id)
{
	if (id->temperror)
		c->aligned_temperror = true;
	else if (id->is_spf)
		c->v.spf_aligned = true;
	else if (!c->v.dkim_aligned) {
		c->v.dkim_aligned = true;
		c->v.dkim_domain = id->domain;
	}
}

static void
walk_done(struct dmarc_check *c)
{
	struct dmarc_ident *id;
	const char *org;

	if (c->phase == DMARC_PHASE_AUTHOR) {
		author_walk_done(c);
		return;
	}
	id = &c->idents[c->ident_idx];
	if (c->walk.temperror) {
		c->ident_temperror = true;
	} else {
		org = walk_org_domain(c, id->domain);
		if (dmarc_domain_eq(org, c->v.org_domain))
			ident_aligned(c, id);
	}
	c->ident_idx++;
	align_next(c);
}

static void
conclude(struct dmarc_check *c)
{
	if (c->v.dkim_aligned || c->v.spf_aligned) {
		c->v.disposition = DMARC_POLICY_NONE;
		finish(c, DMARC_RESULT_PASS,
		       c->v.dkim_aligned && c->v.spf_aligned ?
		       "aligned DKIM and SPF pass" : c->v.dkim_aligned ?
		       "aligned DKIM pass" : "aligned SPF pass");
		return;
	}
	if (c->ident_temperror) {
		finish(c, DMARC_RESULT_TEMPERROR,
		       "DNS failure during alignment check");
		return;
	}
	if (c->aligned_temperror) {
		/* 5.3.6: neither pass nor fail; the policy is not applied */
		finish(c, DMARC_RESULT_TEMPERROR,
		       "DNS failure checking an aligned identifier");
		return;
	}
	c->v.disposition = c->v.testing ? downgrade(c->v.policy) :
		c->v.policy;
	finish(c, DMARC_RESULT_FAIL, c->nidents == 0 ?
	       "no passing DKIM or SPF" : "no aligned DKIM or SPF pass");
}

/* Check identifiers from ident_idx on; start a walk when relaxed
 * alignment needs an Organizational Domain. */
static void
align_next(struct dmarc_check *c)
{
	struct dmarc_ident *id;
	enum dmarc_alignment mode;
	bool aligned;

	for (; c->ident_idx < c->nidents; c->ident_idx++) {
		id = &c->idents[c->ident_idx];
		mode = id->is_spf ? c->v.aspf : c->v.adkim;
		aligned = dmarc_domain_eq(id->domain, c->v.author_domain);
		if (!aligned && mode == DMARC_ALIGN_RELAXED &&
		    dmarc_domains_related(id->domain, c->v.author_domain) &&
		    c->org_unknown) {
			c->ident_temperror = true;
			continue;
		}
		if (!aligned && mode == DMARC_ALIGN_RELAXED &&
		    dmarc_domains_related(id->domain, c->v.author_domain)) {
			walk_begin(c, id->domain);
			walk_step(c);
			return;
		}
		if (aligned)
			ident_aligned(c, id);
	}
	conclude(c);
}

static void
copy_request(struct dmarc_check *c, const struct dmarc_request *req)
{
	size_t i;

	c->v.author_domain = arena_strdup(c->arena, req->author_domain);
	for (i = 0; i < req->ndkim && c->nidents < DMARC_MAX_DKIM_RESULTS;
	     i++) {
		if ((!req->dkim[i].pass && !req->dkim[i].temperror) ||
		    req->dkim[i].domain == NULL ||
		    req->dkim[i].domain[0] == '\0')
			continue;
		c->idents[c->nidents].domain =
			arena_strdup(c->arena, req->dkim[i].domain);
		c->idents[c->nidents].temperror = !req->dkim[i].pass;
		c->idents[c->nidents++].is_spf = false;
	}
	if ((req->spf_result == SPF_PASS ||
	     req->spf_result == SPF_TEMPERROR) && req->spf_domain != NULL &&
	    req->spf_domain[0] != '\0') {
		c->idents[c->nidents].domain =
			arena_strdup(c->arena, req->spf_domain);
		c->idents[c->nidents].temperror =
			req->spf_result == SPF_TEMPERROR;
		c->idents[c->nidents++].is_spf = true;
	}
}

int
dmarc_check_start(struct dns_resolver *resolver,
		  const struct dmarc_settings *settings,
		  const struct dmarc_request *request,
		  const struct ma_log *log, dmarc_callback_t *callback,
		  void *context, struct dmarc_check **check_r,
		  const char **error_r)
{
	struct arena *arena;
	struct dmarc_check *c;

	if (request->author_domain == NULL ||
	    dmarc_label_count(request->author_domain) == 0) {
		*error_r = "no author domain";
		return -1;
	}
	if (settings->org_method == DMARC_ORG_PSL && settings->psl == NULL) {
		*error_r = "PSL method without a Public Suffix List";
		return -1;
	}
	arena = arena_new(0);
	c = arena_zalloc(arena, sizeof(*c));
	c->arena = arena;
	c->resolver = resolver;
	c->settings = settings;
	c->log = log;
	c->callback = callback;
	c->context = context;
	copy_request(c, request);
	c->phase = DMARC_PHASE_AUTHOR;
	walk_begin(c, c->v.author_domain);
	/* the cache is empty, so this starts a query and returns */
	c->query_domain = c->walk.names[0];
	if (start_query(c, arena_printf(arena, "_dmarc.%s", c->walk.names[0]),
			DNS_T_TXT, query_done, error_r) < 0) {
		arena_free(&arena);
		return -1;
	}
	if (check_r != NULL)
		*check_r = c;
	return 0;
}

void
dmarc_check_cancel(struct dmarc_check **check_p)
{
	if (*check_p != NULL)
		check_free(check_p);
}

void
dmarc_verdict_hostile(const struct dmarc_settings *settings,
		      enum msg_author_status status, const char *why,
		      struct arena *arena, struct dmarc_verdict *verdict_r)
{
	memset(verdict_r, 0, sizeof(*verdict_r));
	verdict_r->result = DMARC_RESULT_PERMERROR;
	verdict_r->hostile = true;
	verdict_r->disposition = settings->quarantine_hostile ?
		DMARC_POLICY_QUARANTINE : DMARC_POLICY_REJECT;
	verdict_r->reason = arena_printf(arena, "%s%s%s",
					 msg_author_status_str(status),
					 why != NULL ? ": " : "",
					 why != NULL ? why : "");
}

struct dmarc_run_ctx {
	struct arena *arena;
	struct dmarc_verdict *verdict;
	bool done;
};

static void
run_cb(const struct dmarc_verdict *v, void *context)
{
	struct dmarc_run_ctx *r = context;
	struct dmarc_verdict *o = r->verdict;

	*o = *v;
	o->author_domain = arena_strdup_or_null(r->arena, v->author_domain);
	o->policy_domain = arena_strdup_or_null(r->arena, v->policy_domain);
	o->org_domain = arena_strdup_or_null(r->arena, v->org_domain);
	o->record = arena_strdup_or_null(r->arena, v->record);
	o->dkim_domain = arena_strdup_or_null(r->arena, v->dkim_domain);
	o->reason = arena_strdup_or_null(r->arena, v->reason);
	r->done = true;
}

int
dmarc_check_run(struct dns_resolver *resolver,
		const struct dmarc_settings *settings,
		const char *const *from_values, size_t nfrom,
		const struct dmarc_request *request, const struct ma_log *log,
		struct arena *arena, struct dmarc_verdict *verdict_r,
		const char **error_r)
{
	struct dmarc_request req = *request;
	struct dmarc_run_ctx r = { arena, verdict_r, false };
	enum msg_author_status st;
	const char *why = NULL;

	st = msg_address_author_domain(from_values, NULL, nfrom, arena,
				       &req.author_domain, &why);
	if (st != MSG_AUTHOR_OK) {
		dmarc_verdict_hostile(settings, st,
				      st == MSG_AUTHOR_UNPARSEABLE ? why : NULL,
				      arena, verdict_r);
		return 0;
	}
	if (dmarc_check_start(resolver, settings, &req, log, run_cb, &r, NULL,
			      error_r) < 0)
		return -1;
	if (dns_resolver_run(resolver) < 0 || !r.done) {
		*error_r = "resolver loop ended before the DMARC verdict";
		return -1;
	}
	return 0;
}
