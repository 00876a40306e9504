/*
 * signer-existing.c - does the message already carry our signature?
 * (signer-existing.h)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim-canon.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-key.h"
#include "dkim/dkim-sig.h"
#include "dkim/dkim-verify.h"
#include "msg/msg-header.h"
#include "signer-existing.h"
#include "signer-spool.h"
#include "util/xalloc.h"

#define EXISTING_IO_CHUNK 65536

/* A DKIM-Signature field claiming one of our d=/s= pairs. */
struct claim {
	const struct dkim_sig *sig;
	size_t param;
	struct dkim_sha256 *sha;
	struct dkim_body_canon bc;
};

struct existing {
	struct arena *arena;
	const struct dkim_sign_params *params;
	size_t nparams;
	struct dkim_canon_field *fields; /* the whole header, in order */
	size_t nfields, bytes;
	bool too_large; /* a bound was hit: nothing counts as ours */
	struct dkim_sig *scratch;
	struct claim claims[SIGNER_EXISTING_MAX_CLAIMS];
	size_t nclaims;
};

enum scan_state { SCAN_MORE, SCAN_STOP, SCAN_EOF };

/* Parse a DKIM-Signature field; keep it when its d= and s= are one of
 * our pairs (ASCII case-insensitive, as DNS names compare). */
static void
claim_note(struct existing *e, const char *raw, size_t len)
{
	struct dkim_sig *sig = e->scratch;
	const char *reason;
	size_t i;

	memset(sig, 0, sizeof(*sig));
	if (dkim_sig_parse(raw, len, e->arena, sig, &reason) < 0)
		return; /* a field that does not parse is nobody's */
	for (i = 0; i < e->nparams; i++) {
		if (strcasecmp(sig->domain, e->params[i].domain) != 0 ||
		    strcasecmp(sig->selector, e->params[i].selector) != 0)
			continue;
		if (e->nclaims == SIGNER_EXISTING_MAX_CLAIMS)
			return; /* err on signing again (header comment) */
		e->claims[e->nclaims].sig = sig;
		e->claims[e->nclaims++].param = i;
		e->scratch = arena_zalloc(e->arena, sizeof(*e->scratch));
		return;
	}
}

static void
field_add(struct existing *e, const struct msg_header_field *f)
{
	struct dkim_canon_field *cf;

	if (f->oversized || e->nfields == DKIM_VERIFY_MAX_FIELDS ||
	    e->bytes + f->raw_len > DKIM_VERIFY_MAX_HEADER_BYTES) {
		e->too_large = true;
		return;
	}
	cf = &e->fields[e->nfields++];
	cf->raw = arena_memdup0(e->arena, f->raw, f->raw_len);
	cf->len = f->raw_len;
	cf->name_len = f->name_len;
	e->bytes += f->raw_len;
	if (msg_header_field_is(f, "DKIM-Signature"))
		claim_note(e, cf->raw, cf->len);
}

/* End of header: a body hash per claim, or stop when there is none. */
static enum scan_state
header_end(struct existing *e)
{
	size_t i;

	if (e->too_large)
		e->nclaims = 0;
	for (i = 0; i < e->nclaims; i++) {
		struct claim *c = &e->claims[i];

		c->sha = dkim_sha256_new_like(e->params[c->param].key->sha);
		dkim_sha256_init(c->sha);
		dkim_body_canon_init(&c->bc, c->sig->body_canon,
				     DKIM_CANON_NO_LIMIT, dkim_sha256_sink,
				     c->sha);
	}
	return e->nclaims == 0 ? SCAN_STOP : SCAN_MORE;
}

static enum scan_state
drain(struct existing *e, struct msg_header_parser *p)
{
	struct msg_header_field f;
	enum msg_header_event ev;
	size_t i;

	while ((ev = msg_header_next(p, &f)) != MSG_HEADER_NEED_MORE) {
		if (ev == MSG_HEADER_FIELD) {
			field_add(e, &f);
		} else if (ev == MSG_HEADER_END) {
			if (header_end(e) == SCAN_STOP)
				return SCAN_STOP;
		} else if (ev == MSG_HEADER_BODY) {
			for (i = 0; i < e->nclaims; i++)
				dkim_body_canon_update(&e->claims[i].bc, f.raw,
						       f.raw_len);
		} else {
			return SCAN_EOF;
		}
	}
	return SCAN_MORE;
}

/* Read the spool through the header parser until the claims are known
 * (none: stop after the header) or the body is hashed. */
static int
scan(struct existing *e, struct signer_spool *spool, const char **error_r)
{
	struct msg_header_parser *p = msg_header_parser_new(0);
	char *chunk = ma_malloc(EXISTING_IO_CHUNK);
	enum scan_state st = SCAN_MORE;
	ssize_t r = 0;

	signer_spool_rewind(spool);
	while (st == SCAN_MORE &&
	       (r = signer_spool_read(spool, chunk, EXISTING_IO_CHUNK,
				      error_r)) > 0) {
		msg_header_push(p, chunk, (size_t)r);
		st = drain(e, p);
	}
	if (st == SCAN_MORE && r == 0) {
		msg_header_push_eof(p);
		(void)drain(e, p);
	}
	free(chunk);
	msg_header_parser_free(&p);
	return st == SCAN_MORE && r < 0 ? -1 : 0;
}

/* The public half of our private key, as a verifier would fetch it. */
static struct dkim_key *
our_public_key(struct arena *arena, const struct dkim_privkey *priv)
{
	char *b64 = dkim_privkey_public_b64(priv);
	struct dkim_key *key = NULL;
	const char *rec, *why;

	if (b64 != NULL) {
		rec = arena_printf(arena, "k=%s; p=%s",
				   priv->type == DKIM_KEY_ED25519 ? "ed25519" :
								    "rsa", b64);
		(void)dkim_key_parse(rec, strlen(rec), &key, &why);
	}
	free(b64);
	return key;
}

/* RFC 6376 6.1.3 for one claim, with our key; the body is hashed. */
static bool
claim_verifies(struct existing *e, struct claim *c, time_t now)
{
	const struct dkim_sig *sig = c->sig;
	const struct dkim_sign_params *p = &e->params[c->param];
	unsigned char bh[DKIM_SHA256_LEN], hash[DKIM_SHA256_LEN];
	struct buf hb = BUF_INIT;
	struct dkim_key *key;
	bool ok;

	dkim_body_canon_final(&c->bc);
	dkim_sha256_final(c->sha, bh);
	/* we never write l=: a claim with it is not ours */
	if (sig->alg != p->alg || sig->has_length ||
	    (sig->has_expiry && (uint64_t)now > sig->expiry) ||
	    sig->bh_len != DKIM_SHA256_LEN ||
	    memcmp(bh, sig->bh, DKIM_SHA256_LEN) != 0 ||
	    (key = our_public_key(e->arena, p->key)) == NULL)
		return false;
	dkim_canon_signed_headers(sig->header_canon, e->fields, e->nfields,
				  sig->headers, sig->nheaders, &hb);
	dkim_canon_header(sig->header_canon, sig->raw_unsigned,
			  sig->raw_unsigned_len, false, &hb);
	dkim_sha256_init(c->sha);
	dkim_sha256_update(c->sha, hb.data, hb.len);
	dkim_sha256_final(c->sha, hash);
	ok = dkim_crypto_verify(key->type, key->pkey, key->verify_ctx, hash,
				sig->b, sig->b_len) == 1;
	dkim_key_unref(&key);
	buf_free(&hb);
	return ok;
}

int
signer_existing_ours(struct signer_spool *spool,
		     const struct dkim_sign_params *params, size_t n,
		     time_t now, bool *ours_r, const char **error_r)
{
	struct existing e;
	size_t i;
	int ret;

	memset(&e, 0, sizeof(e));
	memset(ours_r, 0, n * sizeof(*ours_r));
	e.arena = arena_new(0);
	e.params = params;
	e.nparams = n;
	e.fields = ma_calloc(DKIM_VERIFY_MAX_FIELDS, sizeof(*e.fields));
	e.scratch = arena_zalloc(e.arena, sizeof(*e.scratch));
	if (now == 0)
		now = time(NULL);
	ret = scan(&e, spool, error_r);
	for (i = 0; i < e.nclaims; i++) {
		if (ret == 0 && claim_verifies(&e, &e.claims[i], now))
			ours_r[e.claims[i].param] = true;
		dkim_sha256_free(&e.claims[i].sha);
	}
	free(e.fields);
	arena_free(&e.arena);
	return ret;
}
