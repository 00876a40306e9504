/*
 * msg-mime-param.c - MIME header field parameters: RFC 2045 5.1, RFC
 * 2183 2, RFC 2231 3/4 and RFC 2047 encoded words (msg-mime-param.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/strparse.h"
#include "msg/msg-address.h"
#include "msg/msg-mime-param.h"

/* One attribute=value as written, before RFC 2231 assembly. */
struct raw_param {
	struct sp_slice base; /* name without the "*N*" suffix */
	int section;	      /* -1: no "*N" */
	int extended;	      /* a trailing '*': percent-encoded */
	const char *value;    /* unquoted */
	size_t value_len;
};

/* RFC 2045 5.1 token: any CHAR except SPACE, CTLs and tspecials */
static bool
is_token(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static bool
is_type_char(unsigned char c)
{
	return is_token(c) || c == '/';
}

static void
lowercase(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append ISO-8859-1 bytes as UTF-8. */
static void
latin1_to_utf8(const char *s, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			buf_append_char(out, (char)c);
		} else {
			buf_append_char(out, (char)(0xc0 | (c >> 6)));
			buf_append_char(out, (char)(0x80 | (c & 0x3f)));
		}
	}
}

static bool
charset_is_latin1(const char *cs, size_t len)
{
	static const char *const names[] = {"iso-8859-1", "latin1",
					    "iso8859-1", "windows-1252"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len &&
		    strncasecmp(cs, names[i], len) == 0)
			return true;
	return false;
}

/* Append `s` in charset `cs` to `out` as UTF-8 where we know how. */
static void
append_charset(const char *cs, size_t cs_len, const char *s, size_t len,
	       struct buf *out)
{
	if (charset_is_latin1(cs, cs_len))
		latin1_to_utf8(s, len, out);
	else
		buf_append(out, s, len);
}

/* RFC 2047 4.2 "Q": '_' is a space, =XX an octet. */
static void
q_decode(const char *s, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '_') {
			buf_append_char(out, ' ');
		} else if (s[i] == '=' && i + 2 < len &&
			   (hi = hexval(s[i + 1])) >= 0 &&
			   (lo = hexval(s[i + 2])) >= 0) {
			buf_append_char(out, (char)(hi * 16 + lo));
			i += 2;
		} else {
			buf_append_char(out, s[i]);
		}
	}
}

/* One encoded word "=?cs?e?text?=" at s (len bytes): its decoded text
 * appended to `out`; returns the length consumed, 0 if not one. */
static size_t
encoded_word(const char *s, size_t len, struct buf *out)
{
	const char *cs, *q1, *q2, *end;
	struct buf raw = BUF_INIT;
	char enc;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	cs = s + 2;
	q1 = memchr(cs, '?', len - 2);
	if (q1 == NULL || q1 + 3 >= s + len || q1[2] != '?')
		return 0;
	enc = q1[1];
	q2 = q1 + 3;
	end = NULL;
	for (const char *p = q2; p + 1 < s + len; p++)
		if (p[0] == '?' && p[1] == '=') {
			end = p;
			break;
		}
	if (end == NULL)
		return 0;
	if (enc == 'B' || enc == 'b') {
		size_t n = (size_t)(end - q2), got;

		buf_reserve(&raw, BASE64_DECODED_MAX(n));
		if (base64_decode(q2, n, (unsigned char *)raw.data,
				  BASE64_DECODED_MAX(n), &got) < 0) {
			buf_free(&raw);
			return 0;
		}
		raw.len = got;
	} else if (enc == 'Q' || enc == 'q') {
		q_decode(q2, (size_t)(end - q2), &raw);
	} else {
		return 0;
	}
	/* RFC 2231 5: charset*language */
	const char *star = memchr(cs, '*', (size_t)(q1 - cs));
	size_t cs_len = (size_t)((star != NULL ? star : q1) - cs);

	append_charset(cs, cs_len, raw.data, raw.len, out);
	buf_free(&raw);
	return (size_t)(end + 2 - s);
}

void
msg_mime_decode_words(const char *s, size_t len, struct buf *out)
{
	size_t i = 0, n, gap_start = 0;
	bool after_word = false;

	while (i < len) {
		if (s[i] == '=' && (n = encoded_word(s + i, len - i, out)) > 0) {
			i += n;
			after_word = true;
			gap_start = i;
			continue;
		}
		if (after_word && (s[i] == ' ' || s[i] == '\t' ||
				   s[i] == '\r' || s[i] == '\n')) {
			/* held back: dropped if another word follows */
			size_t j = i;

			while (j < len && strchr(" \t\r\n", s[j]) != NULL)
				j++;
			if (j < len && s[j] == '=' && j + 1 < len &&
			    s[j + 1] == '?') {
				struct buf probe = BUF_INIT;
				bool word = encoded_word(s + j, len - j,
							 &probe) > 0;

				buf_free(&probe);
				if (word) {
					i = j;
					continue;
				}
			}
			buf_append(out, s + gap_start, j - gap_start);
			i = j;
			after_word = false;
			continue;
		}
		after_word = false;
		buf_append_char(out, s[i]);
		i++;
	}
}

/* attribute [ "*" section ] [ "*" ] */
static void
split_attribute(struct sp_slice attr, struct raw_param *rp)
{
	const char *star = memchr(attr.p, '*', attr.len);
	struct strparse sp;
	uint64_t n;

	rp->base = attr;
	rp->section = -1;
	rp->extended = 0;
	if (star == NULL)
		return;
	rp->base.len = (size_t)(star - attr.p);
	sp_init(&sp, star + 1, attr.len - rp->base.len - 1);
	if (sp_uint(&sp, 3, MSG_MIME_MAX_SECTION, &n))
		rp->section = (int)n;
	if (sp_char(&sp, '*') || (rp->section < 0 && sp_eof(&sp)))
		rp->extended = 1;
	if (!sp_eof(&sp))
		rp->section = MSG_MIME_MAX_SECTION + 1; /* ignored */
}

/* One parameter at the cursor (after ';'); false at junk. */
static bool
raw_param_next(struct strparse *sp, struct buf *scratch,
	       struct arena *arena, struct raw_param *rp)
{
	struct sp_slice attr;
	const char *err;

	if (msg_cfws_skip(sp, NULL, &err) < 0 ||
	    sp_span(sp, is_token, 0, &attr) == 0)
		return false;
	if (msg_cfws_skip(sp, NULL, &err) < 0 || !sp_char(sp, '='))
		return false;
	if (msg_cfws_skip(sp, NULL, &err) < 0)
		return false;
	split_attribute(attr, rp);
	if (sp_peek(sp) == '"') {
		buf_reset(scratch);
		if (msg_quoted_string(sp, scratch, &err) < 0)
			return false;
		rp->value = arena_memdup0(arena, scratch->data == NULL ?
					  "" : scratch->data, scratch->len);
		rp->value_len = scratch->len;
	} else {
		struct sp_slice v;

		/* lenient: anything up to ';' or white space */
		sp_until(sp, "; \t\r\n", &v);
		rp->value = arena_memdup0(arena, v.p == NULL ? "" : v.p,
					  v.len);
		rp->value_len = v.len;
	}
	return true;
}

/* Percent-decode an RFC 2231 extended segment into `out`. */
static void
pct_decode(const char *s, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len &&
		    (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			buf_append_char(out, (char)(hi * 16 + lo));
			i += 2;
		} else {
			buf_append_char(out, s[i]);
		}
	}
}

static const struct raw_param *
find_section(const struct raw_param *raw, size_t n, struct sp_slice base,
	     int section)
{
	for (size_t i = 0; i < n; i++)
		if (raw[i].section == section && raw[i].base.len == base.len &&
		    strncasecmp(raw[i].base.p, base.p, base.len) == 0)
			return &raw[i];
	return NULL;
}

/* Assemble parameter `first`'s value (RFC 2231 3 and 4) into `out`. */
static void
assemble(const struct raw_param *raw, size_t n, const struct raw_param *first,
	 struct buf *out)
{
	struct buf bytes = BUF_INIT;
	const char *cs = "", *v;
	size_t cs_len = 0, vlen;
	bool encoded = false;

	for (int sec = first->section < 0 ? -1 : 0;
	     sec <= MSG_MIME_MAX_SECTION; sec++) {
		const struct raw_param *rp =
			find_section(raw, n, first->base, sec);

		if (rp == NULL)
			break;
		v = rp->value;
		vlen = rp->value_len;
		if (rp->extended) {
			if (sec <= 0) {
				/* charset'language'value */
				const char *q1 = memchr(v, '\'', vlen), *q2;

				q2 = q1 == NULL ? NULL :
					memchr(q1 + 1, '\'',
					       vlen - (size_t)(q1 + 1 - v));
				if (q2 != NULL) {
					cs = v;
					cs_len = (size_t)(q1 - v);
					vlen -= (size_t)(q2 + 1 - v);
					v = q2 + 1;
				}
			}
			encoded = true;
			pct_decode(v, vlen, &bytes);
		} else {
			buf_append(&bytes, v, vlen);
		}
		if (sec < 0)
			break;
	}
	if (encoded)
		append_charset(cs, cs_len, bytes.data, bytes.len, out);
	else if (bytes.len > 0)
		msg_mime_decode_words(bytes.data, bytes.len, out);
	buf_free(&bytes);
}

/* Whether a parameter with the same base name came earlier. */
static bool
seen_before(const struct raw_param *raw, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (raw[j].base.len == raw[i].base.len &&
		    strncasecmp(raw[j].base.p, raw[i].base.p,
				raw[i].base.len) == 0)
			return true;
	return false;
}

static void
assemble_all(const struct raw_param *raw, size_t n, struct arena *arena,
	     struct msg_mime_param *params, size_t *nparams_r)
{
	struct buf val = BUF_INIT;
	size_t np = 0;

	for (size_t i = 0; i < n; i++) {
		const struct raw_param *first = &raw[i];
		char *name;

		if (seen_before(raw, i) || raw[i].section > MSG_MIME_MAX_SECTION)
			continue;
		/* prefer the continued form (section 0) when both exist */
		if (first->section != 0) {
			const struct raw_param *s0 =
				find_section(raw, n, first->base, 0);

			if (s0 != NULL)
				first = s0;
			else if (first->section > 0)
				continue;
		}
		buf_reset(&val);
		assemble(raw, n, first, &val);
		name = arena_strndup(arena, first->base.p, first->base.len);
		lowercase(name);
		params[np].name = name;
		params[np].value = arena_memdup0(arena, val.data == NULL ? "" :
						 val.data, val.len);
		np++;
	}
	buf_free(&val);
	*nparams_r = np;
}

int
msg_mime_params_parse(const char *value, size_t len, struct arena *arena,
		      const char **token_r,
		      const struct msg_mime_param **params_r,
		      size_t *nparams_r, const char **error_r)
{
	struct raw_param raw[MSG_MIME_MAX_PARAMS];
	struct msg_mime_param *params;
	struct buf scratch = BUF_INIT;
	struct strparse sp;
	struct sp_slice tok;
	size_t n = 0;
	char *t;

	*token_r = NULL;
	*params_r = NULL;
	*nparams_r = 0;
	sp_init(&sp, value, len);
	if (msg_cfws_skip(&sp, NULL, error_r) < 0)
		return -1;
	if (sp_span(&sp, is_type_char, 0, &tok) == 0) {
		*error_r = "no type";
		return -1;
	}
	t = arena_strndup(arena, tok.p, tok.len);
	lowercase(t);
	*token_r = t;
	while (!sp_eof(&sp) && n < MSG_MIME_MAX_PARAMS) {
		struct sp_slice junk;

		sp_until(&sp, ";", &junk);
		if (!sp_char(&sp, ';'))
			break;
		if (raw_param_next(&sp, &scratch, arena, &raw[n]))
			n++;
	}
	buf_free(&scratch);
	params = arena_zalloc(arena, (n == 0 ? 1 : n) * sizeof(*params));
	assemble_all(raw, n, arena, params, nparams_r);
	*params_r = params;
	return 0;
}

const char *
msg_mime_param_get(const struct msg_mime_param *params, size_t nparams,
		   const char *name)
{
	for (size_t i = 0; i < nparams; i++)
		if (strcmp(params[i].name, name) == 0)
			return params[i].value;
	return NULL;
}
