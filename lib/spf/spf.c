/*
 * spf.c - check_host() (RFC 7208 section 4): requests and identities,
 * limits, verdict delivery, cancellation and the blocking helper.  The term
 * evaluation itself is in spf-eval.c, DNS steps in spf-dns.c, PTR
 * validation in spf-ptr.c, the explanation in spf-exp.c (see
 * spf-check.h for the state machine).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/arena.h"
#include "util/log.h"
#include "spf/spf-check.h"
#include "util/xalloc.h"

static const char *const spf_result_names[] = {
    [SPF_NONE] = "none",           [SPF_NEUTRAL] = "neutral",
    [SPF_PASS] = "pass",           [SPF_FAIL] = "fail",
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

bool
spf_result_parse(const char *token, enum spf_result *result_r)
{
	size_t i;

	for (i = 0; i < SPF_NRESULTS; i++) {
		if (strcasecmp(token, spf_result_names[i]) == 0) {
			*result_r = (enum spf_result)i;
			return true;
		}
	}
	return false;
}

static void
spf_deliver(struct spf_check *c)
{
	struct arena *arena = c->arena;

	ma_log_debug(c->log, "spf: %s %s: %s (%s), %u lookups, %u void",
	             c->verdict.identity == SPF_IDENTITY_HELO ? "helo"
	                                                      : "mailfrom",
	             c->verdict.domain != NULL ? c->verdict.domain : "-",
	             spf_result_str(c->verdict.result),
	             c->verdict.reason != NULL ? c->verdict.reason : "",
	             c->verdict.dns_lookups, c->verdict.void_lookups);
	c->callback(&c->verdict, c->context);
	arena_free(&arena);
	free(c);
}

void
spf_resume(struct spf_check *c)
{
	if (!c->done && !spf_waiting(c))
		spf_eval_run(c);
	if (c->done)
		spf_deliver(c);
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
	c->vars.receiver =
	    req->receiver != NULL ? arena_strdup(a, req->receiver) : NULL;
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
	c->max_dns = settings != NULL && settings->max_dns_mechanisms != 0
	                 ? settings->max_dns_mechanisms
	                 : SPF_MAX_DNS_MECHANISMS;
	c->max_void = settings != NULL && settings->max_void_lookups != 0
	                  ? settings->max_void_lookups
	                  : SPF_MAX_VOID_LOOKUPS;
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
	spf_batch_cancel(c);
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

static void
spf_run_cb(const struct spf_verdict *v, void *context)
{
	struct spf_run_wait *w = context;

	*w->verdict = *v;
	w->verdict->domain = arena_strdup_or_null(w->arena, v->domain);
	w->verdict->sender = arena_strdup_or_null(w->arena, v->sender);
	w->verdict->mechanism = arena_strdup_or_null(w->arena, v->mechanism);
	w->verdict->reason = arena_strdup_or_null(w->arena, v->reason);
	w->verdict->explanation =
		arena_strdup_or_null(w->arena, v->explanation);
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
