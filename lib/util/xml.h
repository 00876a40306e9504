/*
 * xml.h - text for XML 1.0 documents (W3C XML 1.0, 2.2 "Characters",
 * 2.4 "Character Data"): what the DMARC aggregate report writer puts
 * between tags.
 *
 * '&', '<', '>', '"' and '\'' become entity references; TAB, LF and CR
 * become character references (so a parser's line-end normalization
 * cannot change them); DEL too.  Any other control character, an
 * invalid UTF-8 sequence (overlong, surrogate, above U+10FFFF,
 * truncated) and U+FFFE / U+FFFF are refused: XML cannot carry them.
 *
 * xml_escape_lossy() replaces those instead of refusing them.
 *
 * Memory: appends to the caller's buffer.
 */
#ifndef MA_XML_H
#define MA_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Append `s` (len bytes) escaped to `out`.  0, or -1 with a static
 * *error_r (and nothing appended) when `s` holds what XML refuses. */
int xml_escape(struct buf *out, const char *s, size_t len,
	       const char **error_r);

/* The valid UTF-8 sequence at s (`left` bytes available): its length
 * (1..4) with *cp_r, or 0 for an invalid or truncated one (overlong,
 * surrogate, above U+10FFFF) (RFC 3629 4). */
size_t xml_utf8_char(const unsigned char *s, size_t left, uint32_t *cp_r);
/* Whether XML 1.0 2.2 "Char" holds cp. */
bool xml_is_char(uint32_t cp);
/* 0 if s[0..len) is valid UTF-8 of XML Chars only, or -1 with a static
 * *error_r. */
int xml_check(const unsigned char *s, size_t len, const char **error_r);

/* The same for text that must be shown whatever it holds (an HTML page
 * of untrusted reports): what XML refuses - an invalid UTF-8 sequence,
 * a control character, U+FFFE / U+FFFF - and what XML carries but would
 * change how the text around it shows (DEL, the C1 controls, the
 * bidirectional formatting characters of UAX #9 2) become U+FFFD
 * REPLACEMENT CHARACTER (Unicode 15, 3.9 "U+FFFD Substitution of
 * Maximal Subparts" in its simple form: one U+FFFD per refused byte or
 * sequence). */
void xml_escape_lossy(struct buf *out, const char *s, size_t len);

#endif
