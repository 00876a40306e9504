/*
 * authres-parse.c - the Authentication-Results (RFC 8601 2.2) reader
 * (see authres-parse.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "msg/authres-parse.h"
#include "util/buf.h"
#include "msg/msg-address.h"
#include "util/strparse.h"

struct ar_parser {
	struct strparse sp;
	struct arena *arena;
	const char *error;
	size_t results_cap; /* slots in authres_parsed.results */
};

/* `array` (n elements of `size` bytes, room for *cap) with room for one
 * more: itself, or a copy twice as large, at most `max` elements; NULL
 * when n is `max`.  So memory follows what the field holds, not the
 * limits (probe 2026-12 F01). */
static void *
grow(struct arena *arena, void *array, size_t n, size_t *cap, size_t max,
     size_t size)
{
	void *bigger;

	if (n < *cap)
		return array;
	if (n == max)
		return NULL;
	*cap = *cap == 0 ? 4 : *cap * 2;
	if (*cap > max)
		*cap = max;
	bigger = arena_alloc(arena, *cap * size);
	if (n > 0)
		memcpy(bigger, array, n * size);
	return bigger;
}

/* RFC 2045 5.1 token: CHAR except SPACE, CTLs and tspecials; 8-bit
 * accepted (RFC 8616). */
static bool
is_token(unsigned char c)
{
	return (c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) ==
		NULL) || c >= 0x80;
}

static bool
is_keyword(unsigned char c)
{
	return sp_is_alnum(c) || c == '-' || c == '_';
}

/* pvalue without quotes: anything up to white space, ';' or a comment */
static bool
is_pvalue(unsigned char c)
{
	return (c > 0x20 && c != 0x7f && strchr(";()\"", c) == NULL);
}

static int
cfws(struct ar_parser *p)
{
	return msg_cfws_skip(&p->sp, NULL, &p->error);
}

static char *
lower_dup(struct arena *arena, struct sp_slice s)
{
	char *r = arena_strndup(arena, s.p, s.len), *q;

	for (q = r; *q != '\0'; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return r;
}

static int
keyword(struct ar_parser *p, const char **kw_r)
{
	struct sp_slice s;

	if (sp_span(&p->sp, is_keyword, 0, &s) == 0) {
		p->error = "keyword expected";
		return -1;
	}
	*kw_r = lower_dup(p->arena, s);
	return 0;
}

/* value = token / quoted-string; with `pvalue`, also [local-part]@domain
 * and other unquoted runs (RFC 8601 2.2 pvalue). */
static int
value(struct ar_parser *p, bool pvalue, const char **value_r)
{
	struct buf b = BUF_INIT;
	struct sp_slice s;
	int ret = 0;

	if (sp_peek(&p->sp) == '"') {
		if (msg_quoted_string(&p->sp, &b, &p->error) < 0) {
			buf_free(&b);
			return -1;
		}
		if (pvalue && sp_peek(&p->sp) == '@') {
			sp_span(&p->sp, is_pvalue, 0, &s);
			buf_append(&b, s.p, s.len);
		}
	} else if (sp_span(&p->sp, pvalue ? is_pvalue : is_token, 0, &s) > 0) {
		buf_append(&b, s.p, s.len);
	} else {
		p->error = "value expected";
		ret = -1;
	}
	if (ret == 0)
		*value_r = arena_strndup(p->arena, buf_cstr(&b), b.len);
	buf_free(&b);
	return ret;
}

static int
expect(struct ar_parser *p, char c, const char *error)
{
	if (cfws(p) < 0)
		return -1;
	if (!sp_char(&p->sp, c)) {
		p->error = error;
		return -1;
	}
	return cfws(p);
}

/* [CFWS reasonspec] [CFWS 1*propspec] after a methodspec */
static int
resinfo_tail(struct ar_parser *p, struct authres_parsed_result *r)
{
	const char *kw;
	struct authres_prop *prop;
	size_t cap = 0;

	while (!sp_eof(&p->sp) && sp_peek(&p->sp) != ';') {
		if (keyword(p, &kw) < 0 || cfws(p) < 0)
			return -1;
		if (strcmp(kw, "reason") == 0 && sp_peek(&p->sp) == '=') {
			if (expect(p, '=', "'=' expected") < 0 ||
			    value(p, false, &r->reason) < 0 || cfws(p) < 0)
				return -1;
			continue;
		}
		prop = grow(p->arena, r->props, r->nprops, &cap,
			    AUTHRES_PARSE_MAX_PROPS, sizeof(*r->props));
		if (prop == NULL) {
			p->error = "too many properties";
			return -1;
		}
		r->props = prop;
		prop = &r->props[r->nprops];
		prop->ptype = kw;
		if (expect(p, '.', "'.' expected in ptype.property") < 0 ||
		    keyword(p, &prop->property) < 0 ||
		    expect(p, '=', "'=' expected after property") < 0 ||
		    value(p, true, &prop->value) < 0 || cfws(p) < 0)
			return -1;
		r->nprops++;
	}
	return 0;
}

/* resinfo after its ';' (or "none") */
static int
resinfo(struct ar_parser *p, struct authres_parsed *ar)
{
	struct authres_parsed_result *r;
	const char *method;

	if (keyword(p, &method) < 0 || cfws(p) < 0)
		return -1;
	if (strcmp(method, "none") == 0 && sp_peek(&p->sp) != '=' &&
	    sp_peek(&p->sp) != '/') {
		ar->none = true;
		return 0;
	}
	r = grow(p->arena, ar->results, ar->nresults, &p->results_cap,
		 AUTHRES_PARSE_MAX_RESULTS, sizeof(*ar->results));
	if (r == NULL) {
		p->error = "too many results";
		return -1;
	}
	ar->results = r;
	r = &ar->results[ar->nresults];
	memset(r, 0, sizeof(*r));
	r->method = method;
	if (sp_char(&p->sp, '/') &&
	    (cfws(p) < 0 || keyword(p, &r->method_version) < 0 ||
	     cfws(p) < 0))
		return -1;
	if (expect(p, '=', "'=' expected after method") < 0 ||
	    keyword(p, &r->result) < 0 || cfws(p) < 0 ||
	    resinfo_tail(p, r) < 0)
		return -1;
	ar->nresults++;
	return 0;
}

int
authres_parse(const char *text, size_t len, struct arena *arena,
	      struct authres_parsed **ar_r, const char **error_r)
{
	struct ar_parser p = { .arena = arena };
	struct authres_parsed *ar = arena_zalloc(arena, sizeof(*ar));
	struct sp_slice ver;

	*ar_r = ar;
	sp_init(&p.sp, text, len);
	if (cfws(&p) < 0 || value(&p, false, &ar->authserv_id) < 0 ||
	    cfws(&p) < 0)
		goto fail;
	if (sp_span(&p.sp, sp_is_digit, 0, &ver) > 0) {
		ar->version = arena_strndup(arena, ver.p, ver.len);
		if (cfws(&p) < 0)
			goto fail;
	}
	while (!sp_eof(&p.sp)) {
		if (!sp_char(&p.sp, ';')) {
			p.error = "';' expected";
			goto fail;
		}
		if (cfws(&p) < 0)
			goto fail;
		if (sp_eof(&p.sp))
			break; /* a trailing ';' */
		if (resinfo(&p, ar) < 0)
			goto fail;
	}
	if (ar->nresults == 0 && !ar->none) {
		p.error = "no result and no \"none\"";
		goto fail;
	}
	return 0;
fail:
	*error_r = p.error;
	return -1;
}

const char *
authres_parsed_prop(const struct authres_parsed_result *res,
		    const char *ptype, const char *property)
{
	size_t i;

	for (i = 0; i < res->nprops; i++)
		if (strcasecmp(res->props[i].ptype, ptype) == 0 &&
		    strcasecmp(res->props[i].property, property) == 0)
			return res->props[i].value;
	return NULL;
}
