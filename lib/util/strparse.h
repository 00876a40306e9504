/*
 * strparse.h - the one cursor-based parsing kit every parser in lib/ uses
 * (tag-lists, SPF records, config files, header fields ...), so that no
 * parser writes its own bounds-checking loops.
 *
 * A struct strparse is a window [p, end) over bytes owned by the caller;
 * nothing here allocates or copies.  Every function checks the end of the
 * window; none reads past it, and the input need not be NUL-terminated.
 * A struct sp_slice is a (pointer, length) view into the same bytes.
 */
#ifndef MA_STRPARSE_H
#define MA_STRPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strparse {
	const char *p;	 /* next unread byte */
	const char *end; /* one past the last byte */
};

struct sp_slice {
	const char *p;
	size_t len;
};

/* A predicate over one byte (0..255). */
typedef bool sp_class_fn(unsigned char c);

/* A cursor over data[0..len); data may be NULL when len is 0. */
void sp_init(struct strparse *sp, const void *data, size_t len);
void sp_init_str(struct strparse *sp, const char *s);

static inline bool
sp_eof(const struct strparse *sp)
{
	return sp->p >= sp->end;
}

static inline size_t
sp_left(const struct strparse *sp)
{
	return sp->p >= sp->end ? 0 : (size_t)(sp->end - sp->p);
}

/* The next byte as 0..255, or -1 at the end. */
static inline int
sp_peek(const struct strparse *sp)
{
	return sp->p < sp->end ? (unsigned char)*sp->p : -1;
}

/* Consume one byte if it is `c` (exactly / ASCII case-insensitively). */
bool sp_char(struct strparse *sp, char c);
bool sp_char_ci(struct strparse *sp, char c);
/* Consume `lit` if the input starts with it, ASCII case-insensitively. */
bool sp_literal_ci(struct strparse *sp, const char *lit);
/* Consume the longest run (at most `max` bytes, 0 = no limit) of bytes
 * for which `cls` holds; store it in *out (may be NULL).  Returns its
 * length. */
/* Inline, so that a caller naming its class function gets a loop that
 * tests the bytes directly instead of calling through a pointer per byte
 * (tag-list values run to hundreds of bytes). */
static inline size_t
sp_span(struct strparse *sp, sp_class_fn *cls, size_t max,
	struct sp_slice *out)
{
	const char *start = sp->p, *p = sp->p, *lim = sp->end;

	/* the limit once, not per byte */
	if (max != 0 && max < (size_t)(sp->end - sp->p))
		lim = sp->p + max;
	while (p < lim && cls((unsigned char)*p))
		p++;
	sp->p = p;
	if (out != NULL) {
		out->p = start;
		out->len = (size_t)(p - start);
	}
	return (size_t)(p - start);
}
/* Consume bytes up to (not including) the first byte in `stops`, or to
 * the end. */
size_t sp_until(struct strparse *sp, const char *stops, struct sp_slice *out);
/* Skip SP and HTAB. */
void sp_skip_wsp(struct strparse *sp);
/* Skip folding white space: WSP, and CRLF or bare LF when followed by WSP
 * (RFC 5322 3.2.2; bare LF accepted because mail on disk is often LF-only).
 * Returns false if a line break not followed by WSP was found (the cursor
 * then stops before the break). */
bool sp_skip_fws(struct strparse *sp);
/* An unsigned decimal of 1..max_digits digits whose value is <= max. */
bool sp_uint(struct strparse *sp, unsigned max_digits, uint64_t max,
	     uint64_t *value_r);

/* Byte classes (RFC 5234 core rules). */
bool sp_is_alpha(unsigned char c);
bool sp_is_digit(unsigned char c);
bool sp_is_alnum(unsigned char c);
bool sp_is_wsp(unsigned char c);
bool sp_is_hexdig(unsigned char c);

/* Slice helpers. */
bool sp_slice_eq_ci(struct sp_slice s, const char *lit);
/* Slice with leading and trailing SP/HTAB/CR/LF removed. */
struct sp_slice sp_slice_trim(struct sp_slice s);

#endif
