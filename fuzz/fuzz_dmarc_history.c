/*
 * fuzz_dmarc_history.c - libFuzzer target: the DMARC history record
 * parser (dmarc-history.h).  A record that parses must format back to
 * one clean line (printable ASCII, one final LF) that parses to the same
 * record text again (the writer's escaping round-trips).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct dmarc_history *h, *h2;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	const char *err;
	size_t i;

	if (dmarc_history_parse((const char *)data, size, a, &h, &err) == 0) {
		if (h->ndkim > DMARC_HISTORY_MAX_DKIM || h->id == NULL ||
		    h->header_from == NULL || h->policy_domain == NULL)
			abort();
		dmarc_history_format(h, &b1);
		for (i = 0; i + 1 < b1.len; i++) {
			if ((unsigned char)b1.data[i] < 0x20 ||
			    (unsigned char)b1.data[i] >= 0x7f)
				abort();
		}
		if (b1.len == 0 || b1.data[b1.len - 1] != '\n' ||
		    dmarc_history_parse(b1.data, b1.len, a, &h2, &err) != 0)
			abort();
		dmarc_history_format(h2, &b2);
		if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
			abort();
	}
	buf_free(&b1);
	buf_free(&b2);
	arena_free(&a);
	return 0;
}
