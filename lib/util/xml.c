/*
 * xml.c - escaping text for XML 1.0 character data (xml.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/xml.h"

size_t
xml_utf8_char(const unsigned char *s, size_t left, uint32_t *cp_r)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80) {
		*cp_r = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_r = cp;
	return n;
}

bool
xml_is_char(uint32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd ||
	       (cp >= 0x20 && cp <= 0xd7ff) ||
	       (cp >= 0xe000 && cp <= 0xfffd) ||
	       (cp >= 0x10000 && cp <= 0x10ffff);
}

int
xml_check(const unsigned char *s, size_t len, const char **error_r)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = xml_utf8_char(s + i, len - i, &cp);
		if (n == 0) {
			*error_r = "invalid UTF-8";
			return -1;
		}
		if (!xml_is_char(cp)) {
			*error_r = "character not allowed in XML";
			return -1;
		}
		i += n;
	}
	return 0;
}

static void
xml_escape_byte(struct buf *out, unsigned char c)
{
	switch (c) {
	case '&': buf_append_str(out, "&amp;"); break;
	case '<': buf_append_str(out, "&lt;"); break;
	case '>': buf_append_str(out, "&gt;"); break;
	case '"': buf_append_str(out, "&quot;"); break;
	case '\'': buf_append_str(out, "&apos;"); break;
	case '\t': case '\n': case '\r': case 0x7f:
		buf_printf(out, "&#%u;", c);
		break;
	default:
		buf_append_char(out, (char)c);
	}
}

int
xml_escape(struct buf *out, const char *s, size_t len, const char **error_r)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	if (xml_check(p, len, error_r) < 0)
		return -1;
	for (i = 0; i < len; i++)
		xml_escape_byte(out, p[i]);
	return 0;
}

/* Whether cp, although XML carries it, is a control that changes how
 * the text around it shows: DEL and the C1 controls (U+007F..U+009F,
 * U+009B is a terminal's CSI), and the explicit bidirectional
 * formatting characters of UAX #9 2 (ALM U+061C, LRM/RLM U+200E/F,
 * embeddings and overrides U+202A..U+202E, isolates U+2066..U+2069),
 * which would let a reporter's name reorder the text after it. */
static bool
xml_is_display_control(uint32_t cp)
{
	return (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

void
xml_escape_lossy(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = xml_utf8_char(p + i, len - i, &cp);
		if (n == 0 || !xml_is_char(cp) || xml_is_display_control(cp)) {
			buf_append_str(out, "\xef\xbf\xbd"); /* U+FFFD */
			i += n == 0 ? 1 : n;
		} else if (n == 1)
			xml_escape_byte(out, p[i++]);
		else {
			buf_append(out, p + i, n);
			i += n;
		}
	}
}
