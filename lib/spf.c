/*
 * spf.c - check_host() (RFC 7208 section 4): requests, the DNS outcome
 * mapping, limits, verdict delivery and the blocking helper.  The term
 * evaluation itself is in spf-eval.c, PTR validation in spf-ptr.c, the
 * explanation in spf-exp.c (see spf-check.h for the state machine).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "arena.h"
#include "log.h"
#include "spf-check.h"
#include "xalloc.h"

static const char *const spf_result_names[] = {
	[SPF_NONE] = "none",	       [SPF_NEUTRAL] = "neutral",
	[SPF_PASS] = "pass",	       [SPF_FAIL] = "fail",
	[SPF_SOFTFAIL] = "softfail",   [SPF_TEMPERROR] = "temperror",
	[SPF_PERMERROR] = "permerror",
};

#define SPF_NRESULTS (sizeof(spf_result_names) / sizeof(spf_result_names[0]))

const char *
spf_result_str(enum spf_result result)
{
	if ((size_t)result >= SPF_NRESULTS)
		return "unknown";
	return spf_result_names[result];
}

int
spf_result_parse(const char *token)
{
	size_t i;

	for (i = 0; i < SPF_NRESULTS; i++) {
		if (strcasecmp(token, spf_result_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * The one place where DNS outcomes get their SPF meaning:
 * - SERVFAIL and timeouts are temperror (2.6.6, 4.4, 5), except where the
 *   RFC says to go on: PTR lookups and their address lookups (5.5: "the
 *   mechanism fails to match" / "that domain name is skipped") and the
 *   explanation (6.2: "proceed as if no exp modifier was given").
 * - NXDOMAIN and NODATA are "no records": a void lookup (4.6.4) for the
 *   records of a term, skipped for the secondary lookups.
 * - BADNAME (a name that cannot be a DNS name) is treated as a name that
 *   does not exist: 4.3 makes a malformed <domain> "none", and for terms
 *   it simply cannot match (include / redirect then give permerror, 5.2,
 *   6.1).
 */
enum spf_dns_action
spf_dns_action(const struct dns_result *result, enum spf_lookup_context context)
{
	bool lenient = context == SPF_LOOKUP_PTR ||
		       context == SPF_LOOKUP_PTR_ADDR ||
		       context == SPF_LOOKUP_EXP;

	switch (result->outcome) {
	case DNS_ANSWER:
		return SPF_DNS_USE;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
	case DNS_BADNAME:
		return context == SPF_LOOKUP_RECORD ||
				       context == SPF_LOOKUP_TERM ||
				       context == SPF_LOOKUP_PTR ?
			       SPF_DNS_VOID :
			       SPF_DNS_SKIP;
	case DNS_SERVFAIL:
	case DNS_TIMEOUT:
		break;
	}
	return lenient ? SPF_DNS_SKIP : SPF_DNS_TEMPERROR;
}

bool
spf_answer_matches(const struct dns_result *result, const struct spf_addr *ip,
		   unsigned int cidr4, unsigned int cidr6)
{
	struct spf_addr a;
	size_t i;

	for (i = 0; i < result->count; i++) {
		const struct dns_rr *rr = &result->rrs[i];

		memset(&a, 0, sizeof(a));
		if (rr->type == DNS_T_A)
			memcpy(a.bytes, &rr->u.a, 4);
		else if (rr->type == DNS_T_AAAA) {
			a.v6 = true;
			memcpy(a.bytes, &rr->u.aaaa, 16);
		} else
			continue;
		if (spf_addr_match(ip, &a, a.v6 ? cidr6 : cidr4))
			return true;
	}
	return false;
}

enum dns_type
spf_addr_type(const struct spf_check *check)
{
	return check->ip.v6 ? DNS_T_AAAA : DNS_T_A;
}

static void
spf_deliver(struct spf_check *c)
{
	struct arena *arena = c->arena;

	ma_log_debug(c->log, "spf: %s %s: %s (%s), %u lookups, %u void",
		     c->verdict.identity == SPF_IDENTITY_HELO ? "helo" :
								"mailfrom",
		     c->verdict.domain != NULL ? c->verdict.domain : "-",
		     spf_result_str(c->verdict.result),
		     c->verdict.reason != NULL ? c->verdict.reason : "",
		     c->verdict.dns_lookups, c->verdict.void_lookups);
	c->callback(&c->verdict, c->context);
	arena_free(&arena);
	free(c);
}

/* After one DNS result: evaluate on, and deliver when done. */
static void
spf_resume(struct spf_check *c)
{
	if (!c->done && c->query == NULL)
		spf_eval_run(c);
	if (c->done)
		spf_deliver(c);
}

static void
spf_dns_cb(struct dns_result *result, void *context)
{
	struct spf_check *c = context;
	spf_dns_handler_t *handler = c->on_dns;

	c->query = NULL;
	c->on_dns = NULL;
	handler(c, result);
	dns_result_free(&result);
	spf_resume(c);
}

void
spf_query(struct spf_check *c, const char *name, enum dns_type type,
	  spf_dns_handler_t *handler)
{
	const char *error;

	c->on_dns = handler;
	if (dns_lookup_async(c->resolver, name, type, spf_dns_cb, c, &c->query,
			     &error) == 0)
		return;
	c->query = NULL;
	ma_log_warn(c->log, "spf: %s/%s: %s", name, dns_type_str(type), error);
	if (c->in_exp) {
		c->done = true;
		return;
	}
	spf_finish(c, SPF_TEMPERROR, "DNS query could not be started");
}

void
spf_finish(struct spf_check *c, enum spf_result result, const char *reason)
{
	if (c->done)
		return;
	c->verdict.result = result;
	c->verdict.reason = reason;
	if (result == SPF_FAIL)
		spf_exp_start(c);
	else
		c->done = true;
}

bool
spf_count_lookup(struct spf_check *c)
{
	if (++c->verdict.dns_lookups <= c->max_dns)
		return true;
	spf_finish(c, SPF_PERMERROR, "too many DNS lookups");
	return false;
}

bool
spf_count_void(struct spf_check *c)
{
	if (++c->verdict.void_lookups <= c->max_void)
		return true;
	spf_finish(c, SPF_PERMERROR, "too many void DNS lookups");
	return false;
}

int
spf_expand_domain(struct spf_check *c, const char *spec, const char **name_r)
{
	const char *error, *name;
	char *out;
	size_t len;

	c->vars.ptr_name = c->ptr_done ? spf_ptr_pick(c, c->vars.domain) : NULL;
	if (spf_macro_expand(c->arena, spec, strlen(spec), SPF_MACRO_DOMAIN,
			     &c->vars, &out, &error) < 0) {
		spf_finish(c, SPF_PERMERROR,
			   arena_printf(c->arena, "%s: %s", spec, error));
		return -1;
	}
	name = spf_macro_truncate_domain(out);
	len = strlen(name);
	if (len > 1 && name[len - 1] == '.')
		name = arena_strndup(c->arena, name, len - 1);
	*name_r = name;
	return 0;
}

/* RFC 7208 2.3 / 2.4 / 4.3: <sender> and <domain> of the request. */
static void
spf_identities(struct spf_check *c, const struct spf_request *req)
{
	const char *mail = req->mail_from, *at, *domain, *local = NULL;
	struct arena *a = c->arena;

	if (req->identity == SPF_IDENTITY_HELO || mail == NULL ||
	    mail[0] == '\0') {
		domain = req->helo;
	} else if ((at = strrchr(mail, '@')) != NULL) {
		domain = at + 1;
		if (at != mail)
			local = arena_strndup(a, mail, (size_t)(at - mail));
	} else {
		domain = mail; /* 4.3: no local-part */
	}
	if (local == NULL)
		local = "postmaster";
	domain = arena_strdup(a, domain != NULL ? domain : "");
	c->verdict.identity = req->identity;
	c->verdict.domain = domain;
	c->verdict.sender = arena_printf(a, "%s@%s", local, domain);
	c->vars.sender = c->verdict.sender;
	c->vars.local_part = local;
	c->vars.sender_domain = domain;
	c->vars.domain = domain;
	c->vars.helo = req->helo != NULL ? arena_strdup(a, req->helo) : NULL;
	c->vars.receiver = req->receiver != NULL ?
				   arena_strdup(a, req->receiver) : NULL;
	c->vars.ip = &c->ip;
	c->vars.timestamp = (long long)time(NULL);
}

static void
spf_on_bad_domain(struct spf_check *c, const struct dns_result *result)
{
	(void)result;
	spf_finish(c, SPF_NONE, "no valid domain to check");
}

int
spf_check_start(struct dns_resolver *resolver,
		const struct spf_settings *settings,
		const struct spf_request *request, const struct ma_log *log,
		spf_callback_t *callback, void *context,
		struct spf_check **check_r, const char **error_r)
{
	struct spf_addr ip;
	struct spf_check *c;

	if (request->client_ip == NULL ||
	    spf_addr_parse(request->client_ip, &ip) < 0) {
		*error_r = "missing or unparseable client IP address";
		return -1;
	}
	c = ma_calloc(1, sizeof(*c));
	c->arena = arena_new(0);
	c->resolver = resolver;
	c->settings = settings;
	c->log = log;
	c->callback = callback;
	c->context = context;
	c->ip = ip;
	c->max_dns = settings != NULL && settings->max_dns_mechanisms != 0 ?
			     settings->max_dns_mechanisms :
			     SPF_MAX_DNS_MECHANISMS;
	c->max_void = settings != NULL && settings->max_void_lookups != 0 ?
			      settings->max_void_lookups :
			      SPF_MAX_VOID_LOOKUPS;
	spf_identities(c, request);
	if (!spf_domain_is_valid(c->verdict.domain))
		/* an impossible name: the resolver answers BADNAME from its
		 * loop, so the callback still never runs from here */
		spf_query(c, "", DNS_T_TXT, spf_on_bad_domain);
	else
		spf_eval_lookup_record(c, c->verdict.domain, SPF_RECORD_TOP);
	if (c->done) {
		struct arena *arena = c->arena;

		*error_r = "could not start a DNS query";
		arena_free(&arena);
		free(c);
		return -1;
	}
	*check_r = c;
	return 0;
}

void
spf_check_cancel(struct spf_check **check_p)
{
	struct spf_check *c = *check_p;
	struct arena *arena;

	if (c == NULL)
		return;
	dns_query_cancel(&c->query);
	arena = c->arena;
	arena_free(&arena);
	free(c);
	*check_p = NULL;
}

struct spf_run_wait {
	bool done;
	struct arena *arena;
	struct spf_verdict *verdict;
};

static const char *
dup_or_null(struct arena *arena, const char *s)
{
	return s != NULL ? arena_strdup(arena, s) : NULL;
}

static void
spf_run_cb(const struct spf_verdict *v, void *context)
{
	struct spf_run_wait *w = context;

	*w->verdict = *v;
	w->verdict->domain = dup_or_null(w->arena, v->domain);
	w->verdict->sender = dup_or_null(w->arena, v->sender);
	w->verdict->mechanism = dup_or_null(w->arena, v->mechanism);
	w->verdict->reason = dup_or_null(w->arena, v->reason);
	w->verdict->explanation = dup_or_null(w->arena, v->explanation);
	w->done = true;
}

int
spf_check_run(struct dns_resolver *resolver,
	      const struct spf_settings *settings,
	      const struct spf_request *request, const struct ma_log *log,
	      struct arena *arena, struct spf_verdict *verdict_r,
	      const char **error_r)
{
	struct spf_run_wait w = {false, arena, verdict_r};
	struct spf_check *check;

	if (spf_check_start(resolver, settings, request, log, spf_run_cb, &w,
			    &check, error_r) < 0)
		return -1;
	if (dns_resolver_run(resolver) < 0 || !w.done) {
		if (!w.done)
			spf_check_cancel(&check);
		*error_r = "the resolver has no private event loop";
		return -1;
	}
	return 0;
}
