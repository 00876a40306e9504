/*
 * authres.c - the Authentication-Results writer, RFC 8601 section 2.2
 * (see authres.h).  The reader is authres-parse.c.
 */
#include "config.h"

#include <string.h>

#include "util/arena.h"
#include "msg/authres.h"
#include "util/buf.h"
#include "util/hdrfold.h"

#define AUTHRES_FIELD_NAME "Authentication-Results:"

struct authres_method {
	struct authres_method *next;
	const char *method, *result, *comment, *reason;
	struct authres_prop *props;
	size_t nprops;
};

struct authres {
	struct arena *arena;
	const char *authserv_id;
	struct authres_method *first, **tail;
};

struct authres *
authres_new(struct arena *arena, const char *authserv_id)
{
	struct authres *ar = arena_zalloc(arena, sizeof(*ar));

	ar->arena = arena;
	ar->authserv_id = arena_strdup(arena, authserv_id);
	ar->tail = &ar->first;
	return ar;
}

void
authres_add(struct authres *ar, const char *method, const char *result,
	    const char *comment, const char *reason,
	    const struct authres_prop *props, size_t nprops)
{
	struct authres_method *m = arena_zalloc(ar->arena, sizeof(*m));
	size_t i;

	m->method = arena_strdup(ar->arena, method);
	m->result = arena_strdup(ar->arena, result);
	m->comment = arena_strdup_or_null(ar->arena, comment);
	m->reason = arena_strdup_or_null(ar->arena, reason);
	m->props = arena_alloc(ar->arena, (nprops + 1) * sizeof(*m->props));
	for (i = 0; i < nprops; i++) {
		m->props[i].ptype = arena_strdup(ar->arena, props[i].ptype);
		m->props[i].property =
			arena_strdup(ar->arena, props[i].property);
		m->props[i].value = arena_strdup(ar->arena, props[i].value);
	}
	m->nprops = nprops;
	*ar->tail = m;
	ar->tail = &m->next;
}

/* RFC 8601 2.2 pvalue: a value, or [ [ local-part ] "@" ] domain-name
 * written bare; anything else becomes a quoted-string. */
static bool
pvalue_is_bare(const char *v)
{
	const char *at = strrchr(v, '@');
	char local[256];
	size_t n;

	if (at == NULL)
		return hdrfold_is_token(v);
	if (!hdrfold_is_dot_atom(at + 1))
		return false;
	n = (size_t)(at - v);
	if (n == 0)
		return true;
	if (n >= sizeof(local))
		return false;
	memcpy(local, v, n);
	local[n] = '\0';
	return hdrfold_is_dot_atom(local);
}

static void
emit(struct hdrfold *f, struct buf *word)
{
	hdrfold_word(f, word->data, word->len, true);
	buf_reset(word);
}

static void
format_method(struct hdrfold *f, const struct authres_method *m,
	      bool last)
{
	struct buf word = BUF_INIT;
	size_t i;

	buf_printf(&word, "%s=%s", m->method, m->result);
	emit(f, &word);
	if (m->comment != NULL) {
		hdrfold_append_comment(&word, m->comment);
		hdrfold_words(f, word.data, true);
		buf_reset(&word);
	}
	if (m->reason != NULL) {
		buf_append_str(&word, "reason=");
		if (hdrfold_is_token(m->reason))
			buf_append_str(&word, m->reason);
		else
			hdrfold_append_quoted(&word, m->reason);
		emit(f, &word);
	}
	for (i = 0; i < m->nprops; i++) {
		const struct authres_prop *p = &m->props[i];

		buf_printf(&word, "%s.%s=", p->ptype, p->property);
		if (pvalue_is_bare(p->value))
			buf_append_str(&word, p->value);
		else
			hdrfold_append_quoted(&word, p->value);
		emit(f, &word);
	}
	if (!last)
		hdrfold_word(f, ";", 1, false);
	buf_free(&word);
}

const char *
authres_format(const struct authres *ar, int crlf)
{
	struct buf out = BUF_INIT;
	struct hdrfold f;
	const struct authres_method *m;
	const char *ret;

	/* "Authentication-Results: " precedes the value */
	hdrfold_init(&f, &out, strlen(AUTHRES_FIELD_NAME) + 1, crlf != 0);
	hdrfold_word(&f, ar->authserv_id, strlen(ar->authserv_id), false);
	hdrfold_word(&f, ";", 1, false);
	if (ar->first == NULL)
		hdrfold_word(&f, "none", 4, true);
	for (m = ar->first; m != NULL; m = m->next) {
		/* one method per line when there are several, as in the
		 * RFC 8601 appendix B examples */
		if (ar->first->next != NULL)
			hdrfold_break(&f);
		format_method(&f, m, m->next == NULL);
	}
	ret = arena_strndup(ar->arena, buf_cstr(&out), out.len);
	buf_free(&out);
	return ret;
}
