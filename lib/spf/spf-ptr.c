/*
 * spf-ptr.c - validated domain names of the client (RFC 7208 5.5), shared
 * by the "ptr" mechanism and the %{p} macro (7.3).  Done once per check:
 * the PTR names of the client address, at most SPF_MAX_NAMES_PER_LOOKUP
 * of them (4.6.4), each kept if one of its addresses is the client's.
 * DNS errors never end the check here: a failed PTR lookup gives no
 * names, a failed address lookup skips that name (5.5).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "spf/spf-check.h"

static void
ptr_finish(struct spf_check *c)
{
	spf_resume_t *after = c->after_ptr;

	c->ptr_done = true;
	c->after_ptr = NULL;
	if (after != NULL)
		after(c);
}

/* 5.5: keep the names one of whose addresses is the client's */
static void
on_ptr_addrs(struct spf_check *c, struct dns_result *const *results, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (spf_dns_action(results[i], SPF_LOOKUP_PTR_ADDR) ==
		        SPF_DNS_USE &&
		    spf_addr_in_answer(results[i], &c->ip, SPF_ADDR_V4_BITS,
		                       SPF_ADDR_V6_BITS))
			c->ptr_valid[c->nptr_valid++] = c->names[i];
	}
	ptr_finish(c);
}

static void
on_ptr(struct spf_check *c, const struct dns_result *res)
{
	enum spf_dns_action action = spf_dns_action(res, SPF_LOOKUP_PTR);
	size_t i;

	if (action == SPF_DNS_VOID && c->ptr_for_mechanism &&
	    !spf_count_void(c))
		return;
	c->names = arena_zalloc(c->arena, (SPF_MAX_NAMES_PER_LOOKUP + 1) *
	                                      sizeof(char *));
	c->ptr_valid = arena_zalloc(c->arena, (SPF_MAX_NAMES_PER_LOOKUP + 1) *
	                                          sizeof(char *));
	c->nnames = 0;
	c->nptr_valid = 0;
	for (i = 0; action == SPF_DNS_USE && i < res->count &&
	            c->nnames < SPF_MAX_NAMES_PER_LOOKUP;
	     i++) {
		if (res->rrs[i].type == DNS_T_PTR)
			c->names[c->nnames++] =
			    arena_strdup(c->arena, res->rrs[i].u.name);
	}
	if (c->nnames == 0)
		ptr_finish(c);
	else
		spf_query_batch(c, c->names, c->nnames, spf_addr_type(c),
		                on_ptr_addrs);
}

void
spf_ptr_validate(struct spf_check *c, bool for_mechanism, spf_resume_t *after)
{
	c->ptr_for_mechanism = for_mechanism;
	c->after_ptr = after;
	spf_query(c, spf_addr_reverse_name(c->arena, &c->ip), DNS_T_PTR,
	          on_ptr);
}

/* `name` is `domain` or a subdomain of it (case-insensitive, trailing
 * dots ignored); 2 for equal, 1 for below, 0 otherwise. */
static int
name_under(const char *name, const char *domain)
{
	size_t nl = strlen(name), dl = strlen(domain);

	if (nl > 0 && name[nl - 1] == '.')
		nl--;
	if (dl > 0 && domain[dl - 1] == '.')
		dl--;
	if (nl == dl && strncasecmp(name, domain, nl) == 0)
		return 2;
	if (nl > dl && name[nl - dl - 1] == '.' &&
	    strncasecmp(name + nl - dl, domain, dl) == 0)
		return 1;
	return 0;
}

bool
spf_ptr_matches(const struct spf_check *c, const char *domain)
{
	size_t i;

	for (i = 0; i < c->nptr_valid; i++) {
		if (name_under(c->ptr_valid[i], domain) > 0)
			return true;
	}
	return false;
}

const char *
spf_ptr_pick(const struct spf_check *c, const char *domain)
{
	int want;
	size_t i;

	for (want = 2; want > 0; want--) {
		for (i = 0; i < c->nptr_valid; i++) {
			if (name_under(c->ptr_valid[i], domain) == want)
				return c->ptr_valid[i];
		}
	}
	return c->nptr_valid > 0 ? c->ptr_valid[0] : NULL;
}
