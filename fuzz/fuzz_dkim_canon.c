/*
 * fuzz_dkim_canon.c - libFuzzer target: simple and relaxed body and
 * header canonicalization (RFC 6376 3.4).  The first byte chooses a
 * piece size; the output fed in pieces must equal the output fed whole,
 * and the l= cut must be a prefix of it.  The portable scan must give
 * the output of the path this CPU gets (fuzz_dkim_canon_diff.c compares
 * every path with the reference, in arbitrary pieces).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "dkim/dkim-canon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
sink(void *ctx, const void *data, size_t len)
{
	buf_append(ctx, data, len);
}

static void
canon(enum dkim_canon c, uint64_t limit, const uint8_t *data, size_t size,
      size_t step, bool portable, struct buf *out)
{
	struct dkim_body_canon *bc = malloc(sizeof(*bc));
	size_t off, n;

	dkim_body_canon_init(bc, c, limit, sink, out);
	if (portable)
		(void)dkim_body_canon_set_path(bc, DKIM_CANON_PATH_PORTABLE);
	for (off = 0; off < size; off += n) {
		n = size - off < step ? size - off : step;
		dkim_body_canon_update(bc, data + off, n);
	}
	dkim_body_canon_final(bc);
	if (bc->length < out->len)
		abort();
	free(bc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole = BUF_INIT, split = BUF_INIT, cut = BUF_INIT;
	struct buf portable = BUF_INIT;
	size_t step;
	int c;

	if (size == 0)
		return 0;
	step = 1 + data[0] % 64;
	data++;
	size--;
	for (c = 0; c < 2; c++) {
		buf_reset(&whole);
		buf_reset(&split);
		buf_reset(&cut);
		buf_reset(&portable);
		canon((enum dkim_canon)c, DKIM_CANON_NO_LIMIT, data, size, size + 1,
		      false, &whole);
		canon((enum dkim_canon)c, DKIM_CANON_NO_LIMIT, data, size, step,
		      false, &split);
		canon((enum dkim_canon)c, step, data, size, step, false, &cut);
		canon((enum dkim_canon)c, DKIM_CANON_NO_LIMIT, data, size, step,
		      true, &portable);
		if (whole.len != portable.len ||
		    (whole.len > 0 &&
		     memcmp(whole.data, portable.data, whole.len) != 0))
			abort();
		if (whole.len != split.len ||
		    (whole.len > 0 && memcmp(whole.data, split.data, whole.len) != 0))
			abort();
		if (cut.len > step || cut.len > whole.len ||
		    (cut.len > 0 && memcmp(cut.data, whole.data, cut.len) != 0))
			abort();
		buf_reset(&whole);
		dkim_canon_header((enum dkim_canon)c, (const char *)data, size,
				  true, &whole);
	}
	buf_free(&whole);
	buf_free(&split);
	buf_free(&cut);
	buf_free(&portable);
	return 0;
}
