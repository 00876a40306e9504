/*
 * fuzz_dkim_sig.c - libFuzzer target: DKIM-Signature parsing (RFC 6376
 * 3.5) on arbitrary field text.  Checks that a parsed signature is
 * self-consistent and that the b=-less text is no longer than the input.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "dkim/dkim-sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *arena = arena_new(0);
	struct dkim_sig *sig = arena_alloc(arena, sizeof(*sig));
	const char *reason = NULL;

	if (dkim_sig_parse((const char *)data, size, arena, sig,
			   &reason) == 0) {
		if (sig->raw_unsigned_len > size || sig->b_len == 0 ||
		    sig->b_len > sizeof(sig->b) || sig->nheaders == 0 ||
		    sig->domain == NULL || sig->selector == NULL ||
		    strlen(sig->b_prefix) > 8)
			abort();
	} else if (reason == NULL) {
		abort();
	}
	arena_free(&arena);
	return 0;
}
