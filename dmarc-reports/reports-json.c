/*
 * reports-json.c - the JSON writer of `received --json` (reports-json.h).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "util/buf.h"
#include "reports-json.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629 4), 0 if none. */
static size_t
utf8_len(const unsigned char *s)
{
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[0] == 0xe0 && s[1] < 0xa0) ||
		    (s[0] == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80 || (s[0] == 0xf0 && s[1] < 0x90) ||
		    (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* The code point of the valid n-byte UTF-8 sequence at s. */
static uint32_t
utf8_cp(const unsigned char *s, size_t n)
{
	uint32_t cp = s[0] & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	size_t i;

	for (i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* Written as \uXXXX though JSON may carry it raw: U+2028/U+2029 (a
 * script's line terminators), the C1 controls (U+009B is a terminal's
 * CSI) and the bidirectional formatting characters (UAX #9 2), which
 * would reorder a terminal's or a page's text around the string. */
static bool
json_escape_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
	       cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

void
json_string(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (s == NULL) {
		buf_append_str(out, "null");
		return;
	}
	buf_append_char(out, '"');
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			buf_append_char(out, '\\');
			buf_append_char(out, (char)*p++);
		} else if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' ||
			   *p == '&') {
			buf_printf(out, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			buf_append_char(out, (char)*p++);
		} else if ((n = utf8_len(p)) == 0) {
			buf_append_str(out, "\\ufffd");
			p++;
		} else if (n < 4 && json_escape_cp(utf8_cp(p, n))) {
			buf_printf(out, "\\u%04x", (unsigned int)utf8_cp(p, n));
			p += n;
		} else {
			buf_append(out, p, n);
			p += n;
		}
	}
	buf_append_char(out, '"');
}

void
json_init(struct json *j, struct buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->first[0] = true;
}

static void
json_key(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		buf_append_char(j->out, ',');
	j->first[j->depth] = false;
	if (key != NULL) {
		json_string(j->out, key);
		buf_append_char(j->out, ':');
	}
}

static void
json_open(struct json *j, const char *key, char c)
{
	json_key(j, key);
	buf_append_char(j->out, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void
json_close(struct json *j, char c)
{
	buf_append_char(j->out, c);
	if (j->depth > 0)
		j->depth--;
}

void
json_object_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void
json_object_end(struct json *j)
{
	json_close(j, '}');
}

void
json_array_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void
json_array_end(struct json *j)
{
	json_close(j, ']');
}

void
json_str(struct json *j, const char *key, const char *value)
{
	json_key(j, key);
	json_string(j->out, value);
}

void
json_u64(struct json *j, const char *key, uint64_t value)
{
	json_key(j, key);
	buf_printf(j->out, "%" PRIu64, value);
}
