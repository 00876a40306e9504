/*
 * msg-mime-param.h - the value of a MIME header field with parameters:
 * Content-Type (RFC 2045 5.1: type "/" subtype *(";" parameter)) and
 * Content-Disposition (RFC 2183 2), with
 *   - RFC 2231 3 parameter continuations (name*0=, name*1=, ...),
 *   - RFC 2231 4 encoded values (name*=charset'language'%XX...),
 *   - RFC 2047 encoded words inside a quoted value ("=?UTF-8?B?...?="),
 *     which RFC 2047 5 forbids there but mailers (and DMARC reporters
 *     naming their attachments) commonly send.
 * Values in UTF-8, ISO-8859-1 or US-ASCII come out as UTF-8; other
 * charsets are passed through as bytes.  Everything is untrusted text.
 *
 * Lenient like a mail reader: junk between parameters is skipped;
 * only a missing or malformed type/token is an error.
 *
 * Memory: the strings are allocated from the caller's arena.
 */
#ifndef MA_MSG_MIME_PARAM_H
#define MA_MSG_MIME_PARAM_H

#include <stddef.h>

struct arena;
struct buf;

/* Hostile-input bounds: raw parameter segments per field, and the
 * highest RFC 2231 continuation number taken. */
#define MSG_MIME_MAX_PARAMS 64
#define MSG_MIME_MAX_SECTION 64

/* One parameter, continuations assembled and decoded; name lowercase. */
struct msg_mime_param {
	const char *name;
	const char *value;
};

/* Parse `value` (len bytes, a field value as in struct msg_header_field,
 * folding allowed).  *token_r: the leading token, lowercased
 * ("multipart/mixed", "attachment"); *params_r / *nparams_r the
 * parameters.  0, or -1 with a static *error_r when there is no token. */
int msg_mime_params_parse(const char *value, size_t len, struct arena *arena,
			  const char **token_r,
			  const struct msg_mime_param **params_r,
			  size_t *nparams_r, const char **error_r);

/* The value of parameter `name` (lowercase), or NULL. */
const char *msg_mime_param_get(const struct msg_mime_param *params,
			       size_t nparams, const char *name);

/* Decode the RFC 2047 encoded words in `s` (len bytes) and append the
 * text to `out` (white space between two encoded words dropped, RFC 2047
 * 6.2); a malformed word is kept as it is. */
void msg_mime_decode_words(const char *s, size_t len, struct buf *out);

#endif
