/*
 * fuzz_unpack.c - libFuzzer target: streaming decompression
 * (util/unpack.h) of gzip, zip and plain input, fed in pieces.  Output
 * never goes past the size cap by more than one piece, entries open and
 * close in pairs, and the unpacker finishes with success or a reason.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "util/unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	uint64_t out;
	int open;
};

static int
entry(void *ctx, enum unpack_event ev, const char *name, const void *data,
      size_t len)
{
	struct seen *s = ctx;

	(void)name;
	(void)data;
	if (ev == UNPACK_ENTRY_BEGIN && s->open++ != 0)
		abort();
	if (ev == UNPACK_ENTRY_END && --s->open != 0)
		abort();
	if (ev == UNPACK_DATA && (s->open != 1 || len > UNPACK_PIECE))
		abort();
	s->out += len;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unpack_limits l = { 1 << 20, 100 };
	struct seen s = { 0, 0 };
	struct unpack *u = unpack_new(&l, entry, &s);
	const char *err = NULL;
	size_t off = 0, n, piece = size > 0 ? (size_t)data[0] * 7 + 1 : 1;
	int ret = 0;

	while (ret == 0 && off < size) {
		n = size - off < piece ? size - off : piece;
		ret = unpack_feed(u, data + off, n, &err);
		off += n;
	}
	if (ret == 0)
		ret = unpack_finish(u, &err);
	if ((ret < 0 && err == NULL) || (ret == 0 && s.open != 0) ||
	    s.out > l.max_output + UNPACK_PIECE ||
	    unpack_output(u) > l.max_output + UNPACK_PIECE)
		abort();
	unpack_free(&u);
	return 0;
}
