/*
 * taglist.c - RFC 6376 section 3.2 tag=value lists (see taglist.h).
 *
 * The byte classes come from one const table, so that the scans over
 * names and values (a DKIM-Signature's b= runs to hundreds of bytes)
 * test each byte with one load and a mask.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/taglist.h"

enum taglist_class {
	TL_NAME = 0x01,	 /* ALNUMPUNC: ALPHA / DIGIT / "_" */
	TL_ALPHA = 0x02, /* ALPHA: the first byte of a tag-name */
	TL_VAL = 0x04,	 /* VALCHAR: %x21-3A / %x3C-7E */
	TL_VAL8 = 0x08,	 /* VALCHAR or a byte >= 0x80 (TAGLIST_ALLOW_8BIT) */
	TL_FWS = 0x10,	 /* SP, HTAB, CR, LF: where FWS may begin */
};

/* Byte -> its enum taglist_class bits (tests/check_taglist.c checks all
 * 256 bytes against the RFC 6376 3.2 definitions). */
static const unsigned char taglist_class[256] = {
	/* 00 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 08 */ 0x00, 0x10, 0x10, 0x00, 0x00, 0x10, 0x00, 0x00,
	/* 10 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 18 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 20 */ 0x10, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c,
	/* 28 */ 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c,
	/* 30 */ 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d,
	/* 38 */ 0x0d, 0x0d, 0x0c, 0x00, 0x0c, 0x0c, 0x0c, 0x0c,
	/* 40 */ 0x0c, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
	/* 48 */ 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
	/* 50 */ 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
	/* 58 */ 0x0f, 0x0f, 0x0f, 0x0c, 0x0c, 0x0c, 0x0c, 0x0d,
	/* 60 */ 0x0c, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
	/* 68 */ 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
	/* 70 */ 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
	/* 78 */ 0x0f, 0x0f, 0x0f, 0x0c, 0x0c, 0x0c, 0x0c, 0x00,
	/* 80 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* 88 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* 90 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* 98 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* a0 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* a8 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* b0 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* b8 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* c0 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* c8 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* d0 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* d8 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* e0 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* e8 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* f0 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	/* f8 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
};

static inline bool
taglist_is(unsigned char c, unsigned int cls)
{
	return (taglist_class[c] & cls) != 0;
}

/* sp_skip_fws(), called only where FWS begins: most tags have none. */
static inline bool
taglist_skip_fws(struct strparse *sp)
{
	if (sp_eof(sp) || !taglist_is((unsigned char)*sp->p, TL_FWS))
		return true;
	return sp_skip_fws(sp);
}

/* Whether none of the 8 bytes in `w` ends a run of VALCHAR (%x21-3A /
 * %x3C-7E).  A byte gets its top bit set in w - 0x21.. if below 0x21, in
 * w + 0x01.. if 0x7f, in w itself if 0x80 or above, in the zero-byte
 * test of w ^ ';'.. if ';'; a borrow or carry only starts at a byte that
 * already failed, so "some top bit set" is exact ("Bit Twiddling Hacks":
 * hasless, hasmore, haszero). */
static inline bool
taglist_word_valchar(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, highs = ones * 0x80;
	uint64_t semi = w ^ (ones * ';');

	return (((w - ones * 0x21) | (w + ones) | w |
		 ((semi - ones) & ~semi)) & highs) == 0;
}

/* The end of the run of bytes of class `cls` starting at p (VALCHAR:
 * 8 bytes a step while the window lasts). */
static inline const char *
taglist_span_value(const char *p, const char *end, unsigned int cls)
{
	uint64_t w;

	if (cls == TL_VAL) {
		while (end - p >= 8) {
			memcpy(&w, p, sizeof(w));
			if (!taglist_word_valchar(w))
				break;
			p += 8;
		}
	}
	while (p < end && taglist_is((unsigned char)*p, cls))
		p++;
	return p;
}

/* tag-value: tvals separated by FWS; stops at ';' or the end.  The slice
 * ends at the last tval byte, so trailing FWS is not part of it. */
static int
taglist_value(struct strparse *sp, unsigned int flags, struct sp_slice *value,
	      const char **error_r)
{
	unsigned int cls = (flags & TAGLIST_ALLOW_8BIT) != 0 ? TL_VAL8 : TL_VAL;
	const char *start = sp->p, *last = sp->p, *p;

	for (;;) {
		p = taglist_span_value(sp->p, sp->end, cls);
		if (p != sp->p)
			last = p;
		sp->p = p;
		if (p == sp->end || *p == ';')
			break;
		if (!taglist_is((unsigned char)*p, TL_FWS)) {
			*error_r = "invalid character in tag value";
			return -1;
		}
		if (!sp_skip_fws(sp)) {
			*error_r = "line break without folding white space";
			return -1;
		}
		if (sp_eof(sp) || *sp->p == ';')
			break;
		/* a CR without LF stops sp_skip_fws() without an error */
		if (!taglist_is((unsigned char)*sp->p, cls)) {
			*error_r = "invalid character in tag value";
			return -1;
		}
	}
	value->p = start;
	value->len = (size_t)(last - start);
	return 0;
}

static int
taglist_spec(struct strparse *sp, unsigned int flags, struct taglist_tag *tag,
	     const char **error_r)
{
	const char *p = sp->p;

	if (p == sp->end || !taglist_is((unsigned char)*p, TL_ALPHA)) {
		*error_r = "tag name must start with a letter";
		return -1;
	}
	for (p++; p < sp->end && taglist_is((unsigned char)*p, TL_NAME);)
		p++;
	tag->name.p = sp->p;
	tag->name.len = (size_t)(p - sp->p);
	sp->p = p;
	if (!taglist_skip_fws(sp)) {
		*error_r = "line break without folding white space";
		return -1;
	}
	if (sp_eof(sp) || *sp->p != '=') {
		*error_r = "tag without '='";
		return -1;
	}
	sp->p++;
	if (!taglist_skip_fws(sp)) {
		*error_r = "line break without folding white space";
		return -1;
	}
	return taglist_value(sp, flags, &tag->value, error_r);
}

/* A bit for the first letter of a tag name, in a uint64_t of the names
 * seen: 'A'..'Z' -> 0..25, 'a'..'z' -> 32..57; with TAGLIST_NAMES_CI
 * both cases share 1..26.  A name whose bit is clear is no duplicate. */
static uint64_t
taglist_first_bit(struct sp_slice name, unsigned int flags)
{
	unsigned int c = (unsigned char)name.p[0];

	c = (flags & TAGLIST_NAMES_CI) != 0 ? c & 0x1f : (c - 'A') & 63;
	return (uint64_t)1 << c;
}

static bool
taglist_has(const struct taglist *list, struct sp_slice name,
	    unsigned int flags)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		if (list->tags[i].name.len != name.len)
			continue;
		if ((flags & TAGLIST_NAMES_CI) != 0 ?
		    strncasecmp(list->tags[i].name.p, name.p, name.len) == 0 :
		    (name.len == 0 || list->tags[i].name.p[0] == name.p[0]) &&
		    memcmp(list->tags[i].name.p, name.p, name.len) == 0)
			return true;
	}
	return false;
}

int
taglist_parse(const char *data, size_t len, unsigned int flags,
	      struct taglist *list, const char **error_r, size_t *error_pos_r)
{
	struct strparse sp;
	struct taglist_tag tag;
	uint64_t seen = 0, bit;

	sp_init(&sp, data, len);
	list->count = 0;
	for (;;) {
		if (!taglist_skip_fws(&sp)) {
			*error_r = "line break without folding white space";
			goto fail;
		}
		if (sp_eof(&sp))
			break; /* empty list, or a trailing ';' */
		if (taglist_spec(&sp, flags, &tag, error_r) < 0)
			goto fail;
		bit = taglist_first_bit(tag.name, flags);
		if ((seen & bit) != 0 && taglist_has(list, tag.name, flags)) {
			*error_r = "duplicate tag";
			sp.p = tag.name.p;
			goto fail;
		}
		if (list->count == TAGLIST_MAX_TAGS) {
			*error_r = "too many tags";
			goto fail;
		}
		list->tags[list->count++] = tag;
		seen |= bit;
		if (sp_eof(&sp))
			break;
		if (*sp.p != ';') {
			*error_r = "expected ';'";
			goto fail;
		}
		sp.p++;
	}
	return 0;
fail:
	if (error_pos_r != NULL)
		*error_pos_r = (size_t)(sp.p - data);
	return -1;
}

const struct taglist_tag *
taglist_get(const struct taglist *list, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < list->count; i++) {
		const struct sp_slice *t = &list->tags[i].name;

		/* names are 1 or 2 letters mostly: the first byte decides
		   without a call */
		if (t->len == n && (n == 0 || t->p[0] == name[0]) &&
		    memcmp(t->p, name, n) == 0)
			return &list->tags[i];
	}
	return NULL;
}

/* Whether the slice is the NUL-terminated `name`: a tag name holds no
 * NUL, so the compare stops at the end of `name`. */
static bool
taglist_name_is(struct sp_slice s, const char *name)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		if (s.p[i] != name[i])
			return false;
	}
	return name[s.len] == '\0';
}

void
taglist_lookup(const struct taglist *list, const char *const *names,
	       size_t n, const struct taglist_tag **slots_r)
{
	size_t i, j;

	for (j = 0; j < n; j++)
		slots_r[j] = NULL;
	for (i = 0; i < list->count; i++) {
		const struct sp_slice *t = &list->tags[i].name;

		for (j = 0; j < n; j++) {
			if (names[j][0] == t->p[0] &&
			    taglist_name_is(*t, names[j])) {
				slots_r[j] = &list->tags[i];
				break;
			}
		}
	}
}
