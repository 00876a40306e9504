/*
 * strparse.c - cursor-based parsing kit (see strparse.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/strparse.h"

void
sp_init(struct strparse *sp, const void *data, size_t len)
{
	sp->p = data;
	/* NULL with 0 is an empty input (NULL + 0 is undefined in C) */
	sp->end = len != 0 ? sp->p + len : sp->p;
}

void
sp_init_str(struct strparse *sp, const char *s)
{
	sp_init(sp, s, strlen(s));
}

static unsigned char
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

bool
sp_char(struct strparse *sp, char c)
{
	if (sp->p < sp->end && *sp->p == c) {
		sp->p++;
		return true;
	}
	return false;
}

bool
sp_char_ci(struct strparse *sp, char c)
{
	if (sp->p < sp->end &&
	    ascii_lower((unsigned char)*sp->p) == ascii_lower((unsigned char)c)) {
		sp->p++;
		return true;
	}
	return false;
}

bool
sp_literal_ci(struct strparse *sp, const char *lit)
{
	size_t n = strlen(lit), i;

	if (sp_left(sp) < n)
		return false;
	for (i = 0; i < n; i++) {
		if (ascii_lower((unsigned char)sp->p[i]) !=
		    ascii_lower((unsigned char)lit[i]))
			return false;
	}
	sp->p += n;
	return true;
}

size_t
sp_until(struct strparse *sp, const char *stops, struct sp_slice *out)
{
	const char *start = sp->p, *hit;
	unsigned char set[256 / 8];
	const unsigned char *s;

	if (sp->p == sp->end) {
		/* nothing left (p may be NULL: no memchr on it) */
	} else if (stops[0] != '\0' && stops[1] == '\0') {
		/* one stop byte (a line end, a '='): memchr's speed */
		hit = memchr(sp->p, stops[0], (size_t)(sp->end - sp->p));
		sp->p = hit != NULL ? hit : sp->end;
	} else {
		/* a bit per byte value; NUL is never a stop */
		memset(set, 0, sizeof(set));
		for (s = (const unsigned char *)stops; *s != '\0'; s++)
			set[*s >> 3] |= (unsigned char)(1u << (*s & 7));
		while (sp->p < sp->end &&
		       (set[(unsigned char)*sp->p >> 3] &
			(1u << ((unsigned char)*sp->p & 7))) == 0)
			sp->p++;
	}
	if (out != NULL) {
		out->p = start;
		out->len = (size_t)(sp->p - start);
	}
	return (size_t)(sp->p - start);
}

void
sp_skip_wsp(struct strparse *sp)
{
	while (sp->p < sp->end && (*sp->p == ' ' || *sp->p == '\t'))
		sp->p++;
}

bool
sp_skip_fws(struct strparse *sp)
{
	for (;;) {
		const char *q = sp->p;

		sp_skip_wsp(sp);
		q = sp->p;
		if (q < sp->end && *q == '\r')
			q++;
		if (q < sp->end && *q == '\n') {
			q++;
			if (q < sp->end && (*q == ' ' || *q == '\t')) {
				sp->p = q;
				continue;
			}
			return false;
		}
		return true;
	}
}

bool
sp_uint(struct strparse *sp, unsigned max_digits, uint64_t max,
	uint64_t *value_r)
{
	const char *start = sp->p;
	uint64_t v = 0;
	unsigned n = 0;

	while (sp->p < sp->end && sp_is_digit((unsigned char)*sp->p)) {
		uint64_t d = (uint64_t)(*sp->p - '0');

		/* v * 10 + d > max, asked without overflowing (a max near
		 * UINT64_MAX let 18446744073709551616 wrap to 0) */
		if (++n > max_digits || d > max || v > (max - d) / 10)
			goto fail;
		v = v * 10 + d;
		sp->p++;
	}
	if (n == 0)
		goto fail;
	*value_r = v;
	return true;
fail:
	sp->p = start;
	return false;
}

bool
sp_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool
sp_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

bool
sp_is_alnum(unsigned char c)
{
	return sp_is_alpha(c) || sp_is_digit(c);
}

bool
sp_is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

bool
sp_is_hexdig(unsigned char c)
{
	return sp_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool
sp_slice_eq_ci(struct sp_slice s, const char *lit)
{
	return strlen(lit) == s.len && strncasecmp(s.p, lit, s.len) == 0;
}

static bool
is_trim_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct sp_slice
sp_slice_trim(struct sp_slice s)
{
	while (s.len > 0 && is_trim_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && is_trim_space(s.p[s.len - 1]))
		s.len--;
	return s;
}
