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

/*
 * The header fields.  Every value in them that comes from the client
 * (HELO name, envelope sender, client address, SASL name), from DNS
 * (domain, mechanism, problem text) or from the configuration (receiver,
 * authserv-id) goes through policyd_sanitize(): printable US-ASCII only,
 * at most `cap` octets.  The field travels as one line (a policy
 * protocol attribute has no line breaks, so the folds of the writers are
 * unfolded), and RFC 5322 2.1.1 allows 998 octets: when it is longer
 * the field is built again with a smaller cap, from 255 (RFC 5321
 * 4.5.3.1.2, a domain) down to 16, at which size every field fits.
 */
#define POLICYD_FIELD_MAX 998

static const size_t field_caps[] = {255, 128, 64, 32, 16};

/* What a field is built from; mailfrom NULL: a client not checked. */
struct field_src {
	const struct policyd_config *cfg;
	const struct policyd_facts *f;
	const struct policyd_check *helo, *mailfrom;
	const char *reason;    /* not checked: the comment / reason= */
	const char *sasl_user; /* not checked: smtp.auth, or NULL */
};

/* A field value, folded at 78 columns, for values of at most `cap`. */
typedef const char *field_value_fn(struct arena *arena,
				   const struct field_src *src, size_t cap);

/* NULL and "" stay NULL (an omitted key). */
static const char *
clean(struct arena *arena, const char *text, size_t cap)
{
	return text == NULL || text[0] == '\0'
		       ? NULL
		       : policyd_sanitize(arena, text, cap);
}

/* "NAME: value" as one line of at most POLICYD_FIELD_MAX octets. */
static const char *
field_line(struct arena *arena, const char *name, field_value_fn *value_fn,
	   const struct field_src *src)
{
	const char *line = NULL;
	size_t i;

	for (i = 0; i < sizeof(field_caps) / sizeof(field_caps[0]); i++) {
		char *value = arena_strdup(arena,
					   value_fn(arena, src, field_caps[i]));

		hdrfold_unfold(value);
		line = arena_printf(arena, "%s: %s", name, value);
		if (strlen(line) <= POLICYD_FIELD_MAX)
			break;
	}
	return line;
}

static const char *
received_spf_checked(struct arena *arena, const struct field_src *src,
		     size_t cap)
{
	const struct policyd_config *cfg = src->cfg;
	const struct policyd_facts *f = src->f;
	/* the MAIL FROM identity, or HELO when it was not checked */
	bool by_helo = !src->mailfrom->checked;
	const struct policyd_check *c = by_helo ? src->helo : src->mailfrom;
	bool error = c->result == SPF_PERMERROR || c->result == SPF_TEMPERROR;
	const char *who = clean(arena,
				c->sender != NULL ? c->sender : c->domain, cap);
	struct spf_received r;

	memset(&r, 0, sizeof(r));
	r.result = spf_result_str(c->result);
	r.identity = by_helo ? "helo" : "mailfrom";
	r.receiver = cfg->hide_receiver ? NULL
					: clean(arena, cfg->hostname, cap);
	r.client_ip = clean(arena, f->client_ip, cap);
	r.envelope_from = clean(arena,
				by_helo || null_sender(f) ? c->sender
							  : f->sender,
				cap);
	r.helo = clean(arena, f->helo, cap);
	r.mechanism = clean(arena, c->mechanism, cap);
	r.problem = error ? clean(arena, c->reason, cap) : NULL;
	r.comment = spf_received_comment(
		arena, r.receiver, c->result, who == NULL ? "" : who,
		r.client_ip == NULL ? "" : r.client_ip, r.problem);
	return spf_received_format(arena, &r, false);
}

static const char *
authres_checked(struct arena *arena, const struct field_src *src, size_t cap)
{
	const struct policyd_check *helo = src->helo, *mailfrom = src->mailfrom;
	struct authres *ar = authres_new(
		arena, policyd_sanitize(arena, src->cfg->hostname, cap));
	struct authres_prop prop;
	const char *v;

	/* RFC 8601 2.7.2: smtp.mailfrom (the domain, as in B.3) and
	 * smtp.helo */
	if (mailfrom->checked) {
		prop.ptype = "smtp";
		prop.property = "mailfrom";
		v = clean(arena, mailfrom->domain, cap);
		prop.value = v != NULL ? v : "";
		authres_add(ar, "spf", spf_result_str(mailfrom->result), NULL,
			    NULL, &prop, 1);
	}
	if (helo->checked) {
		prop.ptype = "smtp";
		prop.property = "helo";
		v = clean(arena, src->f->helo, cap);
		prop.value = v != NULL ? v : "";
		authres_add(ar, "spf", spf_result_str(helo->result), NULL,
			    NULL, &prop, 1);
	}
	return authres_format(ar, 0);
}

void
policyd_decide(struct arena *arena, const struct policyd_config *cfg,
	       const struct policyd_facts *f, const struct policyd_check *helo,
	       const struct policyd_check *mailfrom,
	       struct policyd_decision *d)
{
	enum policyd_disposition hd, md;
	struct field_src src;
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
	src.cfg = cfg;
	src.f = f;
	src.helo = helo;
	src.mailfrom = mailfrom;
	if (cfg->header_type == POLICYD_HEADER_SPF ||
	    cfg->header_type == POLICYD_HEADER_BOTH)
		d->received_spf = field_line(arena, "Received-SPF",
					     received_spf_checked, &src);
	if (cfg->header_type == POLICYD_HEADER_AR ||
	    cfg->header_type == POLICYD_HEADER_BOTH)
		d->authres = field_line(arena, "Authentication-Results",
					authres_checked, &src);
}

/* The domain of a MAIL FROM address, or NULL for <> or no '@'. */
static const char *
sender_domain(const char *sender)
{
	const char *at = sender != NULL ? strrchr(sender, '@') : NULL;

	return at != NULL && at[1] != '\0' ? at + 1 : NULL;
}

static const char *
received_spf_skipped(struct arena *arena, const struct field_src *src,
		     size_t cap)
{
	const struct policyd_config *cfg = src->cfg;
	const struct policyd_facts *f = src->f;
	struct spf_received r;

	memset(&r, 0, sizeof(r));
	r.result = spf_result_str(SPF_NONE);
	r.comment = src->reason;
	r.identity = "mailfrom";
	r.receiver = cfg->hide_receiver ? NULL
					: clean(arena, cfg->hostname, cap);
	r.client_ip = clean(arena, f->client_ip, cap);
	r.envelope_from = clean(arena, f->sender, cap);
	r.helo = clean(arena, f->helo, cap);
	return spf_received_format(arena, &r, false);
}

static const char *
authres_skipped(struct arena *arena, const struct field_src *src, size_t cap)
{
	const char *domain = sender_domain(src->f->sender);
	struct authres *ar = authres_new(
		arena, policyd_sanitize(arena, src->cfg->hostname, cap));
	struct authres_prop prop;
	const char *v;

	if (src->sasl_user != NULL && src->sasl_user[0] != '\0') {
		/* RFC 8601 2.7.4: auth, smtp.auth = the authenticated id */
		prop.ptype = "smtp";
		prop.property = "auth";
		prop.value = clean(arena, src->sasl_user, cap);
		authres_add(ar, "auth", "pass", NULL, NULL, &prop, 1);
	}
	/* RFC 7208 2.6.1 none: no SPF result for this identity; the
	 * reason says why (RFC 8601 2.2) */
	prop.ptype = "smtp";
	prop.property = domain != NULL ? "mailfrom" : "helo";
	v = clean(arena, domain != NULL ? domain : src->f->helo, cap);
	prop.value = v != NULL ? v : "";
	authres_add(ar, "spf", spf_result_str(SPF_NONE), NULL, src->reason,
		    &prop, 1);
	return authres_format(ar, 0);
}

void
policyd_decide_skipped(struct arena *arena, const struct policyd_config *cfg,
		       const struct policyd_facts *f, const char *why,
		       const char *sasl_user, struct policyd_decision *d)
{
	struct field_src src;

	memset(d, 0, sizeof(*d));
	d->disposition = POLICYD_ACCEPT;
	memset(&src, 0, sizeof(src));
	src.cfg = cfg;
	src.f = f;
	src.sasl_user = sasl_user;
	src.reason = arena_printf(
		arena, "not checked: %s",
		policyd_sanitize(arena, why, POLICYD_MAX_EXPLANATION));
	if (cfg->header_type == POLICYD_HEADER_SPF ||
	    cfg->header_type == POLICYD_HEADER_BOTH)
		d->received_spf = field_line(arena, "Received-SPF",
					     received_spf_skipped, &src);
	if (cfg->header_type == POLICYD_HEADER_AR ||
	    cfg->header_type == POLICYD_HEADER_BOTH)
		d->authres = field_line(arena, "Authentication-Results",
					authres_skipped, &src);
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
