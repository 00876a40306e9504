/*
 * fuzz_dmarc_received.c - libFuzzer target: the received report text
 * parser (dmarc-received.h).  A text that parses must format to clean
 * lines (printable ASCII, one LF each: the report's and one per row)
 * that parse to the same text again.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-received.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct dmarc_received *r, *r2;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	const char *err;
	size_t i, lines = 0;

	if (dmarc_received_parse((const char *)data, size, a, &r, &err) == 0) {
		dmarc_received_format(r, &b1);
		for (i = 0; i < b1.len; i++) {
			unsigned char c = (unsigned char)b1.data[i];

			if (c == '\n')
				lines++;
			else if (c < 0x20 || c >= 0x7f)
				abort();
		}
		if (lines != 1 + r->nrows || b1.data[b1.len - 1] != '\n' ||
		    dmarc_received_parse(b1.data, b1.len, a, &r2, &err) != 0)
			abort();
		dmarc_received_format(r2, &b2);
		if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
			abort();
	}
	buf_free(&b1);
	buf_free(&b2);
	arena_free(&a);
	return 0;
}
