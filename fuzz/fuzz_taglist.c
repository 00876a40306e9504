/*
 * fuzz_taglist.c - libFuzzer target: RFC 6376 3.2 tag-list parser, with
 * and without 8-bit values.  Checks that every returned slice lies inside
 * the input.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "util/taglist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *err;
	struct taglist l;
	size_t i, pos;
	unsigned int flags;

	for (flags = 0; flags <= (TAGLIST_ALLOW_8BIT | TAGLIST_NAMES_CI);
	     flags++) {
		if (taglist_parse(in, size, flags, &l, &err, &pos) < 0) {
			if (pos > size)
				abort();
			continue;
		}
		for (i = 0; i < l.count; i++) {
			const struct taglist_tag *t = &l.tags[i];

			if (t->name.p < in || t->name.p + t->name.len > in + size ||
			    t->value.p < in || t->value.p + t->value.len > in + size)
				abort();
		}
	}
	return 0;
}
