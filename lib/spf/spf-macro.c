/*
 * spf-macro.c - RFC 7208 section 7 macro strings (see spf-macro.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "spf/spf-addr.h"
#include "spf/spf-macro.h"
#include "util/strparse.h"
#include "util/xalloc.h"

/* Digits of a transformer: RFC 7208 7.1 gives no bound; parts beyond the
 * value's count just mean "all of them". */
#define SPF_MACRO_MAX_DIGITS 9
#define SPF_MACRO_MAX_DIGIT_VALUE 999999999

struct macro_walk {
	enum spf_macro_context context;
	const struct spf_macro_vars *vars; /* NULL: check only */
	struct arena *arena;
	struct buf *out;
	struct spf_macro_info info;
	const char *error;
};

/* macro-literal = %x21-24 / %x26-7E; explanation text adds SP */
static bool
is_literal(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '%';
}

static bool
is_explain_literal(unsigned char c)
{
	return c == ' ' || is_literal(c);
}

static bool
is_delimiter(unsigned char c)
{
	return c != '\0' && strchr(".-+,/_=", c) != NULL;
}

static bool
is_unreserved(unsigned char c)
{
	return sp_is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static const char *
macro_value(struct macro_walk *w, char letter)
{
	const struct spf_macro_vars *v = w->vars;
	char tmp[64];

	switch (letter) {
	case 's':
		return v->sender;
	case 'l':
		return v->local_part;
	case 'o':
		return v->sender_domain;
	case 'd':
		return v->domain;
	case 'i':
		return spf_addr_dotted(w->arena, v->ip);
	case 'p':
		return v->ptr_name != NULL ? v->ptr_name : "unknown";
	case 'v':
		return v->ip->v6 ? "ip6" : "in-addr";
	case 'h':
		return v->helo != NULL ? v->helo : "unknown";
	case 'c':
		spf_addr_ntop(v->ip, tmp, sizeof(tmp));
		return arena_strdup(w->arena, tmp);
	case 'r':
		return v->receiver != NULL ? v->receiver : "unknown";
	case 't':
		return arena_printf(w->arena, "%lld", v->timestamp);
	}
	return "";
}

/* Split `value` on `delims`, optionally reverse, keep the right-most
 * `keep` parts (0 = all), join with ".", URL-escape if `escape`. */
static void
macro_transform(struct buf *out, const char *value, const char *delims,
                unsigned long keep, bool reverse, bool escape)
{
	struct sp_slice *parts;
	struct strparse sp;
	size_t n = 1, i, first;
	const char *q;
	struct buf joined = BUF_INIT;

	for (q = value; *q != '\0'; q++)
		n += strchr(delims, *q) != NULL;
	parts = ma_reallocarray(NULL, n, sizeof(*parts));
	sp_init_str(&sp, value);
	for (i = 0; i < n; i++) {
		sp_until(&sp, delims, &parts[reverse ? n - 1 - i : i]);
		sp.p++; /* the delimiter (harmless past the end) */
	}
	first = (keep != 0 && keep < n) ? n - keep : 0;
	for (i = first; i < n; i++) {
		if (i > first)
			buf_append_char(&joined, '.');
		buf_append(&joined, parts[i].p, parts[i].len);
	}
	free(parts);
	for (i = 0; i < joined.len; i++) {
		unsigned char c = (unsigned char)joined.data[i];

		if (!escape || is_unreserved(c))
			buf_append_char(out, (char)c);
		else
			buf_printf(out, "%%%02X", c);
	}
	buf_free(&joined);
}

static bool
letter_allowed(enum spf_macro_context context, char letter)
{
	if (strchr("slodipvh", letter) != NULL)
		return true;
	return strchr("crt", letter) != NULL && context != SPF_MACRO_DOMAIN;
}

/* After "%{": letter transformers *delimiter "}" */
static int
macro_expand_braces(struct macro_walk *w, struct strparse *sp)
{
	char delims[8], letter, lower;
	size_t ndelims = 0;
	uint64_t keep = 0;
	bool reverse;
	int c = sp_peek(sp);

	if (c < 0 || !sp_is_alpha((unsigned char)c)) {
		w->error = "missing macro letter";
		return -1;
	}
	letter = (char)c;
	lower = (char)(letter | 0x20);
	sp->p++;
	if (!letter_allowed(w->context, lower)) {
		w->error = "macro letter not allowed here";
		return -1;
	}
	w->info.uses_p = w->info.uses_p || lower == 'p';
	c = sp_peek(sp);
	if (c >= 0 && sp_is_digit((unsigned char)c) &&
	    (!sp_uint(sp, SPF_MACRO_MAX_DIGITS, SPF_MACRO_MAX_DIGIT_VALUE,
	              &keep) ||
	     keep == 0)) {
		w->error = "bad macro transformer digits";
		return -1;
	}
	reverse = sp_char_ci(sp, 'r');
	delims[0] = '\0';
	while ((c = sp_peek(sp)) >= 0 && is_delimiter((unsigned char)c)) {
		if (strchr(delims, c) == NULL) {
			delims[ndelims++] = (char)c;
			delims[ndelims] = '\0';
		}
		sp->p++;
	}
	if (!sp_char(sp, '}')) {
		w->error = "unterminated macro";
		return -1;
	}
	if (ndelims == 0)
		strcpy(delims, ".");
	if (w->vars != NULL)
		macro_transform(w->out, macro_value(w, lower), delims,
		                (unsigned long)keep, reverse, letter != lower);
	return 0;
}

static int
macro_expand_one(struct macro_walk *w, struct strparse *sp)
{
	const char *text = NULL;

	sp->p++; /* '%' */
	if (sp_char(sp, '%'))
		text = "%";
	else if (sp_char(sp, '_'))
		text = " ";
	else if (sp_char(sp, '-'))
		text = "%20";
	else if (sp_char(sp, '{'))
		return macro_expand_braces(w, sp);
	else {
		w->error = "'%' not followed by '%', '_', '-' or '{'";
		return -1;
	}
	if (w->vars != NULL)
		buf_append_str(w->out, text);
	return 0;
}

static int
macro_walk_run(struct macro_walk *w, const char *s, size_t len)
{
	sp_class_fn *literal =
	    w->context == SPF_MACRO_EXPLAIN ? is_explain_literal : is_literal;
	struct strparse sp;
	struct sp_slice lit;

	sp_init(&sp, s, len);
	while (!sp_eof(&sp)) {
		if (sp_peek(&sp) == '%') {
			if (macro_expand_one(w, &sp) < 0)
				return -1;
			w->info.ends_with_expand = true;
			w->info.tail_start = (size_t)(sp.p - s);
		} else if (sp_span(&sp, literal, 0, &lit) > 0) {
			w->info.ends_with_expand = false;
			if (w->vars != NULL)
				buf_append(w->out, lit.p, lit.len);
		} else {
			w->error = "invalid character in macro string";
			return -1;
		}
		if (w->out != NULL && w->out->len > SPF_MACRO_MAX_OUTPUT) {
			w->error = "macro expansion too long";
			return -1;
		}
	}
	return 0;
}

int
spf_macro_check(const char *s, size_t len, enum spf_macro_context context,
                struct spf_macro_info *info_r, const char **error_r)
{
	struct macro_walk w;

	memset(&w, 0, sizeof(w));
	w.context = context;
	if (macro_walk_run(&w, s, len) < 0) {
		*error_r = w.error;
		return -1;
	}
	if (info_r != NULL)
		*info_r = w.info;
	return 0;
}

int
spf_macro_expand(struct arena *arena, const char *s, size_t len,
                 enum spf_macro_context context,
                 const struct spf_macro_vars *vars, char **result_r,
                 const char **error_r)
{
	struct buf out = BUF_INIT;
	struct macro_walk w;

	memset(&w, 0, sizeof(w));
	w.context = context;
	w.vars = vars;
	w.arena = arena;
	w.out = &out;
	if (macro_walk_run(&w, s, len) < 0) {
		buf_free(&out);
		*error_r = w.error;
		return -1;
	}
	*result_r = arena_memdup0(arena, buf_cstr(&out), out.len);
	buf_free(&out);
	return 0;
}

const char *
spf_macro_truncate_domain(const char *name)
{
	while (strlen(name) > SPF_MACRO_MAX_DOMAIN) {
		const char *dot = strchr(name, '.');

		if (dot == NULL)
			break;
		name = dot + 1;
	}
	return name;
}
