/*
 * fuzz_dmarc_record.c - libFuzzer target: RFC 9989 DMARC record parser
 * (strict and tag-by-tag paths) and the effective-policy rules.  Checks
 * that every enum it returns is in range.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "util/arena.h"
#include "dmarc/dmarc-record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct dmarc_record rec;
	const char *err;
	enum dmarc_policy p;

	if (dmarc_record_parse((const char *)data, size, a, &rec, &err) == 0) {
		if (rec.p > DMARC_POLICY_INVALID ||
		    rec.sp > DMARC_POLICY_INVALID ||
		    rec.np > DMARC_POLICY_INVALID || rec.psd > DMARC_PSD_N ||
		    rec.pct > 100 || rec.pct < DMARC_PCT_ABSENT)
			abort();
		p = dmarc_record_effective_policy(&rec, size % 2 == 0,
						  size % 3 == 0);
		if (p == DMARC_POLICY_INVALID)
			abort();
		(void)dmarc_policy_str(p);
	} else if (dmarc_record_is_dmarc((const char *)data, size)) {
		abort(); /* a v=DMARC1 record always parses */
	}
	arena_free(&a);
	return 0;
}
