/*
 * dkim-sign.c - the DKIM signer (dkim-sign.h), RFC 6376 sections 5.4,
 * 3.5, 3.7 and RFC 8463.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/base64.h"
#include "util/buf.h"
#include "dkim/dkim-canon.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-sig.h"
#include "dkim/dkim-sign.h"
#include "util/log.h"
#include "msg/msg-header.h"
#include "util/xalloc.h"

/* RFC 5322 2.1.1: lines SHOULD stay within 78 characters. */
#define DKIM_SIGN_LINE_MAX 78
/* Header fields and header bytes the signer keeps at most (hostile
 * input): more is refused rather than signed in part. */
#define DKIM_SIGN_MAX_FIELDS 1000
#define DKIM_SIGN_MAX_HEADER_BYTES (1024 * 1024)

const char *const dkim_sign_default_headers[] = {
	"from", "reply-to", "subject", "date", "to", "cc", "resent-date",
	"resent-from", "resent-to", "resent-cc", "in-reply-to", "references",
	"list-id", "list-help", "list-unsubscribe", "list-subscribe",
	"list-post", "list-owner", "list-archive", "message-id",
	"mime-version", "content-type", "content-transfer-encoding",
	"sender", NULL,
};

const char *const dkim_sign_default_oversign[] = {
	"from", "to", "cc", "subject", "date", "reply-to", "message-id",
	"in-reply-to", "references", "mime-version", "content-type", NULL,
};

struct sign_body {
	enum dkim_canon canon;
	struct dkim_sha256 *sha;
	unsigned char digest[DKIM_SHA256_LEN];
	struct dkim_body_canon bc;
};

struct dkim_sign {
	struct dkim_sign_settings set;
	const struct ma_log *log;
	struct arena *arena;
	struct msg_header_parser *parser;
	struct dkim_sign_params params[DKIM_SIGN_MAX_SIGNATURES];
	struct sign_body *body_of[DKIM_SIGN_MAX_SIGNATURES];
	size_t count;
	struct sign_body *bodies[2];
	size_t nbodies;
	struct dkim_canon_field *fields;
	size_t nfields, fields_cap, header_bytes;
	bool ended, header_too_large;
	struct buf out, hbuf;
	size_t col; /* column of the field being written */
};

static struct sign_body *
sign_body_get(struct dkim_sign *s, enum dkim_canon canon)
{
	struct sign_body *b;
	size_t i;

	for (i = 0; i < s->nbodies; i++) {
		if (s->bodies[i]->canon == canon)
			return s->bodies[i];
	}
	b = ma_malloc(sizeof(*b));
	b->canon = canon;
	b->sha = dkim_sha256_new_like(s->params[0].key->sha);
	dkim_sha256_init(b->sha);
	dkim_body_canon_init(&b->bc, canon, DKIM_CANON_NO_LIMIT,
			     dkim_sha256_sink, b->sha);
	s->bodies[s->nbodies++] = b;
	return b;
}

/* RFC 6376 3.5 i=: the domain after '@' is d= or a subdomain of it. */
static bool
auid_in_domain(const char *auid, const char *domain)
{
	const char *at = strrchr(auid, '@');

	return at != NULL && dkim_sig_domain_within(at + 1, domain);
}

struct dkim_sign *
dkim_sign_new(const struct dkim_sign_settings *set,
	      const struct dkim_sign_params *params, size_t count,
	      const struct ma_log *log, const char **error_r)
{
	struct dkim_sign *s;
	size_t i;

	if (count == 0 || count > DKIM_SIGN_MAX_SIGNATURES) {
		*error_r = "1 to 8 signatures per signer";
		return NULL;
	}
	for (i = 0; i < count; i++) {
		const struct dkim_sign_params *p = &params[i];

		if (p->domain == NULL || *p->domain == '\0' ||
		    p->selector == NULL || *p->selector == '\0') {
			*error_r = "domain and selector are required";
			return NULL;
		}
		if (p->auid != NULL && !auid_in_domain(p->auid, p->domain)) {
			*error_r = "i= must be in d= or a subdomain of it";
			return NULL;
		}
		if (p->key == NULL || (p->alg != DKIM_ALG_RSA_SHA256 &&
				       p->alg != DKIM_ALG_ED25519_SHA256) ||
		    p->key->type != dkim_alg_key_type(p->alg)) {
			*error_r = "the key does not fit the algorithm";
			return NULL;
		}
	}
	s = ma_calloc(1, sizeof(*s));
	s->set = *set;
	if (s->set.now == 0)
		s->set.now = time(NULL);
	s->log = log;
	s->arena = arena_new(16384);
	s->parser = msg_header_parser_new(0);
	s->count = count;
	for (i = 0; i < count; i++) {
		s->params[i] = params[i];
		s->body_of[i] = sign_body_get(s, params[i].body_canon);
	}
	return s;
}

void
dkim_sign_free(struct dkim_sign **s_p)
{
	struct dkim_sign *s = *s_p;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nbodies; i++) {
		dkim_sha256_free(&s->bodies[i]->sha);
		free(s->bodies[i]);
	}
	msg_header_parser_free(&s->parser);
	free(s->fields);
	buf_free(&s->out);
	buf_free(&s->hbuf);
	arena_free(&s->arena);
	free(s);
	*s_p = NULL;
}

static void
sign_field_add(struct dkim_sign *s, const struct msg_header_field *f)
{
	struct dkim_canon_field *cf;

	if (f->oversized || s->nfields == DKIM_SIGN_MAX_FIELDS ||
	    s->header_bytes + f->raw_len > DKIM_SIGN_MAX_HEADER_BYTES) {
		s->header_too_large = true;
		return;
	}
	if (f->name_len == 0)
		return;
	s->header_bytes += f->raw_len;
	if (s->nfields == s->fields_cap) {
		s->fields_cap = s->fields_cap == 0 ? 32 : s->fields_cap * 2;
		s->fields = ma_reallocarray(s->fields, s->fields_cap,
					    sizeof(*s->fields));
	}
	cf = &s->fields[s->nfields++];
	cf->raw = arena_memdup0(s->arena, f->raw, f->raw_len);
	cf->len = f->raw_len;
	cf->name_len = f->name_len;
}

static void
sign_drain(struct dkim_sign *s)
{
	struct msg_header_field f;
	enum msg_header_event ev;
	size_t i;

	while ((ev = msg_header_next(s->parser, &f)) != MSG_HEADER_NEED_MORE &&
	       ev != MSG_HEADER_EOF) {
		if (ev == MSG_HEADER_FIELD) {
			sign_field_add(s, &f);
		} else if (ev == MSG_HEADER_BODY) {
			for (i = 0; i < s->nbodies; i++)
				dkim_body_canon_update(&s->bodies[i]->bc,
						       f.raw, f.raw_len);
		}
	}
}

void
dkim_sign_push(struct dkim_sign *s, const void *data, size_t len)
{
	if (s->ended || len == 0)
		return;
	msg_header_push(s->parser, data, len);
	sign_drain(s);
}

static size_t
field_count(const struct dkim_sign *s, const char *name)
{
	size_t i, n = strlen(name), count = 0;

	for (i = 0; i < s->nfields; i++) {
		if (s->fields[i].name_len == n &&
		    strncasecmp(s->fields[i].raw, name, n) == 0)
			count++;
	}
	return count;
}

/* Header names are compared case-insensitively (RFC 5322 1.2.2); the
 * first-letter test spares most strcasecmp() calls. */
static bool
name_eq(const char *a, const char *b)
{
	return (a[0] | 0x20) == (b[0] | 0x20) && strcasecmp(a, b) == 0;
}

static bool
name_in(const char *const *list, const char *name)
{
	for (; list != NULL && *list != NULL; list++) {
		if (name_eq(*list, name))
			return true;
	}
	return false;
}

/* The h= list (5.4.1): each signed name once per instance, over-signed
 * names once more.  Returns the count; names point to static/params. */
static size_t
sign_header_list(const struct dkim_sign *s, const struct dkim_sign_params *p,
		 const char **names, size_t max)
{
	const char *const *sign = p->sign_headers != NULL ?
		p->sign_headers : dkim_sign_default_headers;
	const char *const *over = p->oversign_headers != NULL ?
		p->oversign_headers : dkim_sign_default_oversign;
	static const char *const from_only[] = {"from", NULL};
	const char *const *all[3] = {from_only, sign, over};
	size_t n = 0, k, c, i;

	for (i = 0; i < 3; i++) {
		for (; *all[i] != NULL; all[i]++) {
			const char *name = *all[i];
			bool seen = false;

			for (k = 0; k < n && !seen; k++)
				seen = name_eq(names[k], name);
			if (seen)
				continue;
			c = field_count(s, name) + (name_in(over, name) ? 1 : 0);
			for (; c > 0 && n < max; c--)
				names[n++] = name;
		}
	}
	return n;
}

/* Append `token` to the field being built, folding before it when the
 * line would pass 78 columns (`sep`: " " between tags, "" inside one). */
static void
fold_add(struct dkim_sign *s, const char *sep, const char *token)
{
	size_t col = s->col, n = strlen(token);

	if (col + strlen(sep) + n > DKIM_SIGN_LINE_MAX && col > 1) {
		buf_append_str(&s->out, "\r\n\t");
		s->col = 1;
	} else {
		buf_append_str(&s->out, sep);
		s->col += strlen(sep);
	}
	buf_append_str(&s->out, token);
	s->col += n;
}

/* The field up to "b=" (3.5), with h= broken at colons. */
static void
sign_field_text(struct dkim_sign *s, const struct dkim_sign_params *p,
		const char **names, size_t nnames, const unsigned char *bh)
{
	char b64[BASE64_ENCODED_LEN(DKIM_SHA256_LEN) + 1], tmp[512];
	size_t i;

	buf_append_str(&s->out, "DKIM-Signature:");
	s->col = strlen("DKIM-Signature:");
	fold_add(s, " ", "v=1;");
	snprintf(tmp, sizeof(tmp), "a=%s;", dkim_alg_str(p->alg));
	fold_add(s, " ", tmp);
	snprintf(tmp, sizeof(tmp), "c=%s/%s;", dkim_canon_str(p->header_canon),
		 dkim_canon_str(p->body_canon));
	fold_add(s, " ", tmp);
	fold_add(s, " ", arena_printf(s->arena, "d=%s;", p->domain));
	fold_add(s, " ", arena_printf(s->arena, "s=%s;", p->selector));
	if (p->auid != NULL)
		fold_add(s, " ", arena_printf(s->arena, "i=%s;", p->auid));
	if (!p->no_timestamp) {
		snprintf(tmp, sizeof(tmp), "t=%llu;",
			 (unsigned long long)s->set.now);
		fold_add(s, " ", tmp);
	}
	if (p->expire_secs > 0) {
		snprintf(tmp, sizeof(tmp), "x=%llu;",
			 (unsigned long long)s->set.now + p->expire_secs);
		fold_add(s, " ", tmp);
	}
	for (i = 0; i < nnames; i++) {
		size_t n = strlen(names[i]), o = 0;

		if (n > sizeof(tmp) - 4)
			n = sizeof(tmp) - 4; /* names come from our config */
		if (i == 0) {
			memcpy(tmp, "h=", 2);
			o = 2;
		}
		memcpy(tmp + o, names[i], n);
		tmp[o + n] = i + 1 == nnames ? ';' : ':';
		tmp[o + n + 1] = '\0';
		fold_add(s, i == 0 ? " " : "", tmp);
	}
	base64_encode(bh, DKIM_SHA256_LEN, b64);
	fold_add(s, " ", arena_printf(s->arena, "bh=%s;", b64));
	fold_add(s, " ", "b=");
}

/* Append the base64 signature, folded. */
static void
sign_b_value(struct dkim_sign *s, const unsigned char *sig, size_t len)
{
	char *b64 = ma_malloc(BASE64_ENCODED_LEN(len) + 1);
	size_t n = base64_encode(sig, len, b64), off = 0, room;

	while (off < n) {
		room = s->col < DKIM_SIGN_LINE_MAX ?
			DKIM_SIGN_LINE_MAX - s->col : 0;
		if (room == 0) {
			buf_append_str(&s->out, "\r\n\t");
			s->col = 1;
			continue;
		}
		if (room > n - off)
			room = n - off;
		buf_append(&s->out, b64 + off, room);
		s->col += room;
		off += room;
	}
	buf_append_str(&s->out, "\r\n");
	free(b64);
}

static int
sign_one(struct dkim_sign *s, size_t idx, const char **error_r)
{
	const struct dkim_sign_params *p = &s->params[idx];
	const char *names[DKIM_SIGN_MAX_FIELDS];
	unsigned char hash[DKIM_SHA256_LEN], sig[DKIM_CRYPTO_MAX_SIG];
	struct dkim_sha256 *sha;
	size_t nnames, start = s->out.len, siglen;

	nnames = sign_header_list(s, p, names, DKIM_SIGN_MAX_FIELDS);
	sign_field_text(s, p, names, nnames, s->body_of[idx]->digest);
	buf_reset(&s->hbuf);
	dkim_canon_signed_headers(p->header_canon, s->fields, s->nfields,
				  names, nnames, &s->hbuf);
	dkim_canon_header(p->header_canon, s->out.data + start,
			  s->out.len - start, false, &s->hbuf);
	sha = dkim_sha256_new_like(p->key->sha);
	dkim_sha256_init(sha);
	dkim_sha256_update(sha, s->hbuf.data, s->hbuf.len);
	dkim_sha256_final(sha, hash);
	dkim_sha256_free(&sha);
	if (dkim_privkey_sign(p->key, hash, sig, &siglen) < 0) {
		*error_r = "signing failed";
		return -1;
	}
	sign_b_value(s, sig, siglen);
	return 0;
}

/* CRLF -> LF in place. */
static void
to_lf(struct buf *b)
{
	size_t i, o = 0;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\r' && i + 1 < b->len && b->data[i + 1] == '\n')
			continue;
		b->data[o++] = b->data[i];
	}
	b->len = o;
	b->data[o] = '\0';
}

int
dkim_sign_end(struct dkim_sign *s, const char **fields_r, size_t *len_r,
	      const char **error_r)
{
	size_t i;

	if (!s->ended) {
		msg_header_push_eof(s->parser);
		sign_drain(s);
		for (i = 0; i < s->nbodies; i++) {
			dkim_body_canon_final(&s->bodies[i]->bc);
			dkim_sha256_final(s->bodies[i]->sha,
					  s->bodies[i]->digest);
		}
		s->ended = true;
	}
	if (s->header_too_large) {
		*error_r = "the header is too large to sign";
		return -1;
	}
	if (field_count(s, "from") == 0) {
		*error_r = "the message has no From field";
		return -1;
	}
	buf_reset(&s->out);
	for (i = 0; i < s->count; i++) {
		if (sign_one(s, i, error_r) < 0)
			return -1;
	}
	if (s->set.lf)
		to_lf(&s->out);
	*fields_r = s->out.data;
	*len_r = s->out.len;
	return 0;
}

bool
dkim_sign_header_too_large(const struct dkim_sign *s)
{
	return s->header_too_large;
}
