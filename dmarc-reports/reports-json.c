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
		} else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
			   (p[2] == 0xa8 || p[2] == 0xa9)) {
			buf_printf(out, "\\u%04x", p[2] == 0xa8 ? 0x2028 :
				   0x2029);
			p += 3;
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
