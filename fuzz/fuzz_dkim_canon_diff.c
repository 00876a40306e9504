/*
 * fuzz_dkim_canon_diff.c - libFuzzer target, differential: the body
 * canonicalizer's fast paths (the byte-loop scan, SSE2, AVX2 where the CPU
 * has it; enum dkim_canon_path) against its reference path (every line by
 * the general rules of RFC 6376 3.4.3 / 3.4.4, no scan), simple and
 * relaxed, on arbitrary input cut into arbitrary pieces (issue 20: the
 * vectorised scan must not change a single output byte).
 *
 * Input: byte 0 picks the l= limit (0: none, else a few hundred bytes),
 * bytes 1-4 seed the piece sizes (1 to 4096 bytes each, a new size for
 * every piece); the rest is the body.  The reference path gets the body
 * whole; every other path gets it in the pieces.  Any difference in
 * output or in the canonical length aborts.
 */
#include "config.h"

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

/* Canonicalize with `path`; piece sizes from `seed` (0: all at once).
 * Returns false if this CPU lacks the path. */
static bool
canon(enum dkim_canon c, enum dkim_canon_path path, uint64_t limit,
      const uint8_t *data, size_t size, uint32_t seed, struct buf *out,
      uint64_t *length_r)
{
	struct dkim_body_canon *bc = malloc(sizeof(*bc));
	size_t off, n;

	if (bc == NULL)
		abort();
	buf_reset(out);
	dkim_body_canon_init(bc, c, limit, sink, out);
	if (!dkim_body_canon_set_path(bc, path)) {
		free(bc);
		return false;
	}
	for (off = 0; off < size; off += n) {
		n = size - off;
		if (seed != 0) {
			seed = seed * 1103515245u + 12345u; /* any split */
			if (n > 1 + (seed >> 8) % 4096)
				n = 1 + (seed >> 8) % 4096;
		}
		dkim_body_canon_update(bc, data + off, n);
	}
	dkim_body_canon_final(bc);
	*length_r = bc->length;
	free(bc);
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf want = BUF_INIT, got = BUF_INIT;
	uint64_t limit, want_len, got_len;
	uint32_t seed;
	int c, path;

	if (size < 5)
		return 0;
	limit = data[0] == 0 ? DKIM_CANON_NO_LIMIT : (uint64_t)data[0] * 3;
	seed = (uint32_t)data[1] | (uint32_t)data[2] << 8 |
	       (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24 | 1u;
	data += 5;
	size -= 5;
	for (c = 0; c < 2; c++) {
		(void)canon((enum dkim_canon)c, DKIM_CANON_PATH_REFERENCE, limit,
			    data, size, 0, &want, &want_len);
		for (path = 0; path < DKIM_CANON_PATH_COUNT; path++) {
			if (!canon((enum dkim_canon)c, (enum dkim_canon_path)path,
				   limit, data, size, seed, &got, &got_len))
				continue;
			if (got_len != want_len || got.len != want.len ||
			    (got.len > 0 &&
			     memcmp(got.data, want.data, got.len) != 0))
				abort();
		}
	}
	buf_free(&want);
	buf_free(&got);
	return 0;
}
