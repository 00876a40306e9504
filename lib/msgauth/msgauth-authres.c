/*
 * msgauth-authres.c - one message's Authentication-Results value from
 * its verdicts (see msgauth-authres.h), written with authres.h.
 */
#include "config.h"

#include <stddef.h>

#include "util/arena.h"
#include "msg/authres.h"
#include "msgauth/msgauth-authres.h"

/* RFC 8601 2.7.2: smtp.mailfrom (or smtp.helo when the HELO identity was
 * checked).  A header-sourced result without a trusted field is "none"
 * with nothing to name. */
static void
add_spf(struct authres *ar, const struct msgauth_spf *spf,
	enum msgauth_spf_source source)
{
	struct authres_prop prop;
	size_t nprops = 1;

	prop.ptype = "smtp";
	prop.property = spf->helo_identity ? "helo" : "mailfrom";
	prop.value = spf->domain != NULL ? spf->domain : "";
	if (source == MSGAUTH_SPF_HEADER && spf->domain == NULL)
		nprops = 0;
	authres_add(ar, "spf", spf_result_str(spf->result), NULL, NULL, &prop,
		    nprops);
}

/* RFC 8601 2.7.1: one dkim= result, with its comment ("test mode", and
 * on the last one how many signatures were not reported) and header.d,
 * i, s, a, b (RFC 6008 for header.b). */
static void
add_dkim(struct authres *ar, struct arena *arena,
	 const struct dkim_verify_result *r, size_t ignored)
{
	const char *values[] = {r->domain, r->auid, r->selector, r->algorithm,
				r->b_prefix};
	static const char *const names[] = {"d", "i", "s", "a", "b"};
	struct authres_prop props[5];
	const char *comment = r->testing ? "test mode" : NULL;
	size_t i, n = 0;

	for (i = 0; i < 5; i++) {
		if (values[i] == NULL || *values[i] == '\0')
			continue;
		props[n].ptype = "header";
		props[n].property = names[i];
		props[n++].value = values[i];
	}
	if (ignored > 0)
		comment = arena_printf(arena, "%s%s%zu more signatures not reported",
				       comment != NULL ? comment : "",
				       comment != NULL ? "; " : "", ignored);
	authres_add(ar, "dkim", dkim_result_str(r->result), comment, r->reason,
		    props, n);
}

/* RFC 9989 / RFC 8601 2.7.1: dmarc= with header.from; a hostile From
 * (no single Author Domain) has only a reason. */
static void
add_dmarc(struct authres *ar, struct arena *arena,
	  const struct dmarc_verdict *v)
{
	struct authres_prop prop = {"header", "from", v->author_domain};
	const char *comment;

	if (v->hostile || v->author_domain == NULL) {
		authres_add(ar, "dmarc", dmarc_result_str(v->result), NULL,
			    v->reason, NULL, 0);
		return;
	}
	comment = arena_printf(arena, "p=%s dis=%s",
			       v->policy == DMARC_POLICY_UNSET ? "none" :
			       dmarc_policy_str(v->policy),
			       dmarc_policy_str(v->disposition));
	authres_add(ar, "dmarc", dmarc_result_str(v->result), comment, NULL,
		    &prop, 1);
}

const char *
msgauth_authres_build(struct arena *arena, const char *authserv_id,
		      const struct msgauth_result *r,
		      enum msgauth_spf_source spf_source, bool crlf)
{
	struct authres *ar = authres_new(arena, authserv_id);
	size_t i;

	if (r->spf_reported)
		add_spf(ar, &r->spf, spf_source);
	if (r->ndkim == 0)
		authres_add(ar, "dkim", "none", NULL, NULL, NULL, 0);
	for (i = 0; i < r->ndkim; i++)
		add_dkim(ar, arena, &r->dkim[i],
			 i + 1 == r->ndkim ? r->dkim_ignored : 0);
	if (r->dmarc_evaluated)
		add_dmarc(ar, arena, &r->dmarc);
	return authres_format(ar, crlf ? 1 : 0);
}
