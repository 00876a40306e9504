/*
 * msgauth-header.c - the From and trace header fields of one message and
 * the RFC 8601 section 5 trust decision over them (see msgauth-header.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "msg/authres-parse.h"
#include "msg/received-spf-parse.h"
#include "msgauth/authres-trust.h"
#include "msg/msg-header.h"
#include "msgauth/msgauth-header.h"

/* A kept trace field's place in the stream. */
struct trace_pos {
	size_t index, offset, length;
};

struct msgauth_header {
	struct arena *arena;
	const struct msgauth_settings *set;
	bool header_done;
	size_t index; /* header fields seen */

	const char *from[MSGAUTH_MAX_FROM];
	size_t nfrom;
	struct msg_header_from from_count; /* with msg_header_hides_from() */

	/* trace fields kept, in order (fields[] is what
	   authres_trusted_spf() reads) */
	struct authres_field *fields;
	struct trace_pos *pos;
	size_t nfields, trace_bytes;

	/* trace fields past the bounds that claim a trusted id: listed up
	   to MSGAUTH_MAX_EXCESS_FORGED, counted beyond */
	struct msgauth_field *excess;
	size_t nexcess, excess_cap, unlisted;
	/* parses of fields past the bounds, cleared after each one, so
	   they cost no memory that stays (probe 2026-12 F01) */
	struct arena *scratch;
};

static const char name_ar[] = "Authentication-Results";
static const char name_rspf[] = "Received-SPF";
static const char name_received[] = "Received";

struct msgauth_header *
msgauth_header_new(struct arena *arena, const struct msgauth_settings *set)
{
	struct msgauth_header *h = arena_zalloc(arena, sizeof(*h));

	h->arena = arena;
	h->set = set;
	h->scratch = arena_new(16384);
	h->fields = arena_alloc(arena,
				MSGAUTH_MAX_TRACE_FIELDS * sizeof(*h->fields));
	h->pos = arena_alloc(arena, MSGAUTH_MAX_TRACE_FIELDS * sizeof(*h->pos));
	return h;
}

void
msgauth_header_free(struct msgauth_header **h_p)
{
	if (*h_p == NULL)
		return;
	arena_free(&(*h_p)->scratch);
	*h_p = NULL;
}

/* Whether `id` is our authserv-id or a trusted one (RFC 8601 2.5:
 * compared case-insensitively). */
static bool
id_trusted(const struct msgauth_settings *set, const char *id)
{
	size_t i;

	if (id == NULL)
		return false;
	if (strcasecmp(id, set->authserv_id) == 0)
		return true;
	for (i = 0; i < set->ntrusted_authserv_ids; i++)
		if (strcasecmp(id, set->trusted_authserv_ids[i]) == 0)
			return true;
	return false;
}

/* The authserv-id a trace field claims (A-R: its authserv-id; Received-
 * SPF: receiver=), or NULL. */
static const char *
field_claim(struct arena *arena, const char *name, const char *value,
	    size_t len)
{
	struct authres_parsed *ar;
	struct received_spf *spf;
	const char *err;

	if (name == name_ar) {
		(void)authres_parse(value, len, arena, &ar, &err);
		return ar->authserv_id;
	}
	(void)received_spf_parse(value, len, arena, &spf, &err);
	return received_spf_get(spf, "receiver");
}

/* A trace field that does not fit the bounds: listed when it claims a
 * trusted id, never trusted itself.  Its parse goes to the scratch arena,
 * cleared at once: only a listed field keeps memory, and at most
 * MSGAUTH_MAX_EXCESS_FORGED are listed (the rest are counted). */
static void
excess_field(struct msgauth_header *h, const char *name,
	     const struct msg_header_field *f)
{
	struct msgauth_field *n;
	const char *id;
	bool trusted;

	if (name == name_received)
		return;
	id = field_claim(h->scratch, name, f->value, f->value_len);
	trusted = id_trusted(h->set, id);
	if (trusted && h->nexcess < MSGAUTH_MAX_EXCESS_FORGED)
		id = arena_strdup(h->arena, id);
	arena_clear(h->scratch);
	if (!trusted)
		return;
	if (h->nexcess == MSGAUTH_MAX_EXCESS_FORGED) {
		h->unlisted++;
		return;
	}
	if (h->nexcess == h->excess_cap) {
		h->excess_cap = h->excess_cap == 0 ? 16 : h->excess_cap * 2;
		n = arena_alloc(h->arena, h->excess_cap * sizeof(*n));
		if (h->nexcess > 0)
			memcpy(n, h->excess, h->nexcess * sizeof(*n));
		h->excess = n;
	}
	n = &h->excess[h->nexcess++];
	n->reason = MSGAUTH_DROP_FORGED;
	n->index = h->index;
	n->offset = f->offset;
	n->length = f->input_len;
	n->name = name;
	n->authserv_id = id;
}

static void
trace_field(struct msgauth_header *h, const char *name,
	    const struct msg_header_field *f)
{
	struct authres_field *af;

	if (h->nfields == MSGAUTH_MAX_TRACE_FIELDS ||
	    f->value_len > MSGAUTH_HEADER_MAX_TRACE_BYTES - h->trace_bytes) {
		excess_field(h, name, f);
		return;
	}
	h->trace_bytes += f->value_len;
	af = &h->fields[h->nfields];
	af->name = name;
	af->value = arena_memdup0(h->arena, f->value, f->value_len);
	af->value_len = f->value_len;
	h->pos[h->nfields].index = h->index;
	h->pos[h->nfields].offset = f->offset;
	h->pos[h->nfields++].length = f->input_len;
}

void
msgauth_header_field(struct msgauth_header *h,
		     const struct msg_header_field *f)
{
	if (h->header_done)
		return;
	msg_header_from_note(&h->from_count, f);
	if (msg_header_field_is(f, "From")) {
		if (h->nfrom < MSGAUTH_MAX_FROM)
			h->from[h->nfrom] = arena_strndup(h->arena, f->value,
							  f->value_len);
		h->nfrom++;
	} else if (msg_header_field_is(f, name_ar)) {
		trace_field(h, name_ar, f);
	} else if (msg_header_field_is(f, name_rspf)) {
		trace_field(h, name_rspf, f);
	} else if (msg_header_field_is(f, name_received)) {
		trace_field(h, name_received, f);
	}
	h->index++;
}

void
msgauth_header_end(struct msgauth_header *h)
{
	h->header_done = true;
}

const struct msg_header_from *
msgauth_header_from_count(const struct msgauth_header *h)
{
	return &h->from_count;
}

size_t
msgauth_header_unlisted(const struct msgauth_header *h)
{
	return h->unlisted;
}

bool
msgauth_header_hidden_from(const struct msgauth_header *h)
{
	return h->from_count.hidden;
}

const char *const *
msgauth_header_from(const struct msgauth_header *h, size_t *kept_r,
		    size_t *count_r)
{
	*kept_r = h->nfrom < MSGAUTH_MAX_FROM ? h->nfrom : MSGAUTH_MAX_FROM;
	*count_r = h->nfrom;
	return h->from;
}

static const char *
strdup_or_null(struct arena *arena, const char *s)
{
	return s != NULL ? arena_strdup(arena, s) : NULL;
}

/* The trusted result for one authserv-id, merged: the topmost trusted
 * field wins; forged fields are marked in `drop` (per kept field).  The
 * kept fields are parsed in the scratch arena, once per id; only the
 * strings of a result that wins are kept. */
static void
trust_id(struct msgauth_header *h, const char *id, bool *drop,
	 struct authres_trusted_spf *best, const char **best_id)
{
	struct authres_trusted_spf r;
	size_t i;

	(void)authres_trusted_spf(h->fields, h->nfields, id, h->scratch, &r);
	for (i = 0; i < r.nforged; i++)
		drop[r.forged[i]] = true;
	if (r.found && (!best->found || r.trusted_index < best->trusted_index)) {
		*best = r;
		best->result = strdup_or_null(h->arena, r.result);
		best->mailfrom_domain = strdup_or_null(h->arena,
						       r.mailfrom_domain);
		best->helo = strdup_or_null(h->arena, r.helo);
		best->forged = NULL;
		best->nforged = 0;
		*best_id = id;
	}
	arena_clear(h->scratch);
}

static void
spf_from_trusted(struct msgauth_header *h,
		 const struct authres_trusted_spf *t, const char *id,
		 struct msgauth_spf *spf)
{
	enum spf_result res;
	bool known = t->result != NULL && spf_result_parse(t->result, &res);

	memset(spf, 0, sizeof(*spf));
	spf->result = SPF_NONE;
	if (!t->found)
		return;
	spf->found = true;
	/* a token outside RFC 7208 2.6 proves nothing: none */
	spf->result = known ? res : SPF_NONE;
	spf->helo = t->helo;
	spf->helo_identity = t->mailfrom_domain == NULL && t->helo != NULL;
	/* RFC 7208 2.4: with a null MAIL FROM the HELO name was checked as
	   postmaster@HELO, which is then the MAIL FROM identity */
	spf->domain = t->mailfrom_domain != NULL ? t->mailfrom_domain :
		t->helo;
	spf->authserv_id = arena_strdup(h->arena, id);
	spf->field_index = h->pos[t->trusted_index].index;
	spf->reason = res < 0 ? "unknown SPF result token" : NULL;
}

/* The kept fields marked in `drop` and the excess ones, in message
 * order (both lists are ordered; merge them). */
static void
drop_list(struct msgauth_header *h, const bool *drop, size_t replaced,
	  const struct msgauth_field **drop_r, size_t *ndrop_r)
{
	struct msgauth_field *out, *d;
	size_t i, x = 0, n = 0;

	out = arena_alloc(h->arena,
			  (h->nfields + h->nexcess + 1) * sizeof(*out));
	for (i = 0; i <= h->nfields; i++) {
		if (i < h->nfields && !drop[i])
			continue;
		while (x < h->nexcess &&
		       (i == h->nfields || h->excess[x].index < h->pos[i].index))
			out[n++] = h->excess[x++];
		if (i == h->nfields)
			break;
		d = &out[n++];
		d->reason = i == replaced ? MSGAUTH_DROP_REPLACED :
			MSGAUTH_DROP_FORGED;
		d->index = h->pos[i].index;
		d->offset = h->pos[i].offset;
		d->length = h->pos[i].length;
		d->name = h->fields[i].name;
		d->authserv_id = strdup_or_null(
			h->arena, field_claim(h->scratch, h->fields[i].name,
					      h->fields[i].value,
					      h->fields[i].value_len));
		arena_clear(h->scratch);
	}
	*drop_r = out;
	*ndrop_r = n;
}

void
msgauth_header_trust(struct msgauth_header *h, struct msgauth_spf *spf_r,
		     const struct msgauth_field **drop_r, size_t *ndrop_r)
{
	struct authres_trusted_spf best;
	const char *best_id = NULL;
	bool *drop = arena_zalloc(h->arena, h->nfields + 1);
	size_t i, replaced = (size_t)-1;

	memset(&best, 0, sizeof(best));
	trust_id(h, h->set->authserv_id, drop, &best, &best_id);
	for (i = 0; i < h->set->ntrusted_authserv_ids; i++)
		trust_id(h, h->set->trusted_authserv_ids[i], drop, &best,
			 &best_id);
	spf_from_trusted(h, &best, best_id, spf_r);
	/* our own earlier field: its result moves into the new one */
	if (best.found && h->fields[best.trusted_index].name == name_ar &&
	    strcasecmp(best_id, h->set->authserv_id) == 0) {
		replaced = best.trusted_index;
		drop[replaced] = true;
	}
	drop_list(h, drop, replaced, drop_r, ndrop_r);
}

const char *
msgauth_header_client_ip(struct msgauth_header *h)
{
	return authres_trusted_client_ip(h->fields, h->nfields, h->arena);
}
