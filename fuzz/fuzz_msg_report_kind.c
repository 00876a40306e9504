/*
 * fuzz_msg_report_kind.c - libFuzzer target: the report classifier
 * (msg/msg-report-kind.h) over header fields split from the input at
 * NUL bytes, each "name:value" (a field without ':' is all name).
 * Checks that the verdict is one of the enum's values.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg/msg-report-kind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nul, *colon;
	struct msg_report_classifier k;
	enum msg_report_kind kind;
	size_t len;

	msg_report_kind_init(&k);
	while (p < end) {
		nul = memchr(p, '\0', (size_t)(end - p));
		len = nul != NULL ? (size_t)(nul - p) : (size_t)(end - p);
		colon = memchr(p, ':', len);
		if (colon != NULL)
			msg_report_kind_field(&k, p, (size_t)(colon - p),
					      colon + 1,
					      len - (size_t)(colon - p) - 1);
		else
			msg_report_kind_field(&k, p, len, p + len, 0);
		p += len + 1;
	}
	kind = msg_report_kind_result(&k);
	if (kind != MSG_REPORT_NONE && kind != MSG_REPORT_AGGREGATE &&
	    kind != MSG_REPORT_FAILURE && kind != MSG_REPORT_OTHER)
		abort();
	(void)msg_report_kind_str(kind);
	return 0;
}
