/*
 * reports-json.h - a small JSON writer (RFC 8259) for `dmarc-reports
 * received --json`: objects, arrays, strings and numbers appended to a
 * buf.  Every string is untrusted (a reporter wrote it): '"', '\\' and
 * control characters are escaped (RFC 8259 7), so are '<', '>', '&' and
 * U+2028/U+2029 (the output stays inert inside HTML or a script), the
 * C1 controls and the bidirectional formatting characters (UAX #9 2:
 * nothing reorders or drives the terminal that shows it), and an
 * invalid UTF-8 sequence becomes U+FFFD (RFC 8259 8.1: the text is
 * UTF-8).
 *
 * Memory: appends to the caller's buf; the writer is a plain struct.
 */
#ifndef REPORTS_JSON_H
#define REPORTS_JSON_H

#include <stdbool.h>
#include <stdint.h>

struct buf;

#define JSON_MAX_DEPTH 16

struct json {
	struct buf *out;
	unsigned int depth;
	bool first[JSON_MAX_DEPTH]; /* nothing written yet at this depth */
};

void json_init(struct json *j, struct buf *out);
/* A string value as JSON (quotes included); NULL writes null. */
void json_string(struct buf *out, const char *s);

/* `key` NULL inside an array. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_str(struct json *j, const char *key, const char *value);
void json_u64(struct json *j, const char *key, uint64_t value);

#endif
