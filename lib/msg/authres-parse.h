/*
 * authres-parse.h - the Authentication-Results READER (RFC 8601 section
 * 2.2 grammar); the writer is authres.h.  The Received-SPF reader is
 * received-spf-parse.h, the trust policy built on both
 * msgauth/authres-trust.h.
 *
 * Accepted: authserv-id (token or quoted-string), an optional version,
 * "none", and resinfo elements "method[/version]=result [reason=value]
 * ptype.property=value ..." with CFWS (including nested comments)
 * between any two tokens, quoted-string values and pvalues of the form
 * [local-part]@domain.  Keywords are returned lower-cased (RFC 8601 2.2:
 * case-insensitive); values as written.
 *
 * Memory: everything returned lives in the caller's arena.
 */
#ifndef MA_AUTHRES_PARSE_H
#define MA_AUTHRES_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "msg/authres.h"

struct arena;

/* More resinfo elements or properties than this is hostile input. */
#define AUTHRES_PARSE_MAX_RESULTS 64
#define AUTHRES_PARSE_MAX_PROPS 32

struct authres_parsed_result {
	const char *method;	    /* "spf", "dkim", ... */
	const char *method_version; /* "1" or NULL */
	const char *result;	    /* "pass", ... */
	const char *reason;	    /* reason= value or NULL */
	struct authres_prop *props; /* ptype / property lower-cased */
	size_t nprops;
};

struct authres_parsed {
	const char *authserv_id; /* NULL if not even that could be parsed */
	const char *version;	 /* NULL = absent (means 1) */
	bool none;		 /* "; none" */
	struct authres_parsed_result *results;
	size_t nresults;
};

/* Parse the value of one Authentication-Results field.  *ar_r is always
 * set (arena); returns 0, or -1 with a static *error_r if the value does
 * not follow the grammar - authserv_id is then still set when the value
 * at least starts with one. */
int authres_parse(const char *value, size_t len, struct arena *arena,
		  struct authres_parsed **ar_r, const char **error_r);

/* The first property ptype.property of a result, or NULL. */
const char *authres_parsed_prop(const struct authres_parsed_result *res,
				const char *ptype, const char *property);

#endif
