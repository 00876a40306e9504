/*
 * authres-trust.c - which SPF result in a message's header can be
 * trusted, and which fields forge our authserv-id (RFC 8601 section 5,
 * RFC 7208 section 9.1; authres-trust.h).
 *
 * Our spf-policyd prepends its field when the message arrives, so ours
 * is the topmost of its kind; any other field claiming our authserv-id
 * came from elsewhere and is removed by the caller.
 *
 * Where: Postfix's smtpd writes a policy service's PREPEND above the
 * Received field it adds itself, and everything the client sent stands
 * below that Received field.  So a field of ours is believed only above
 * the first Received field (the one that records an SMTP hop): a field
 * forged inside the message is below it even when our MTA wrote nothing
 * (a client spf-policyd was not asked about).  Received fields of a
 * final LMTP delivery (RFC 2033; Dovecot's lmtp adds one above
 * everything) record a hop inside our own system after smtpd and are
 * not counted.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "msg/authres-parse.h"
#include "msg/received-parse.h"
#include "msg/received-spf-parse.h"
#include "msgauth/authres-trust.h"

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

/* The offset just after the word `w` (case-insensitive, preceded by
 * white space or at the start) at or after `from`, or 0. */
static size_t
after_word(const char *v, size_t len, size_t from, const char *w)
{
	size_t n = strlen(w), i;

	for (i = from; i + n < len; i++) {
		if ((i == 0 || v[i - 1] == ' ' || v[i - 1] == '\t' ||
		     v[i - 1] == '\n') &&
		    strncasecmp(v + i, w, n) == 0 &&
		    (v[i + n] == ' ' || v[i + n] == '\t' || v[i + n] == '\r' ||
		     v[i + n] == '\n'))
			return i + n;
	}
	return 0;
}

/* Whether a Received field records a delivery over LMTP: its with-
 * protocol (RFC 5321 4.4, after "by"; RFC 2033 LMTP, RFC 3848 types)
 * begins with "LMTP". */
static bool
received_is_lmtp(const char *value, size_t len)
{
	size_t by = after_word(value, len, 0, "by");
	size_t with = by != 0 ? after_word(value, len, by, "with") : 0;

	if (with == 0)
		return false;
	while (with < len && (value[with] == ' ' || value[with] == '\t' ||
			      value[with] == '\r' || value[with] == '\n'))
		with++;
	return with + 4 <= len && strncasecmp(value + with, "LMTP", 4) == 0;
}

int
authres_trusted_spf(const struct authres_field *fields, size_t nfields,
		    const char *authserv_id, struct arena *arena,
		    struct authres_trusted_spf *r)
{
	bool seen_ar = false, seen_rspf = false, seen_received = false;
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

		if (strcasecmp(f->name, "Received") == 0) {
			if (!received_is_lmtp(f->value, f->value_len))
				seen_received = true;
			continue;
		}
		if (strcasecmp(f->name, "Authentication-Results") == 0) {
			rc = authres_parse(f->value, f->value_len, arena, &ar,
					   &err);
			if (ar->authserv_id == NULL ||
			    strcasecmp(ar->authserv_id, authserv_id) != 0) {
				seen_ar = true;
				continue;
			}
			if (seen_ar || seen_received || rc != 0 ||
			    !trust_ar(r, arena, ar, i))
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
			if (!seen_rspf && !seen_received && rc == 0)
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

const char *
authres_trusted_client_ip(const struct authres_field *fields, size_t nfields,
			  struct arena *arena)
{
	const char *ip, *err;
	size_t i;

	for (i = 0; i < nfields; i++) {
		if (strcasecmp(fields[i].name, "Received") != 0 ||
		    received_is_lmtp(fields[i].value, fields[i].value_len))
			continue;
		if (received_client_ip(fields[i].value, fields[i].value_len,
				       arena, &ip, &err) < 0)
			return NULL;
		return ip;
	}
	return NULL;
}
