/*
 * authres.h - Authentication-Results header fields, RFC 8601.
 *
 * Writer: build one header value with an authserv-id and any number of
 * method results, each with an optional reason, comment and properties,
 * then format it folded to fit 78 columns:
 *
 *   Authentication-Results: mx.example.org;
 *           spf=pass smtp.mailfrom=example.com;
 *           dkim=pass header.d=example.com header.s=sel header.b=abcdefgh;
 *           dmarc=pass (p=reject dis=none) header.from=example.com
 *
 * Values that are not RFC 2045 tokens are written as quoted-strings.
 * The same writer serves spf-policyd (PREPEND), the Dovecot plugin and
 * `authcheck verify`, so the format is an API: Sieve rules match it.
 *
 * Reader (authres-parse.h): parses header fields written by anyone.
 *
 * Memory: the builder and everything it returns live in the arena given
 * to authres_new().
 */
#ifndef MA_AUTHRES_H
#define MA_AUTHRES_H

#include <stddef.h>

struct arena;

/* RFC 8601 2.7: a property of a method result: ptype.property=value,
 * e.g. {"smtp", "mailfrom", "example.com"}, {"header", "d", "example.com"} */
struct authres_prop {
	const char *ptype;
	const char *property;
	const char *value;
};

struct authres;

/* A builder for the header of `authserv_id` (our host name, RFC 8601 2.5). */
struct authres *authres_new(struct arena *arena, const char *authserv_id);

/* Add one method result, e.g. ("spf", "pass", ...).  `reason` (NULL = none)
 * becomes reason="..." (2.2); `comment` (NULL = none) is written in
 * parentheses right after the result, as OpenDMARC does for
 * "(p=reject dis=none)".  The strings are copied. */
void authres_add(struct authres *ar, const char *method, const char *result,
		 const char *comment, const char *reason,
		 const struct authres_prop *props, size_t nprops);

/* With no method added the value is "authserv-id; none" (RFC 8601 2.2). */
/* The header value, to be written after "Authentication-Results: " (the
 * value has no leading space), folded with CRLF +
 * TAB so that no line of the whole field exceeds 78 octets where the
 * tokens allow; `crlf` selects "\r\n" or "\n" line ends.  With several
 * methods each starts on its own line.  Allocated from the arena. */
const char *authres_format(const struct authres *ar, int crlf);

#endif
