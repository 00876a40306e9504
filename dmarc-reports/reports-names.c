/*
 * reports-names.c - reverse DNS names of summarized sources
 * (reports-names.h).
 */
#include "config.h"

#include "util/arena.h"
#include "dns/dns.h"
#include "spf/spf-addr.h"
#include "reports-names.h"
#include "reports-summary.h"

struct name_query {
	struct arena *arena;
	struct summary_source *src;
};

static void
name_done(struct dns_result *res, void *context)
{
	struct name_query *q = context;

	if (res->outcome == DNS_ANSWER && res->count > 0 &&
	    res->rrs[0].type == DNS_T_PTR && res->rrs[0].u.name[0] != '\0')
		q->src->name = arena_strndup(q->arena, res->rrs[0].u.name,
					     SUMMARY_MAX_STRING);
	dns_result_free(&res);
}

static void
name_start(struct reports_summary *s, struct dns_resolver *resolver,
	   struct summary_source *src)
{
	struct name_query *q;
	struct spf_addr addr;
	const char *err;

	if (src->looked_up || spf_addr_parse(src->ip, &addr) < 0)
		return;
	src->looked_up = true;
	q = arena_alloc(s->arena, sizeof(*q));
	q->arena = s->arena;
	q->src = src;
	(void)dns_lookup_async(resolver, spf_addr_reverse_name(s->arena, &addr),
			       DNS_T_PTR, name_done, q, NULL, &err);
}

void
reports_names_lookup(struct reports_summary *s, struct dns_resolver *resolver)
{
	struct summary_domain *d;
	size_t i, j;

	for (i = 0; i < s->ndomains; i++) {
		d = s->domains[i];
		for (j = 0; j < d->nsources && j < SUMMARY_TOP_SOURCES; j++)
			name_start(s, resolver, d->sources[j]);
		for (j = 0; j < d->nlosing && j < SUMMARY_TOP_SOURCES; j++)
			name_start(s, resolver, d->losing[j]);
	}
	(void)dns_resolver_run(resolver);
}
