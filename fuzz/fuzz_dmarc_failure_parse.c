/*
 * fuzz_dmarc_failure_parse.c - libFuzzer target: the ARF failure report
 * reader (dmarc-failure-parse.h).  The input is the feedback-report part
 * and, after the first NUL byte, the reported header.  A report read
 * must be of kind failure with a Reported-Domain, and its
 * dmarc-received(5) text must parse back.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-failure-parse.h"
#include "dmarc/dmarc-received.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data, *nul = memchr(d, '\0', size);
	size_t rlen = nul != NULL ? (size_t)(nul - d) : size;
	struct arena *a = arena_new(0);
	struct dmarc_received *r, *r2;
	struct buf text = BUF_INIT;
	const char *err;

	if (dmarc_failure_parse(d, rlen, nul != NULL ? nul + 1 : NULL,
				nul != NULL ? size - rlen - 1 : 0, 1, a, &r,
				&err) == 0) {
		if (r->kind != DMARC_RECEIVED_FAILURE ||
		    r->policy_domain == NULL || r->feedback_type == NULL)
			abort();
		r->org_name = "o";
		r->report_id = "i";
		dmarc_received_format(r, &text);
		if (dmarc_received_parse(text.data, text.len, a, &r2, &err) !=
		    0)
			abort();
	}
	buf_free(&text);
	arena_free(&a);
	return 0;
}
