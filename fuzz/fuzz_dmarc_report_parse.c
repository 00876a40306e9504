/*
 * fuzz_dmarc_report_parse.c - libFuzzer target: the aggregate report
 * XML reader (dmarc-report-parse.h).  A report it accepts has the
 * fields it promises (report_id, org_name, policy domain), and its
 * dmarc-received(5) text reads back to the same text.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-received.h"
#include "dmarc/dmarc-report-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct dmarc_received *r, *back;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	const char *err;

	if (dmarc_report_parse((const char *)data, size, a, 1000, 1, &r,
			       &err) == 0) {
		if (r->report_id == NULL || r->org_name == NULL ||
		    r->policy_domain == NULL || r->nrows > 1000)
			abort();
		dmarc_received_format(r, &b1);
		if (dmarc_received_parse(b1.data, b1.len, a, &back, &err) != 0)
			abort();
		dmarc_received_format(back, &b2);
		if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
			abort();
	} else if (err == NULL)
		abort();
	buf_free(&b1);
	buf_free(&b2);
	arena_free(&a);
	return 0;
}
