/*
 * fuzz_dmarc_failure.c - libFuzzer target: a DMARC failure report (RFC
 * 9991) made from a history record the input holds (dmarc-history.h
 * parser, dmarc-failure.h fo/due/feedback fields, and dmarc-reports'
 * reports-failure-mail.h message).  Issue 18 item 5: "every field that
 * reaches ... a header is escaped or refused".  Checks, for a record that
 * parses, for every report kind:
 *  - the feedback-report fields: CRLF line ends only, printable ASCII
 *    and TAB, every line a "Name: value" field or a TAB continuation;
 *  - the whole message: printable ASCII, TAB and LF only, no line over
 *    RFC 5322 2.1.1's 998 octets, and the MIME boundary on exactly the
 *    four lines the structure has (three delimiters and the close), so
 *    nothing of the record can add or end a part.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-failure.h"
#include "dmarc/dmarc-history.h"
#include "reports-failure-mail.h"
#include "reports-rua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_LINE 998

static void
check_feedback(const struct buf *b)
{
	size_t i, start = 0;

	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if (c == '\r') {
			if (i + 1 >= b->len || b->data[i + 1] != '\n')
				abort();
			/* a line: "Name:" or a continuation */
			if (b->data[start] != '\t' &&
			    memchr(b->data + start, ':', i - start) == NULL)
				abort();
			start = i + 2;
			i++;
			continue;
		}
		if (c == '\n' || (c < 0x20 && c != '\t') || c > 0x7e)
			abort();
	}
	if (start != b->len)
		abort();
}

static void
check_message(const struct buf *b, const char *boundary)
{
	size_t i, start = 0, blen = strlen(boundary);
	unsigned int bounds = 0;

	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if (c == '\n') {
			if (i - start > FUZZ_MAX_LINE)
				abort();
			if (i - start >= 2 + blen && b->data[start] == '-' &&
			    b->data[start + 1] == '-' &&
			    memcmp(b->data + start + 2, boundary, blen) == 0)
				bounds++;
			start = i + 1;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c > 0x7e)
			abort();
	}
	if (start != b->len || bounds != 4)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dmarc_failure_kind kinds[] = {
		DMARC_FAILURE_DMARC, DMARC_FAILURE_DKIM, DMARC_FAILURE_SPF,
	};
	struct arena *a = arena_new(0);
	struct dmarc_history *h;
	struct reports_rua to = {"ruf@example.com", "example.com"};
	struct reports_failure_mail m = {
		.from = "noreply@mx.example.org",
		.receiver = "mx.example.org",
		.report_id = "f1",
		.date = 1764547200,
		.to = &to,
		.nto = 1,
		.spf_dns = "txt : example.com : \"v=spf1 -all\"",
	};
	struct buf fb = BUF_INIT, msg = BUF_INIT;
	const char *err;
	unsigned int fo;

	if (dmarc_history_parse((const char *)data, size, a, &h, &err) == 0) {
		(void)dmarc_fo_parse(h->fo, &fo, &err);
		(void)dmarc_failure_due(h, fo);
		m.h = h;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			fb.len = 0;
			msg.len = 0;
			dmarc_failure_feedback(h, kinds[k], "ua/1",
					       "mx.example.org", h->mail_from,
					       &fb);
			check_feedback(&fb);
			m.kind = kinds[k];
			reports_failure_mail_build(&m, &msg);
			check_message(&msg, "=_failure_f1");
		}
	}
	buf_free(&fb);
	buf_free(&msg);
	arena_free(&a);
	return 0;
}
