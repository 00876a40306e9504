/*
 * authres-trust.c - which SPF result in a message's header can be
 * trusted, and which fields forge our authserv-id (RFC 8601 section 5,
 * RFC 7208 section 9.1; declared in authres-parse.h).
 *
 * Our spf-policyd prepends its field when the message arrives, so ours
 * is the topmost of its kind; any other field claiming our authserv-id
 * came from elsewhere and is removed by the caller.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "arena.h"
#include "authres-parse.h"

static const char *
domain_of(struct arena *arena, const char *mailbox)
{
	const char *at;

	if (mailbox == NULL)
		return NULL;
	at = strrchr(mailbox, '@');
	if (at != NULL)
		mailbox = at + 1;
	if (mailbox[0] == '<')
		mailbox++;
	if (mailbox[0] == '\0' || mailbox[0] == '>')
		return NULL;
	return arena_strndup(arena, mailbox, strcspn(mailbox, ">"));
}

static void
add_forged(struct authres_trusted_spf *r, struct arena *arena, size_t idx,
	   size_t nfields)
{
	if (r->forged == NULL)
		r->forged = arena_alloc(arena, nfields * sizeof(*r->forged));
	r->forged[r->nforged++] = idx;
}

/* Trust the spf= result of our topmost field; false when it has none
 * (then the field tells nothing we wrote and is removed like a forgery:
 * spf-policyd always writes spf=). */
static bool
trust_ar(struct authres_trusted_spf *r, struct arena *arena,
	 const struct authres_parsed *ar, size_t idx)
{
	size_t i;

	for (i = 0; i < ar->nresults; i++) {
		const struct authres_parsed_result *res = &ar->results[i];

		if (strcmp(res->method, "spf") != 0)
			continue;
		r->found = true;
		r->trusted_index = idx;
		r->result = res->result;
		r->mailfrom_domain = domain_of(
			arena, authres_parsed_prop(res, "smtp", "mailfrom"));
		r->helo = authres_parsed_prop(res, "smtp", "helo");
		return true;
	}
	return false;
}

static void
trust_received_spf(struct authres_trusted_spf *r, struct arena *arena,
		   const struct received_spf *spf, size_t idx)
{
	r->found = true;
	r->trusted_index = idx;
	r->result = spf->result;
	r->mailfrom_domain = domain_of(arena,
				       received_spf_get(spf, "envelope-from"));
	r->helo = received_spf_get(spf, "helo");
}

int
authres_trusted_spf(const struct authres_field *fields, size_t nfields,
		    const char *authserv_id, struct arena *arena,
		    struct authres_trusted_spf *r)
{
	bool seen_ar = false, seen_rspf = false;
	struct authres_parsed *ar;
	struct received_spf *spf;
	struct authres_trusted_spf rspf;
	const char *err, *recv;
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&rspf, 0, sizeof(rspf));
	for (i = 0; i < nfields; i++) {
		const struct authres_field *f = &fields[i];

		if (strcasecmp(f->name, "Authentication-Results") == 0) {
			rc = authres_parse(f->value, f->value_len, arena, &ar,
					   &err);
			if (ar->authserv_id == NULL ||
			    strcasecmp(ar->authserv_id, authserv_id) != 0) {
				seen_ar = true;
				continue;
			}
			if (seen_ar || rc != 0 || !trust_ar(r, arena, ar, i))
				add_forged(r, arena, i, nfields);
			seen_ar = true;
		} else if (strcasecmp(f->name, "Received-SPF") == 0) {
			rc = received_spf_parse(f->value, f->value_len, arena,
						&spf, &err);
			recv = received_spf_get(spf, "receiver");
			if (recv == NULL ||
			    strcasecmp(recv, authserv_id) != 0) {
				seen_rspf = true;
				continue;
			}
			if (!seen_rspf && rc == 0)
				trust_received_spf(&rspf, arena, spf, i);
			else
				add_forged(r, arena, i, nfields);
			seen_rspf = true;
		}
	}
	if (!r->found && rspf.found) {
		r->found = true;
		r->result = rspf.result;
		r->mailfrom_domain = rspf.mailfrom_domain;
		r->helo = rspf.helo;
		r->trusted_index = rspf.trusted_index;
	}
	return 0;
}
