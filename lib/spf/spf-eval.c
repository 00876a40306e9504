/*
 * spf-eval.c - record selection (RFC 7208 4.5) and term evaluation (4.6,
 * 5, 6.1) for the check_host() state machine (see spf-check.h).
 */
#include "config.h"

#include <string.h>

#include "util/arena.h"
#include "spf/spf-check.h"

static void term_matched(struct spf_check *c, const struct spf_term *t);

static const struct spf_term *
current_term(const struct spf_check *c)
{
	return &c->frame->record->terms[c->frame->next];
}

static void
term_no_match(struct spf_check *c)
{
	c->frame->next++;
}

/* The result of the record of the current frame (4.7 / 5.2). */
static void
frame_result(struct spf_check *c, enum spf_result result, const char *mech)
{
	struct spf_frame *f = c->frame;
	const struct spf_term *include = f->include_term;

	if (f->parent == NULL) {
		c->verdict.mechanism = mech;
		spf_finish(c, result,
		           strcmp(mech, "default") == 0
		               ? "no mechanism matched"
		               : arena_printf(c->arena, "matched %s", mech));
		return;
	}
	c->frame = f->parent;
	c->vars.domain = c->frame->domain;
	if (result == SPF_PASS) /* 5.2: only pass makes include match */
		term_matched(c, include);
	else
		term_no_match(c);
}

static void
term_matched(struct spf_check *c, const struct spf_term *t)
{
	frame_result(c, t->qualifier, t->text);
}

/* 4.5: exactly one "v=spf1" record among the TXT records; 0 and the
 * record, 1 for none, -1 for more than one. */
static int
select_record(const struct dns_result *res, const char **text_r, size_t *len_r)
{
	size_t i, found = 0;

	for (i = 0; i < res->count; i++) {
		const struct dns_rr *rr = &res->rrs[i];

		if (rr->type != DNS_T_TXT ||
		    !spf_record_is_spf1(rr->u.txt.text, rr->u.txt.text_len))
			continue;
		*text_r = rr->u.txt.text;
		*len_r = rr->u.txt.text_len;
		found++;
	}
	return found == 0 ? 1 : found == 1 ? 0 : -1;
}

static void
use_record(struct spf_check *c, const struct spf_record *rec)
{
	struct spf_frame *f;

	if (c->purpose == SPF_RECORD_REDIRECT) { /* 6.1: replaces it */
		f = c->frame;
	} else {
		f = arena_zalloc(c->arena, sizeof(*f));
		if (c->purpose == SPF_RECORD_INCLUDE) {
			f->parent = c->frame;
			f->include_term = current_term(c);
		}
		c->frame = f;
	}
	f->record = rec;
	f->domain = c->target;
	f->next = 0;
	c->vars.domain = f->domain;
}

static void
on_record(struct spf_check *c, const struct dns_result *res)
{
	enum spf_dns_action action = spf_dns_action(res, SPF_LOOKUP_RECORD);
	struct spf_record *rec;
	const char *text = NULL, *error;
	size_t len = 0;
	int sel = 1;

	if (action == SPF_DNS_TEMPERROR) {
		spf_finish(c, SPF_TEMPERROR,
		           arena_printf(c->arena, "DNS %s looking up %s",
		                        dns_outcome_str(res->outcome),
		                        c->target));
		return;
	}
	if (action == SPF_DNS_USE)
		sel = select_record(res, &text, &len);
	if (sel < 0) {
		spf_finish(c, SPF_PERMERROR,
		           arena_printf(c->arena, "multiple SPF records for %s",
		                        c->target));
	} else if (sel > 0) {
		if (c->purpose == SPF_RECORD_TOP)
			spf_finish(c, SPF_NONE, "no SPF record");
		else
			spf_finish(c, SPF_PERMERROR,
			           arena_printf(c->arena,
			                        "no SPF record at %s %s",
			                        c->purpose == SPF_RECORD_INCLUDE
			                            ? "include"
			                            : "redirect",
			                        c->target));
	} else if (spf_record_parse(text, len, c->arena, &rec, &error) < 0) {
		spf_finish(c, SPF_PERMERROR,
		           arena_printf(c->arena, "syntax error in %s: %s",
		                        c->target, error));
	} else {
		use_record(c, rec);
	}
}

void
spf_eval_lookup_record(struct spf_check *c, const char *domain,
                       enum spf_record_purpose purpose)
{
	c->purpose = purpose;
	c->target = domain;
	spf_query(c, domain, DNS_T_TXT, on_record);
}

static void
term_temperror(struct spf_check *c, const struct dns_result *res)
{
	spf_finish(c, SPF_TEMPERROR,
	           arena_printf(c->arena, "DNS %s looking up %s/%s for %s",
	                        dns_outcome_str(res->outcome), res->qname,
	                        dns_type_str(res->qtype),
	                        current_term(c)->text));
}

/* The common start of a/mx/exists results: false if handled. */
static bool
term_answer(struct spf_check *c, const struct dns_result *res)
{
	switch (spf_dns_action(res, SPF_LOOKUP_TERM)) {
	case SPF_DNS_USE:
		return true;
	case SPF_DNS_TEMPERROR:
		term_temperror(c, res);
		return false;
	case SPF_DNS_VOID:
		if (spf_count_void(c))
			term_no_match(c);
		return false;
	case SPF_DNS_SKIP:
		break;
	}
	term_no_match(c);
	return false;
}

static void
on_a(struct spf_check *c, const struct dns_result *res)
{
	const struct spf_term *t = current_term(c);

	if (!term_answer(c, res))
		return;
	if (spf_addr_in_answer(res, &c->ip, t->cidr4, t->cidr6))
		term_matched(c, t);
	else
		term_no_match(c);
}

static void
on_exists(struct spf_check *c, const struct dns_result *res)
{
	if (term_answer(c, res))
		term_matched(c, current_term(c));
}

/* 5.4: the addresses of every MX name, looked at in MX order: the first
 * match matches, a DNS error before it is temperror. */
static void
on_mx_addrs(struct spf_check *c, struct dns_result *const *results, size_t n)
{
	const struct spf_term *t = current_term(c);
	size_t i;

	for (i = 0; i < n; i++) {
		switch (spf_dns_action(results[i], SPF_LOOKUP_MX_ADDR)) {
		case SPF_DNS_TEMPERROR:
			term_temperror(c, results[i]);
			return;
		case SPF_DNS_USE:
			if (spf_addr_in_answer(results[i], &c->ip, t->cidr4,
			                       t->cidr6)) {
				term_matched(c, t);
				return;
			}
			break;
		case SPF_DNS_VOID:
		case SPF_DNS_SKIP:
			break;
		}
	}
	term_no_match(c);
}

static void
on_mx(struct spf_check *c, const struct dns_result *res)
{
	size_t i;

	if (!term_answer(c, res))
		return;
	if (res->count > SPF_MAX_NAMES_PER_LOOKUP) { /* 4.6.4 */
		spf_finish(c, SPF_PERMERROR,
		           arena_printf(c->arena,
		                        "more than %u MX records "
		                        "for %s",
		                        SPF_MAX_NAMES_PER_LOOKUP, c->target));
		return;
	}
	c->names = arena_zalloc(c->arena, (res->count + 1) * sizeof(char *));
	c->nnames = 0;
	for (i = 0; i < res->count; i++) {
		const struct dns_rr *rr = &res->rrs[i];

		if (rr->type == DNS_T_MX && rr->u.mx.exchange[0] != '\0')
			c->names[c->nnames++] =
			    arena_strdup(c->arena, rr->u.mx.exchange);
	}
	if (c->nnames == 0)
		term_no_match(c);
	else
		spf_query_batch(c, c->names, c->nnames, spf_addr_type(c),
		                on_mx_addrs);
}

static void
on_ptr_validated(struct spf_check *c)
{
	if (spf_ptr_matches(c, c->target))
		term_matched(c, current_term(c));
	else
		term_no_match(c);
}

/* a, mx, ptr, include, exists: count, expand, query (5.2 - 5.7). */
static void
eval_dns_term(struct spf_check *c, const struct spf_term *t)
{
	const char *target = c->frame->domain;

	if (t->uses_p && !c->ptr_done) {
		spf_ptr_validate(c, false, NULL); /* then evaluate again */
		return;
	}
	if (!spf_count_lookup(c))
		return;
	if (t->domain_spec != NULL &&
	    spf_expand_domain(c, t->domain_spec, &target) < 0)
		return;
	c->target = target;
	switch (t->mechanism) {
	case SPF_MECH_INCLUDE:
		spf_eval_lookup_record(c, target, SPF_RECORD_INCLUDE);
		break;
	case SPF_MECH_A:
		spf_query(c, target, spf_addr_type(c), on_a);
		break;
	case SPF_MECH_MX:
		spf_query(c, target, DNS_T_MX, on_mx);
		break;
	case SPF_MECH_PTR:
		if (c->ptr_done)
			on_ptr_validated(c);
		else
			spf_ptr_validate(c, true, on_ptr_validated);
		break;
	case SPF_MECH_EXISTS: /* 5.7: always an A query */
		spf_query(c, target, DNS_T_A, on_exists);
		break;
	default: /* all, ip4, ip6 never get here; never loop on them */
		term_no_match(c);
		break;
	}
}

static void
eval_term(struct spf_check *c, const struct spf_term *t)
{
	switch (t->mechanism) {
	case SPF_MECH_ALL:
		term_matched(c, t);
		return;
	case SPF_MECH_IP4:
	case SPF_MECH_IP6:
		if (spf_addr_match(&c->ip, &t->network,
		                   t->network.v6 ? t->cidr6 : t->cidr4))
			term_matched(c, t);
		else
			term_no_match(c);
		return;
	default:
		eval_dns_term(c, t);
	}
}

/* No mechanism matched: redirect (6.1) or the default neutral (4.7). */
static void
eval_end(struct spf_check *c)
{
	const struct spf_record *rec = c->frame->record;
	const char *target;

	if (rec->redirect == NULL) {
		frame_result(c, SPF_NEUTRAL, "default");
		return;
	}
	if (rec->redirect_uses_p && !c->ptr_done) {
		spf_ptr_validate(c, false, NULL);
		return;
	}
	if (!spf_count_lookup(c) ||
	    spf_expand_domain(c, rec->redirect, &target) < 0)
		return;
	spf_eval_lookup_record(c, target, SPF_RECORD_REDIRECT);
}

void
spf_eval_run(struct spf_check *c)
{
	while (!c->done && !spf_waiting(c)) {
		struct spf_frame *f = c->frame;

		if (f->next < f->record->nterms)
			eval_term(c, &f->record->terms[f->next]);
		else
			eval_end(c);
	}
}
