/*
 * reports-names.c - reverse DNS names of summarized sources
 * (reports-names.h), forward-confirmed: the PTR name is kept only when
 * its A or AAAA records hold the source's address again, since whoever
 * owns an address's reverse zone can name it "mail.google.com" (and a
 * failing source would then group with Google's).
 */
#include "config.h"

#include <string.h>

#include "util/arena.h"
#include "dns/dns.h"
#include "spf/spf-addr.h"
#include "reports-names.h"
#include "reports-summary.h"

struct name_query {
	struct arena *arena;
	struct dns_resolver *resolver;
	struct summary_source *src;
	struct spf_addr addr;
	const char *ptr_name;
};

/* The name's addresses: is the source's among them? */
static void
confirm_done(struct dns_result *res, void *context)
{
	struct name_query *q = context;
	unsigned int i;

	for (i = 0; res->outcome == DNS_ANSWER && i < res->count; i++) {
		if ((!q->addr.v6 && res->rrs[i].type == DNS_T_A &&
		     memcmp(&res->rrs[i].u.a, q->addr.bytes, 4) == 0) ||
		    (q->addr.v6 && res->rrs[i].type == DNS_T_AAAA &&
		     memcmp(&res->rrs[i].u.aaaa, q->addr.bytes, 16) == 0)) {
			q->src->name = q->ptr_name;
			break;
		}
	}
	dns_result_free(&res);
}

static void
name_done(struct dns_result *res, void *context)
{
	struct name_query *q = context;
	const char *err;

	if (res->outcome == DNS_ANSWER && res->count > 0 &&
	    res->rrs[0].type == DNS_T_PTR && res->rrs[0].u.name[0] != '\0') {
		q->ptr_name = arena_strndup(q->arena, res->rrs[0].u.name,
					    SUMMARY_MAX_STRING);
		(void)dns_lookup_async(q->resolver, q->ptr_name,
				       q->addr.v6 ? DNS_T_AAAA : DNS_T_A,
				       confirm_done, q, NULL, &err);
	}
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
	q = arena_zalloc(s->arena, sizeof(*q));
	q->arena = s->arena;
	q->resolver = resolver;
	q->src = src;
	q->addr = addr;
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
