/*
 * policyd-decide.c - the decision table (see policyd-decide.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "msg/authres.h"
#include "util/hdrfold.h"
#include "policyd-config.h"
#include "policyd-decide.h"
#include "spf/received-spf.h"

static const char *
dup0(struct arena *arena, const char *s)
{
	return s == NULL ? NULL : arena_strdup(arena, s);
}

void
policyd_check_set(struct policyd_check *c, struct arena *arena,
		  const struct spf_verdict *v)
{
	c->checked = true;
	c->result = v->result;
	c->domain = dup0(arena, v->domain);
	c->sender = dup0(arena, v->sender);
	c->mechanism = dup0(arena, v->mechanism);
	c->reason = dup0(arena, v->reason);
	c->explanation = dup0(arena, v->explanation);
}

const char *
policyd_sanitize(struct arena *arena, const char *text, size_t max)
{
	size_t len, i;
	char *out;

	if (text == NULL)
		return "";
	len = strlen(text);
	if (len > max)
		len = max;
	out = arena_alloc(arena, len + 4);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	strcpy(out + len, strlen(text) > max ? "..." : "");
	return out;
}

static bool
domain_listed(const char *const *list, const char *domain)
{
	for (; domain != NULL && *list != NULL; list++) {
		if (strcasecmp(*list, domain) == 0)
			return true;
	}
	return false;
}

/* policyd-spf.conf(5): which results a *_reject mode rejects. */
static bool
mode_rejects(enum policyd_reject mode, enum spf_result r, bool null_sender)
{
	switch (mode) {
	case POLICYD_REJECT_SPF_NOT_PASS:
		return r == SPF_FAIL || r == SPF_SOFTFAIL || r == SPF_NEUTRAL;
	case POLICYD_REJECT_SOFTFAIL:
		return r == SPF_FAIL || r == SPF_SOFTFAIL;
	case POLICYD_REJECT_FAIL:
		return r == SPF_FAIL;
	case POLICYD_REJECT_NULL:
		return r == SPF_FAIL && null_sender;
	case POLICYD_REJECT_FALSE:
	case POLICYD_REJECT_NO_CHECK:
		return false;
	}
	return false;
}

static enum policyd_disposition
disposition(const struct policyd_config *cfg, enum policyd_reject mode,
	    const struct policyd_check *c, bool null_sender,
	    bool not_pass_domain)
{
	if (!c->checked || cfg->test_only == 0 ||
	    mode == POLICYD_REJECT_FALSE || mode == POLICYD_REJECT_NO_CHECK)
		return POLICYD_ACCEPT;
	if (c->result == SPF_TEMPERROR)
		return cfg->temperror_defer ? POLICYD_DEFER : POLICYD_ACCEPT;
	if (c->result == SPF_PERMERROR)
		return cfg->permerror_reject ? POLICYD_REJECT : POLICYD_ACCEPT;
	if (not_pass_domain &&
	    (c->result == SPF_SOFTFAIL || c->result == SPF_NEUTRAL))
		return POLICYD_REJECT;
	return mode_rejects(mode, c->result, null_sender) ? POLICYD_REJECT
							  : POLICYD_ACCEPT;
}

static bool
null_sender(const struct policyd_facts *f)
{
	return f->sender == NULL || f->sender[0] == '\0';
}

bool
policyd_helo_is_final(const struct policyd_config *cfg,
		      const struct policyd_check *helo,
		      const struct policyd_facts *facts)
{
	return disposition(cfg, cfg->helo_reject, helo, null_sender(facts),
			   false) != POLICYD_ACCEPT;
}

static const char *
reply_text(struct arena *arena, const struct policyd_config *cfg,
	   enum policyd_disposition d, const struct policyd_check *c,
	   const struct policyd_facts *f)
{
	const char *res = spf_result_str(c->result);
	const char *domain = policyd_sanitize(arena, c->domain, 255);
	const char *ip = policyd_sanitize(arena, f->client_ip, 64);
	const char *reason = policyd_sanitize(arena, c->reason,
					      POLICYD_MAX_EXPLANATION);

	/* RFC 7372 3.2: 5.7.23 SPF validation failed, 5.7.24 SPF
	 * validation error (4.7.24 when temporary) */
	if (d == POLICYD_DEFER)
		return arena_printf(arena,
				    "DEFER_IF_PERMIT %s SPF %s: %s",
				    cfg->enhanced_status_codes ? "4.7.24"
							       : "4.7.1",
				    res, reason);
	if (c->result == SPF_PERMERROR)
		return arena_printf(arena, "550 %s SPF %s: %s",
				    cfg->enhanced_status_codes ? "5.7.24"
							       : "5.7.1",
				    res, reason);
	if (c->result == SPF_FAIL && c->explanation != NULL &&
	    c->explanation[0] != '\0')
		return arena_printf(arena, "550 %s %s",
				    cfg->enhanced_status_codes ? "5.7.23"
							       : "5.7.1",
				    policyd_sanitize(arena, c->explanation,
						     POLICYD_MAX_EXPLANATION));
	return arena_printf(arena,
			    "550 %s SPF %s: %s does not designate %s as "
			    "permitted sender",
			    cfg->enhanced_status_codes ? "5.7.23" : "5.7.1",
			    res, domain, ip);
}

static const char *
received_spf(struct arena *arena, const struct policyd_config *cfg,
	     const struct policyd_facts *f, const struct policyd_check *c,
	     enum spf_identity id)
{
	struct spf_received r;
	const char *receiver = cfg->hide_receiver ? NULL : cfg->hostname;
	const char *who = c->sender != NULL ? c->sender : c->domain;
	char *value;

	memset(&r, 0, sizeof(r));
	r.result = spf_result_str(c->result);
	r.comment = spf_received_comment(
		arena, receiver, c->result, who == NULL ? "" : who,
		f->client_ip,
		c->result == SPF_PERMERROR || c->result == SPF_TEMPERROR
			? c->reason
			: NULL);
	r.identity = id == SPF_IDENTITY_HELO ? "helo" : "mailfrom";
	r.receiver = receiver;
	r.client_ip = f->client_ip;
	r.envelope_from = id == SPF_IDENTITY_HELO || null_sender(f)
				  ? c->sender
				  : f->sender;
	r.helo = f->helo != NULL && f->helo[0] != '\0' ? f->helo : NULL;
	r.mechanism = c->mechanism;
	if (c->result == SPF_PERMERROR || c->result == SPF_TEMPERROR)
		r.problem = c->reason;
	value = arena_strdup(arena, spf_received_format(arena, &r, false));
	hdrfold_unfold(value);
	return arena_printf(arena, "Received-SPF: %s", value);
}

static const char *
authentication_results(struct arena *arena, const struct policyd_config *cfg,
		       const struct policyd_check *helo,
		       const struct policyd_check *mailfrom,
		       const struct policyd_facts *f)
{
	struct authres *ar = authres_new(arena, cfg->hostname);
	struct authres_prop prop;
	char *value;

	/* RFC 8601 2.7.2: smtp.mailfrom (the domain, as in B.3) and
	 * smtp.helo */
	if (mailfrom->checked) {
		prop.ptype = "smtp";
		prop.property = "mailfrom";
		prop.value = mailfrom->domain != NULL ? mailfrom->domain : "";
		authres_add(ar, "spf", spf_result_str(mailfrom->result), NULL,
			    NULL, &prop, 1);
	}
	if (helo->checked) {
		prop.ptype = "smtp";
		prop.property = "helo";
		prop.value = f->helo != NULL ? f->helo : "";
		authres_add(ar, "spf", spf_result_str(helo->result), NULL,
			    NULL, &prop, 1);
	}
	value = arena_strdup(arena, authres_format(ar, 0));
	hdrfold_unfold(value);
	return arena_printf(arena, "Authentication-Results: %s", value);
}

void
policyd_decide(struct arena *arena, const struct policyd_config *cfg,
	       const struct policyd_facts *f, const struct policyd_check *helo,
	       const struct policyd_check *mailfrom,
	       struct policyd_decision *d)
{
	enum policyd_disposition hd, md;
	bool listed = mailfrom->checked &&
		      domain_listed(cfg->reject_not_pass_domains,
				    mailfrom->domain);

	memset(d, 0, sizeof(*d));
	hd = disposition(cfg, cfg->helo_reject, helo, null_sender(f), false);
	md = disposition(cfg, cfg->mail_from_reject, mailfrom, null_sender(f),
			 listed);
	/* HELO first; a rejection outranks a deferral */
	if (hd != POLICYD_ACCEPT && (hd == POLICYD_REJECT || md == hd ||
				     md == POLICYD_ACCEPT)) {
		d->disposition = hd;
		d->deciding = SPF_IDENTITY_HELO;
		d->reply = reply_text(arena, cfg, hd, helo, f);
		return;
	}
	if (md != POLICYD_ACCEPT) {
		d->disposition = md;
		d->deciding = SPF_IDENTITY_MAILFROM;
		d->reply = reply_text(arena, cfg, md, mailfrom, f);
		return;
	}
	d->disposition = POLICYD_ACCEPT;
	if (!helo->checked && !mailfrom->checked)
		return;
	if (cfg->header_type == POLICYD_HEADER_SPF ||
	    cfg->header_type == POLICYD_HEADER_BOTH)
		d->received_spf =
			mailfrom->checked
				? received_spf(arena, cfg, f, mailfrom,
					       SPF_IDENTITY_MAILFROM)
				: received_spf(arena, cfg, f, helo,
					       SPF_IDENTITY_HELO);
	if (cfg->header_type == POLICYD_HEADER_AR ||
	    cfg->header_type == POLICYD_HEADER_BOTH)
		d->authres =
			authentication_results(arena, cfg, helo, mailfrom, f);
}

/* The domain of a MAIL FROM address, or NULL for <> or no '@'. */
static const char *
sender_domain(const char *sender)
{
	const char *at = sender != NULL ? strrchr(sender, '@') : NULL;

	return at != NULL && at[1] != '\0' ? at + 1 : NULL;
}

void
policyd_decide_skipped(struct arena *arena, const struct policyd_config *cfg,
		       const struct policyd_facts *f, const char *why,
		       const char *sasl_user, struct policyd_decision *d)
{
	const char *reason = arena_printf(
		arena, "not checked: %s",
		policyd_sanitize(arena, why, POLICYD_MAX_EXPLANATION));
	const char *domain = sender_domain(f->sender);
	struct authres_prop prop;
	struct spf_received r;
	struct authres *ar;
	char *value;

	memset(d, 0, sizeof(*d));
	d->disposition = POLICYD_ACCEPT;
	if (cfg->header_type == POLICYD_HEADER_SPF ||
	    cfg->header_type == POLICYD_HEADER_BOTH) {
		memset(&r, 0, sizeof(r));
		r.result = spf_result_str(SPF_NONE);
		r.comment = reason;
		r.identity = "mailfrom";
		r.receiver = cfg->hide_receiver ? NULL : cfg->hostname;
		r.client_ip = f->client_ip != NULL && f->client_ip[0] != '\0'
				      ? f->client_ip
				      : NULL;
		r.envelope_from = null_sender(f) ? NULL : f->sender;
		r.helo = f->helo != NULL && f->helo[0] != '\0' ? f->helo : NULL;
		value = arena_strdup(arena, spf_received_format(arena, &r, false));
		hdrfold_unfold(value);
		d->received_spf = arena_printf(arena, "Received-SPF: %s", value);
	}
	if (cfg->header_type != POLICYD_HEADER_AR &&
	    cfg->header_type != POLICYD_HEADER_BOTH)
		return;
	ar = authres_new(arena, cfg->hostname);
	if (sasl_user != NULL && sasl_user[0] != '\0') {
		/* RFC 8601 2.7.4: auth, smtp.auth = the authenticated id */
		prop.ptype = "smtp";
		prop.property = "auth";
		prop.value = policyd_sanitize(arena, sasl_user, 255);
		authres_add(ar, "auth", "pass", NULL, NULL, &prop, 1);
	}
	/* RFC 7208 2.6.1 none: no SPF result for this identity; the
	 * reason says why (RFC 8601 2.2) */
	prop.ptype = "smtp";
	prop.property = domain != NULL ? "mailfrom" : "helo";
	prop.value = policyd_sanitize(arena, domain != NULL ? domain : f->helo,
				      255);
	authres_add(ar, "spf", spf_result_str(SPF_NONE), NULL, reason, &prop,
		    1);
	value = arena_strdup(arena, authres_format(ar, 0));
	hdrfold_unfold(value);
	d->authres = arena_printf(arena, "Authentication-Results: %s", value);
}

const char *
policyd_decision_action(struct arena *arena, const struct policyd_decision *d,
			unsigned int n)
{
	const char *headers[2];
	unsigned int nh = 0;

	if (d->disposition != POLICYD_ACCEPT)
		return d->reply;
	if (d->received_spf != NULL)
		headers[nh++] = d->received_spf;
	if (d->authres != NULL)
		headers[nh++] = d->authres;
	if (n < nh)
		return arena_printf(arena, "PREPEND %s", headers[n]);
	return "DUNNO";
}
