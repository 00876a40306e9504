/*
 * dkim-verify.c - the streaming DKIM verifier (dkim-verify.h), RFC 6376
 * section 6.1 with RFC 8463 and RFC 8301.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim-canon.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-key.h"
#include "dkim/dkim-keystore.h"
#include "dkim/dkim-sig.h"
#include "dkim/dkim-verify.h"
#include "util/log.h"
#include "msg/msg-address.h"
#include "msg/msg-header.h"
#include "util/xalloc.h"

/* One body hash per distinct (canonicalization, l=), in the verifier's
 * arena; its hash context is freed by dkim_verify_free(). */
struct body_hash {
	enum dkim_canon canon;
	uint64_t limit;
	struct dkim_sha256 *sha;
	unsigned char digest[DKIM_SHA256_LEN];
	struct dkim_body_canon bc;
};

struct verify_sig {
	struct dkim_verify *v;
	struct dkim_sig *sig;		/* NULL when not evaluated */
	struct dkim_verify_result *res;
	struct body_hash *body;
	struct dkim_key_lookup *lookup;
	struct dkim_key *key;
	bool key_pending;
};

static const char dkim_sig_name[] = "DKIM-Signature";

/* The canonical header text reserved at most before hashing it. */
#define HBUF_RESERVE_MAX (64 * 1024)

struct dkim_verify {
	struct dkim_verify_settings set;
	struct dkim_keystore *keys;
	const struct ma_log *log;
	struct arena *arena;
	struct msg_header_parser *parser;
	struct dkim_canon_field *fields;
	size_t nfields, fields_cap, header_bytes;
	/* why the header could not be kept whole (the verdict reason of
	   every signature), or NULL */
	const char *header_limit;
	/* DKIM-Signature fields that could not be kept (dropped_reason) */
	size_t dropped_sigs;
	struct msg_header_from from; /* counted where the header is parsed */
	/* the Author Domain the caller found (dkim_verify_author_domain()) */
	bool author_given;
	const char *author;
	size_t nsigs, ignored;
	size_t nbodies;
	size_t norder;
	unsigned int lookups;  /* key lookups started */
	unsigned int verified; /* cryptographic verifications done */
	unsigned int pending;
	const char *expired; /* dkim_verify_expire() reason, or NULL */
	bool header_done, ended, done;
	struct buf hbuf;

	/* The arrays below (5 KB) are not cleared by dkim_verify_new():
	 * only entries below their counts (nsigs, nbodies, norder,
	 * dropped_sigs) are ever read, and each is written first; a
	 * signature slot is cleared when taken (sig_slot_take()). */
	struct verify_sig sigs[DKIM_VERIFY_MAX_REPORTED];
	struct dkim_verify_result results[DKIM_VERIFY_MAX_REPORTED];
	struct body_hash *bodies[DKIM_VERIFY_MAX_REPORTED];
	/* the signatures in the order they are checked (sigs_schedule()) */
	size_t order[DKIM_VERIFY_MAX_REPORTED];
	/* DKIM-Signature fields that could not be kept: why (the first
	   DKIM_VERIFY_MAX_REPORTED) */
	const char *dropped_reason[DKIM_VERIFY_MAX_REPORTED];
};

/* Everything in struct dkim_verify before its uncleared arrays. */
#define DKIM_VERIFY_CLEARED offsetof(struct dkim_verify, sigs)


struct dkim_verify *
dkim_verify_new(const struct dkim_verify_settings *set,
		struct dkim_keystore *keys, const struct ma_log *log)
{
	/* not calloc(): clearing the per-signature arrays cost more than
	   the rest of the verifier's set-up */
	struct dkim_verify *v = ma_malloc(sizeof(*v));

	memset(v, 0, DKIM_VERIFY_CLEARED);
	v->set = *set;
	if (v->set.max_signatures == 0)
		v->set.max_signatures = DKIM_VERIFY_DEFAULT_MAX_SIGNATURES;
	if (v->set.now == 0)
		v->set.now = time(NULL);
	v->keys = keys;
	v->log = log;
	v->arena = arena_new(16384);
	return v; /* the parser: at the first dkim_verify_push() */
}

void
dkim_verify_free(struct dkim_verify **v_p)
{
	struct dkim_verify *v = *v_p;
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nsigs; i++) {
		dkim_key_lookup_cancel(&v->sigs[i].lookup);
		dkim_key_unref(&v->sigs[i].key);
	}
	for (i = 0; i < v->nbodies; i++) {
		dkim_sha256_free(&v->bodies[i]->sha);
	}
	msg_header_parser_free(&v->parser);
	buf_free(&v->hbuf);
	arena_free(&v->arena);
	free(v);
	*v_p = NULL;
}

/* A header field beyond the bounds: the header cannot be verified; a
 * signature field among them gets its verdict at the end of the header,
 * with the reason it was not kept. */
static void
field_not_kept(struct dkim_verify *v, const struct msg_header_field *f)
{
	const char *reason = v->nfields == DKIM_VERIFY_MAX_FIELDS ?
		DKIM_VERIFY_TOO_MANY_FIELDS : "header too large";

	if (v->header_limit == NULL)
		v->header_limit = reason;
	if (f->name_len != sizeof(dkim_sig_name) - 1 ||
	    strncasecmp(f->name, dkim_sig_name, f->name_len) != 0)
		return;
	if (v->dropped_sigs < DKIM_VERIFY_MAX_REPORTED)
		v->dropped_reason[v->dropped_sigs] =
			f->oversized ? "signature field too large" : reason;
	v->dropped_sigs++;
}

/* Double the field array, in the arena like the fields themselves (the
 * old array stays there: at most as much again as the last, bounded by
 * DKIM_VERIFY_MAX_FIELDS). */
static void
fields_grow(struct dkim_verify *v)
{
	size_t cap = v->fields_cap == 0 ? 32 : v->fields_cap * 2;
	struct dkim_canon_field *fields = arena_alloc(v->arena,
						      cap * sizeof(*fields));

	if (v->nfields > 0)
		memcpy(fields, v->fields, v->nfields * sizeof(*fields));
	v->fields = fields;
	v->fields_cap = cap;
}

static void
field_add(struct dkim_verify *v, const struct msg_header_field *f)
{
	struct dkim_canon_field *vf;

	if (f->oversized || v->nfields == DKIM_VERIFY_MAX_FIELDS ||
	    v->header_bytes + f->raw_len > DKIM_VERIFY_MAX_HEADER_BYTES) {
		field_not_kept(v, f);
		return;
	}
	if (f->name_len == 0)
		return; /* not a header field; nothing can sign it */
	if (v->nfields == v->fields_cap)
		fields_grow(v);
	vf = &v->fields[v->nfields++];
	vf->raw = arena_memdup0(v->arena, f->raw, f->raw_len);
	vf->len = f->raw_len;
	vf->name_len = f->name_len;
	v->header_bytes += f->raw_len;
}

static struct body_hash *
body_hash_get(struct dkim_verify *v, enum dkim_canon canon, uint64_t limit)
{
	struct body_hash *b;
	size_t i;

	for (i = 0; i < v->nbodies; i++) {
		b = v->bodies[i];
		if (b->canon == canon && b->limit == limit)
			return b;
	}
	b = arena_alloc(v->arena, sizeof(*b));
	b->canon = canon;
	b->limit = limit;
	b->sha = dkim_sha256_new_like(dkim_keystore_sha256(v->keys));
	dkim_sha256_init(b->sha);
	dkim_body_canon_init(&b->bc, canon, limit, dkim_sha256_sink, b->sha);
	v->bodies[v->nbodies++] = b;
	return b;
}

static void
sig_verdict(struct verify_sig *vs, enum dkim_result result, const char *reason)
{
	if (vs->res->result != DKIM_RESULT_NONE)
		return; /* the first verdict stands */
	vs->res->result = result;
	vs->res->reason = reason;
}

static void
check_done(struct dkim_verify *v);

static void
sig_key_answer(const struct dkim_key_answer *answer, void *context)
{
	struct verify_sig *vs = context;

	vs->lookup = NULL;
	vs->key_pending = false;
	vs->v->pending--;
	if (answer->result == DKIM_RESULT_PASS)
		vs->key = dkim_key_ref(answer->key);
	else
		sig_verdict(vs, answer->result, answer->reason);
	check_done(vs->v);
}

/* Checks that need no key and no body; false if a verdict was given. */
static bool
sig_precheck(struct dkim_verify *v, struct verify_sig *vs)
{
	const struct dkim_sig *sig = vs->sig;

	if (sig->alg == DKIM_ALG_RSA_SHA1)
		sig_verdict(vs, DKIM_RESULT_POLICY,
			    "rsa-sha1 is not accepted (RFC 8301)");
	else if (sig->bh_len != DKIM_SHA256_LEN)
		sig_verdict(vs, DKIM_RESULT_PERMERROR,
			    "bh= has the wrong length");
	else if (v->from.count > 1)
		sig_verdict(vs, DKIM_RESULT_FAIL, "multiple From fields");
	else if (v->from.hidden)
		sig_verdict(vs, DKIM_RESULT_FAIL,
			    "multiple From fields: "
			    MSG_HEADER_HIDDEN_FROM_REASON);
	else if (v->header_limit != NULL)
		sig_verdict(vs, DKIM_RESULT_PERMERROR, v->header_limit);
	else if (sig->has_expiry && (uint64_t)v->set.now > sig->expiry)
		sig_verdict(vs, DKIM_RESULT_FAIL, "signature expired");
	return vs->res->result == DKIM_RESULT_NONE;
}

/* The next signature slot and its result, cleared (the caller checked
 * that nsigs < DKIM_VERIFY_MAX_REPORTED). */
static struct verify_sig *
sig_slot_take(struct dkim_verify *v)
{
	struct verify_sig *vs = &v->sigs[v->nsigs];

	memset(vs, 0, sizeof(*vs));
	memset(&v->results[v->nsigs], 0, sizeof(v->results[0]));
	vs->v = v;
	vs->res = &v->results[v->nsigs++];
	return vs;
}

/* Parse one DKIM-Signature field into the next result slot (results stay
 * in field order).  A signature that does not parse gets its permerror
 * at once: that costs no DNS query and no hashing, so it does not count
 * against max_signatures. */
static void
sig_parse(struct dkim_verify *v, const struct dkim_canon_field *f)
{
	struct verify_sig *vs;
	struct dkim_verify_result *res;
	struct dkim_sig *sig = arena_zalloc(v->arena, sizeof(*sig));
	const char *reason = NULL;

	if (v->nsigs == DKIM_VERIFY_MAX_REPORTED) {
		v->ignored++;
		return;
	}
	vs = sig_slot_take(v);
	res = vs->res;
	if (dkim_sig_parse(f->raw, f->len, v->arena, sig, &reason) < 0)
		sig_verdict(vs, DKIM_RESULT_PERMERROR, reason);
	else
		vs->sig = sig;
	res->domain = sig->domain;
	res->auid = sig->auid;
	res->selector = sig->selector;
	res->algorithm = sig->algorithm;
	res->b_prefix = sig->b_prefix;
	res->has_length = sig->has_length;
	res->length = sig->length;
}

/* Start checking a parsed signature: the checks without key, then the
 * key lookup; the body hash it needs is set up now. */
static void
sig_begin(struct dkim_verify *v, struct verify_sig *vs)
{
	const struct dkim_sig *sig = vs->sig;

	if (!sig_precheck(v, vs))
		return;
	vs->body = body_hash_get(v, sig->body_canon,
				 sig->has_length ? sig->length :
						   DKIM_CANON_NO_LIMIT);
	if (v->expired != NULL) {
		sig_verdict(vs, DKIM_RESULT_TEMPERROR, v->expired);
		return;
	}
	v->lookups++;
	vs->key_pending = true;
	v->pending++;
	dkim_keystore_lookup(v->keys, sig->selector, sig->domain, v->set.now,
			     sig_key_answer, vs, &vs->lookup);
}

/* The Author Domain (RFC 5322 From, RFC 9989 5.3.1) when the header has
 * exactly one From field naming one domain; NULL otherwise.  The one the
 * caller found if it gave one (dkim_verify_author_domain()). */
static const char *
author_domain(struct dkim_verify *v)
{
	const char *value, *domain = NULL, *why;
	size_t i, len;

	if (v->from.count != 1 || v->from.hidden)
		return NULL;
	if (v->author_given)
		return v->author;
	for (i = 0; i < v->nfields; i++) {
		const struct dkim_canon_field *f = &v->fields[i];
		const char *colon;

		if (f->name_len != 4 || strncasecmp(f->raw, "From", 4) != 0 ||
		    (colon = memchr(f->raw, ':', f->len)) == NULL)
			continue;
		/* up to a NUL, as msgauth's copy for DMARC reads it */
		value = colon + 1;
		len = strnlen(value, (size_t)(f->raw + f->len - value));
		if (msg_address_author_domain(&value, &len, 1, v->arena,
					      &domain, &why) != MSG_AUTHOR_OK)
			domain = NULL;
		break;
	}
	return domain;
}

/* How `d` relates to the Author Domain `a`, best first:
 * 0 the same domain (strict alignment, RFC 9989 4.4.1); 1 one is a
 * subdomain of the other; 2 they share their last two labels (may have
 * the same Organizational Domain: relaxed alignment); 3 anything else. */
static unsigned int
alignment_rank(const char *d, const char *a)
{
	size_t dl, al;
	const char *p;
	unsigned int dots;

	if (a == NULL || d == NULL)
		return 3;
	dl = strlen(d);
	al = strlen(a);
	if (strcasecmp(d, a) == 0)
		return 0;
	if ((dl > al && d[dl - al - 1] == '.' &&
	     strcasecmp(d + dl - al, a) == 0) ||
	    (al > dl && a[al - dl - 1] == '.' &&
	     strcasecmp(a + al - dl, d) == 0))
		return 1;
	/* the last two labels of d, then compare as a suffix of a */
	for (p = d + dl, dots = 0; p > d; p--)
		if (p[-1] == '.' && ++dots == 2)
			break;
	if (dots < 1 || (size_t)(d + dl - p) >= al ||
	    a[al - (size_t)(d + dl - p) - 1] != '.' ||
	    strcasecmp(a + al - (size_t)(d + dl - p), p) != 0)
		return 3;
	return 2;
}

/* RFC 6376 6.1 leaves the order of verification to the verifier: the
 * signatures whose d= aligns with the From domain first (anyone relaying
 * the message can add signatures above the author's; a cap must not let
 * them hide it), then the others, each group top-down.  In that order
 * each signature that passes the checks without key gets its key lookup,
 * up to DKIM_VERIFY_MAX_KEY_LOOKUPS; the others are neutral.  The
 * cryptographic verifications (max_signatures) are counted later, in the
 * same order (sig_evaluate()), so signatures that fail cheaply - no key,
 * a bad key record, checks without key - do not use them up. */
static void
sigs_schedule(struct dkim_verify *v)
{
	const char *author = author_domain(v);
	unsigned int rank;
	size_t i;

	for (rank = 0; rank <= 3; rank++) {
		for (i = 0; i < v->nsigs; i++) {
			struct verify_sig *vs = &v->sigs[i];

			if (vs->sig == NULL ||
			    alignment_rank(vs->sig->domain, author) != rank)
				continue;
			v->order[v->norder++] = i;
			if (v->lookups < DKIM_VERIFY_MAX_KEY_LOOKUPS)
				sig_begin(v, vs);
			else
				sig_verdict(vs, DKIM_RESULT_NEUTRAL,
					    DKIM_VERIFY_NOT_EVALUATED);
		}
	}
}

static void
header_end(struct dkim_verify *v)
{
	size_t i;

	v->header_done = true;
	for (i = 0; i < v->nfields; i++) {
		const struct dkim_canon_field *f = &v->fields[i];

		if (f->name_len == sizeof(dkim_sig_name) - 1 &&
		    strncasecmp(f->raw, dkim_sig_name, f->name_len) == 0)
			sig_parse(v, f);
	}
	sigs_schedule(v);
	/* signatures that could not even be kept still get a verdict */
	for (i = 0; i < v->dropped_sigs; i++) {
		if (v->nsigs == DKIM_VERIFY_MAX_REPORTED) {
			v->ignored++;
			continue;
		}
		/* i < nsigs < DKIM_VERIFY_MAX_REPORTED */
		sig_verdict(sig_slot_take(v), DKIM_RESULT_PERMERROR,
			    v->dropped_reason[i]);
	}
}

static void
body_update(struct dkim_verify *v, const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < v->nbodies; i++)
		dkim_body_canon_update(&v->bodies[i]->bc, data, len);
}

static void
drain(struct dkim_verify *v)
{
	struct msg_header_field f;
	enum msg_header_event ev;

	while ((ev = msg_header_next(v->parser, &f)) != MSG_HEADER_NEED_MORE &&
	       ev != MSG_HEADER_EOF) {
		if (ev == MSG_HEADER_FIELD) {
			msg_header_from_note(&v->from, &f);
			field_add(v, &f);
		} else if (ev == MSG_HEADER_END) {
			header_end(v);
		} else if (ev == MSG_HEADER_BODY) {
			body_update(v, f.raw, f.raw_len);
		}
	}
}

void
dkim_verify_push(struct dkim_verify *v, const void *data, size_t len)
{
	if (v->ended || len == 0)
		return;
	if (v->parser == NULL)
		v->parser = msg_header_parser_new(0);
	msg_header_push(v->parser, data, len);
	drain(v);
}

void
dkim_verify_field(struct dkim_verify *v, const struct msg_header_field *field)
{
	if (!v->ended && !v->header_done)
		field_add(v, field);
}

void
dkim_verify_header_end(struct dkim_verify *v,
		       const struct msg_header_from *from)
{
	if (v->ended || v->header_done)
		return;
	v->from = *from;
	header_end(v);
}

void
dkim_verify_author_domain(struct dkim_verify *v, const char *domain)
{
	v->author_given = true;
	v->author = domain;
}

void
dkim_verify_body(struct dkim_verify *v, const void *data, size_t len)
{
	if (!v->ended && v->header_done)
		body_update(v, data, len);
}

void
dkim_verify_end(struct dkim_verify *v)
{
	size_t i;

	if (v->ended)
		return;
	if (v->parser != NULL) {
		msg_header_push_eof(v->parser);
		drain(v);
	}
	for (i = 0; i < v->nbodies; i++) {
		struct body_hash *b = v->bodies[i];

		dkim_body_canon_final(&b->bc);
		dkim_sha256_final(b->sha, b->digest);
	}
	v->ended = true;
	check_done(v);
}

/* RFC 6376 5.4.2: fields named in h= taken from the bottom up, each
 * instance once; absent names contribute nothing.  Then the signature
 * field itself, b= emptied, without the final CRLF (3.7).  Hashed with
 * the context of the signature's body hash, whose digest has been taken
 * (dkim_verify_end()): no context of its own per message. */
static void
header_hash(struct dkim_verify *v, const struct verify_sig *vs,
	    unsigned char out[DKIM_SHA256_LEN])
{
	const struct dkim_sig *sig = vs->sig;
	struct dkim_sha256 *sha = vs->body->sha;
	size_t most = v->header_bytes + 2 * v->nfields +
		sig->raw_unsigned_len + 2;

	buf_reset(&v->hbuf);
	/* room for the canonical text at once (no field grows by more
	   than its CRLF), not by doubling from 64 bytes; a hostile header
	   of up to DKIM_VERIFY_MAX_HEADER_BYTES grows as it must */
	buf_reserve(&v->hbuf, most < HBUF_RESERVE_MAX ? most : HBUF_RESERVE_MAX);
	dkim_canon_signed_headers(sig->header_canon, v->fields, v->nfields,
				  sig->headers, sig->nheaders, &v->hbuf);
	dkim_canon_header(sig->header_canon, sig->raw_unsigned,
			  sig->raw_unsigned_len, false, &v->hbuf);
	dkim_sha256_init(sha);
	dkim_sha256_update(sha, v->hbuf.data, v->hbuf.len);
	dkim_sha256_final(sha, out);
}

static void
sig_evaluate(struct dkim_verify *v, struct verify_sig *vs)
{
	const struct dkim_sig *sig = vs->sig;
	const struct dkim_key *key = vs->key;
	unsigned char hash[DKIM_SHA256_LEN];

	if (vs->res->result != DKIM_RESULT_NONE || key == NULL)
		return;
	vs->res->testing = key->testing;
	vs->res->body_length = vs->body->bc.length;
	if (key->revoked)
		sig_verdict(vs, DKIM_RESULT_FAIL, "key revoked");
	else if (key->type != dkim_alg_key_type(sig->alg))
		sig_verdict(vs, DKIM_RESULT_PERMERROR,
			    "key type does not match a=");
	else if (key->type == DKIM_KEY_RSA && key->bits < DKIM_KEY_RSA_MIN_BITS)
		sig_verdict(vs, DKIM_RESULT_FAIL, "key too short");
	else if (key->type == DKIM_KEY_RSA && key->bits > DKIM_KEY_RSA_MAX_BITS)
		sig_verdict(vs, DKIM_RESULT_FAIL, "key too long");
	else if (key->strict && strcasecmp(sig->auid_domain, sig->domain) != 0)
		sig_verdict(vs, DKIM_RESULT_PERMERROR,
			    "key t=s: i= domain must equal d=");
	else if (sig->has_length && vs->body->bc.length < sig->length)
		sig_verdict(vs, DKIM_RESULT_FAIL, "body shorter than l=");
	else if (memcmp(vs->body->digest, sig->bh, DKIM_SHA256_LEN) != 0)
		sig_verdict(vs, DKIM_RESULT_FAIL, "body hash did not verify");
	if (vs->res->result != DKIM_RESULT_NONE)
		return;
	if (v->verified == v->set.max_signatures) {
		sig_verdict(vs, DKIM_RESULT_NEUTRAL, DKIM_VERIFY_NOT_EVALUATED);
		return;
	}
	v->verified++;
	header_hash(v, vs, hash);
	if (!dkim_crypto_verify(key->type, key->pkey, key->verify_ctx, hash,
				sig->b, sig->b_len))
		sig_verdict(vs, DKIM_RESULT_FAIL, "signature did not verify");
	else if (sig->has_length && vs->body->bc.length > sig->length &&
		 !v->set.accept_partial_body)
		/* RFC 6376 8.2: content appended after l= is unsigned;
		   RFC 8601 2.7.1 "policy": the signature verified but is
		   not acceptable to us */
		sig_verdict(vs, DKIM_RESULT_POLICY,
			    arena_printf(v->arena,
					 "l= signs only %llu of %llu body "
					 "octets",
					 (unsigned long long)sig->length,
					 (unsigned long long)
					 vs->body->bc.length));
	else
		sig_verdict(vs, DKIM_RESULT_PASS, NULL);
}

static void
check_done(struct dkim_verify *v)
{
	size_t i;

	if (!v->ended || v->pending > 0 || v->done)
		return;
	for (i = 0; i < v->norder; i++)
		sig_evaluate(v, &v->sigs[v->order[i]]);
	v->done = true;
	for (i = 0; i < v->nsigs; i++) {
		const struct dkim_verify_result *r = &v->results[i];

		ma_log_info(v->log, "dkim d=%s s=%s: %s%s%s",
			    r->domain != NULL ? r->domain : "?",
			    r->selector != NULL ? r->selector : "?",
			    dkim_result_str(r->result),
			    r->reason != NULL ? " - " : "",
			    r->reason != NULL ? r->reason : "");
	}
	if (v->set.done_callback != NULL)
		v->set.done_callback(v, v->set.done_context);
}

bool
dkim_verify_done(const struct dkim_verify *v)
{
	return v->done;
}

void
dkim_verify_expire(struct dkim_verify *v, const char *reason)
{
	size_t i;

	if (v->done || v->expired != NULL)
		return;
	v->expired = reason;
	for (i = 0; i < v->nsigs; i++) {
		struct verify_sig *vs = &v->sigs[i];

		if (!vs->key_pending)
			continue;
		dkim_key_lookup_cancel(&vs->lookup);
		vs->key_pending = false;
		v->pending--;
		sig_verdict(vs, DKIM_RESULT_TEMPERROR, reason);
	}
	check_done(v);
}

const struct dkim_verify_result *
dkim_verify_results(const struct dkim_verify *v, size_t *count_r)
{
	*count_r = v->done ? v->nsigs : 0;
	return v->results;
}

size_t
dkim_verify_ignored(const struct dkim_verify *v)
{
	return v->ignored;
}
