/*
 * taglist.c - RFC 6376 section 3.2 tag=value lists (see taglist.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/taglist.h"

static bool
is_tag_name_char(unsigned char c)
{
	return sp_is_alnum(c) || c == '_';
}

static bool
is_valchar(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != ';';
}

static bool
is_valchar_8bit(unsigned char c)
{
	return is_valchar(c) || c >= 0x80;
}

/* tag-value: tvals separated by FWS; stops at ';' or the end.  The slice
 * ends at the last tval byte, so trailing FWS is not part of it. */
static int
taglist_value(struct strparse *sp, unsigned int flags, struct sp_slice *value,
	      const char **error_r)
{
	bool eight = (flags & TAGLIST_ALLOW_8BIT) != 0;
	sp_class_fn *cls = eight ? is_valchar_8bit : is_valchar;
	const char *start = sp->p, *last = sp->p;
	size_t n;

	for (;;) {
		/* each call names its class, so that the inline sp_span()
		   tests the bytes without a call per byte */
		n = eight ? sp_span(sp, is_valchar_8bit, 0, NULL) :
			    sp_span(sp, is_valchar, 0, NULL);
		if (n > 0)
			last = sp->p;
		if (!sp_skip_fws(sp)) {
			*error_r = "line break without folding white space";
			return -1;
		}
		if (sp_eof(sp) || sp_peek(sp) == ';')
			break;
		if (!cls((unsigned char)sp_peek(sp))) {
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
	if (!sp_is_alpha((unsigned char)sp_peek(sp))) {
		*error_r = "tag name must start with a letter";
		return -1;
	}
	sp_span(sp, is_tag_name_char, 0, &tag->name);
	if (!sp_skip_fws(sp)) {
		*error_r = "line break without folding white space";
		return -1;
	}
	if (!sp_char(sp, '=')) {
		*error_r = "tag without '='";
		return -1;
	}
	if (!sp_skip_fws(sp)) {
		*error_r = "line break without folding white space";
		return -1;
	}
	return taglist_value(sp, flags, &tag->value, error_r);
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

	sp_init(&sp, data, len);
	list->count = 0;
	for (;;) {
		if (!sp_skip_fws(&sp)) {
			*error_r = "line break without folding white space";
			goto fail;
		}
		if (sp_eof(&sp))
			break; /* empty list, or a trailing ';' */
		if (taglist_spec(&sp, flags, &tag, error_r) < 0)
			goto fail;
		if (taglist_has(list, tag.name, flags)) {
			*error_r = "duplicate tag";
			sp.p = tag.name.p;
			goto fail;
		}
		if (list->count == TAGLIST_MAX_TAGS) {
			*error_r = "too many tags";
			goto fail;
		}
		list->tags[list->count++] = tag;
		if (sp_eof(&sp))
			break;
		if (!sp_char(&sp, ';')) {
			*error_r = "expected ';'";
			goto fail;
		}
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
