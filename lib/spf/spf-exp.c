/*
 * spf-exp.c - the explanation for a "fail" (RFC 7208 6.2): the exp=
 * domain-spec of the record that produced the result is expanded, its
 * single TXT record fetched and macro-expanded with c, r and t allowed.
 * Any problem (DNS error, no or several records, syntax error) means
 * "as if no exp modifier was given": the default explanation is used.
 */
#include "config.h"

#include <string.h>

#include "util/arena.h"
#include "spf/spf-check.h"

/* The default when the record has none and the settings give none.
 * %{c}, not %{i}: RFC 7208 7.3 makes "i" the dot format for IPv6 (nibbles,
 * meant for %{ir}) and "c" the readable form, allowed in explanations. */
#define SPF_DEFAULT_EXPLANATION                                                \
	"%{c} is not one of %{d}'s designated mail servers."

static void
exp_default(struct spf_check *c)
{
	const char *text = SPF_DEFAULT_EXPLANATION, *error;
	char *out;

	if (c->settings != NULL && c->settings->default_explanation != NULL)
		text = c->settings->default_explanation;
	c->vars.ptr_name = c->ptr_done ? spf_ptr_pick(c, c->vars.domain) : NULL;
	if (spf_macro_expand(c->arena, text, strlen(text), SPF_MACRO_EXPLAIN,
	                     &c->vars, &out, &error) < 0)
		out = arena_strdup(c->arena, text);
	c->verdict.explanation = out;
	c->verdict.explanation_is_default = true;
	c->done = true;
}

static void
exp_expand(struct spf_check *c, const char *text, size_t len)
{
	const char *error;
	char *out;

	c->vars.ptr_name = c->ptr_done ? spf_ptr_pick(c, c->vars.domain) : NULL;
	if (spf_macro_expand(c->arena, text, len, SPF_MACRO_EXPLAIN, &c->vars,
	                     &out, &error) < 0) {
		exp_default(c);
		return;
	}
	c->verdict.explanation = out;
	c->done = true;
}

static void
exp_expand_saved(struct spf_check *c)
{
	exp_expand(c, c->exp_text, strlen(c->exp_text));
}

static void
on_exp(struct spf_check *c, const struct dns_result *res)
{
	struct spf_macro_info info;
	const struct dns_rr *rr;
	const char *error;

	if (spf_dns_action(res, SPF_LOOKUP_EXP) != SPF_DNS_USE ||
	    res->count != 1 || res->rrs[0].type != DNS_T_TXT) {
		exp_default(c);
		return;
	}
	rr = &res->rrs[0];
	if (spf_macro_check(rr->u.txt.text, rr->u.txt.text_len,
	                    SPF_MACRO_EXPLAIN, &info, &error) < 0) {
		exp_default(c);
		return;
	}
	if (info.uses_p && !c->ptr_done) {
		c->exp_text =
		    arena_memdup0(c->arena, rr->u.txt.text, rr->u.txt.text_len);
		spf_ptr_validate(c, false, exp_expand_saved);
		return;
	}
	exp_expand(c, rr->u.txt.text, rr->u.txt.text_len);
}

void
spf_exp_start(struct spf_check *c)
{
	const struct spf_record *rec = c->frame->record;
	const char *error, *name;
	char *out;

	c->in_exp = true;
	if (rec->exp == NULL) {
		exp_default(c);
		return;
	}
	if (rec->exp_uses_p && !c->ptr_done) {
		spf_ptr_validate(c, false, spf_exp_start);
		return;
	}
	c->vars.ptr_name = c->ptr_done ? spf_ptr_pick(c, c->vars.domain) : NULL;
	if (spf_macro_expand(c->arena, rec->exp, strlen(rec->exp),
	                     SPF_MACRO_DOMAIN, &c->vars, &out, &error) < 0) {
		exp_default(c);
		return;
	}
	name = spf_macro_truncate_domain(out);
	spf_query(c, name, DNS_T_TXT, on_exp);
}
