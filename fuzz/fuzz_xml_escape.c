/*
 * fuzz_xml_escape.c - libFuzzer target: XML escaping (util/xml.h) and
 * the report writer's name checks (dmarc-report.h).  What xml_escape()
 * accepts must come out without a raw '<', '&', '>', quote or control
 * character; what it refuses must leave the buffer untouched.
 * xml_escape_lossy() takes anything and gives valid UTF-8 of XML Chars
 * with no raw markup character, no bidirectional formatting or C1
 * control (the summary page's text), at most 6 bytes per input byte.  A
 * name
 * dmarc_report_domain_valid() accepts holds only LDH, '_' and '.'.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/xml.h"
#include "dmarc/dmarc-report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_lossy(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;
	const unsigned char *p;
	const char *err;
	uint32_t cp;
	size_t i, n;

	xml_escape_lossy(&b, (const char *)data, size);
	if (b.len > 6 * size || xml_check((const unsigned char *)buf_cstr(&b),
					   b.len, &err) < 0)
		abort();
	p = (const unsigned char *)b.data;
	for (i = 0; i < b.len; i += n) {
		n = xml_utf8_char(p + i, b.len - i, &cp);
		if (n == 0 || cp == '<' || cp == '>' || cp == '"' ||
		    cp == '\'' || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c ||
		    cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			abort();
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;
	const char *err;
	char *s;
	size_t i;

	if (xml_escape(&b, (const char *)data, size, &err) == 0) {
		for (i = 0; i < b.len; i++) {
			unsigned char c = (unsigned char)b.data[i];

			if (c < 0x20 || c == '<' || c == '>' || c == '"' ||
			    c == '\'' || c == 0x7f)
				abort();
			if (c == '&' && strncmp(b.data + i, "&amp;", 5) != 0 &&
			    strncmp(b.data + i, "&lt;", 4) != 0 &&
			    strncmp(b.data + i, "&gt;", 4) != 0 &&
			    strncmp(b.data + i, "&quot;", 6) != 0 &&
			    strncmp(b.data + i, "&apos;", 6) != 0 &&
			    strncmp(b.data + i, "&#", 2) != 0)
				abort();
		}
	} else if (b.len != 0)
		abort();
	buf_free(&b);
	check_lossy(data, size);
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (dmarc_report_domain_valid(s)) {
		for (i = 0; s[i] != '\0'; i++) {
			if (strchr("abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.",
				   s[i]) == NULL)
				abort();
		}
	}
	(void)dmarc_report_id_valid(s);
	free(s);
	return 0;
}
