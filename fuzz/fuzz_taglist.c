/*
 * fuzz_taglist.c - libFuzzer target: RFC 6376 3.2 tag-list parser, with
 * and without 8-bit values.  Checks that every returned slice lies inside
 * the input, that each name and value holds only the bytes the grammar
 * allows there (the classes written out below, independently of the
 * parser's table and its 8-bytes-a-step scan), that on ASCII input a
 * list is accepted, the same, with TAGLIST_ALLOW_8BIT exactly when it is
 * without (the 8-bit scan goes byte by byte: a differential check of the
 * word-at-a-time one), and that taglist_lookup() finds what
 * taglist_get() finds.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/taglist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
valchar(unsigned char c, unsigned int flags)
{
	return (c >= 0x21 && c <= 0x7e && c != ';') ||
	       (c >= 0x80 && (flags & TAGLIST_ALLOW_8BIT) != 0);
}

static bool
tag_ok(const struct taglist_tag *t, unsigned int flags)
{
	size_t i;

	for (i = 0; i < t->name.len; i++) {
		unsigned char c = (unsigned char)t->name.p[i];
		bool alpha = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';

		if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '_')))
			return false;
	}
	for (i = 0; i < t->value.len; i++) {
		unsigned char c = (unsigned char)t->value.p[i];
		bool edge = i == 0 || i + 1 == t->value.len;

		if (!valchar(c, flags) &&
		    (edge || (c != ' ' && c != '\t' && c != '\r' && c != '\n')))
			return false;
	}
	return t->name.len > 0;
}

static void
check_lookup(const struct taglist *l)
{
	const char *names[TAGLIST_MAX_TAGS];
	char buf[TAGLIST_MAX_TAGS][8];
	const struct taglist_tag *slots[TAGLIST_MAX_TAGS];
	size_t i, n = 0;

	for (i = 0; i < l->count && n < TAGLIST_MAX_TAGS; i++) {
		if (l->tags[i].name.len >= sizeof(buf[0]))
			continue;
		memcpy(buf[n], l->tags[i].name.p, l->tags[i].name.len);
		buf[n][l->tags[i].name.len] = '\0';
		names[n] = buf[n];
		n++;
	}
	taglist_lookup(l, names, n, slots);
	for (i = 0; i < n; i++) {
		if (slots[i] != taglist_get(l, names[i]) || slots[i] == NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *err;
	struct taglist l, l8;
	size_t i, pos;
	unsigned int flags;
	bool ascii = true;

	for (i = 0; i < size; i++)
		ascii = ascii && data[i] < 0x80;

	for (flags = 0; flags <= (TAGLIST_ALLOW_8BIT | TAGLIST_NAMES_CI);
	     flags++) {
		if (taglist_parse(in, size, flags, &l, &err, &pos) < 0) {
			if (pos > size ||
			    (ascii && (flags & TAGLIST_ALLOW_8BIT) == 0 &&
			     taglist_parse(in, size, flags | TAGLIST_ALLOW_8BIT,
					   &l8, &err, &pos) == 0))
				abort();
			continue;
		}
		for (i = 0; i < l.count; i++) {
			const struct taglist_tag *t = &l.tags[i];

			if (t->name.p < in || t->name.p + t->name.len > in + size ||
			    t->value.p < in || t->value.p + t->value.len > in + size ||
			    !tag_ok(t, flags))
				abort();
		}
		if ((flags & TAGLIST_NAMES_CI) == 0)
			check_lookup(&l);
		if ((flags & TAGLIST_ALLOW_8BIT) != 0)
			continue;
		if (taglist_parse(in, size, flags | TAGLIST_ALLOW_8BIT, &l8,
				  &err, &pos) < 0 ||
		    l8.count != l.count ||
		    memcmp(l8.tags, l.tags, l.count * sizeof(l.tags[0])) != 0)
			abort();
	}
	return 0;
}
