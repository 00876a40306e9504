/*
 * authres-parse.h - the Authentication-Results READER (RFC 8601 section
 * 2.2 grammar) and the Received-SPF reader (RFC 7208 section 9.1), plus
 * the policy built on them: which SPF result written by our own
 * spf-policyd can be trusted, and which header fields claim our
 * authserv-id falsely and must be removed (RFC 8601 section 5).
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

/* RFC 7208 9.1 Received-SPF */
struct received_spf_pair {
	const char *key; /* lower-cased */
	const char *value;
};

struct received_spf {
	const char *result;  /* lower-cased token: "pass" ... */
	const char *comment; /* first comment, or NULL */
	struct received_spf_pair *pairs;
	size_t npairs;
};

/* Parse the value of one Received-SPF field.  0, or -1 with *error_r.
 * *spf_r is always set. */
int received_spf_parse(const char *value, size_t len, struct arena *arena,
		       struct received_spf **spf_r, const char **error_r);
/* The value of `key` (case-insensitive), or NULL. */
const char *received_spf_get(const struct received_spf *spf, const char *key);

/* One header field of a message, in message order (top first). */
struct authres_field {
	const char *name;  /* field name without ':' */
	const char *value; /* raw value (folded or not) */
	size_t value_len;
};

struct authres_trusted_spf {
	bool found;		     /* a trusted SPF result exists */
	const char *result;	     /* its token, lower-case */
	const char *mailfrom_domain; /* smtp.mailfrom / envelope-from
					domain, or NULL */
	const char *helo;	     /* smtp.helo / helo, or NULL */
	size_t trusted_index;	     /* field it came from */
	size_t *forged;		     /* indexes of fields to remove */
	size_t nforged;
};

/* Given the header fields (top to bottom) and our authserv-id: the SPF
 * result our own spf-policyd prepended - trusted only from the topmost
 * Authentication-Results field, and only when that field carries our
 * authserv-id; or (if there is none) from the topmost Received-SPF field
 * whose receiver= is our authserv-id.  In both cases only above the
 * first Received field that records an SMTP hop (Postfix's smtpd puts
 * policy PREPENDs above its own Received field, so whatever the client
 * sent stands below it; a Received field "with LMTP..." of the final
 * delivery, added above everything, is not counted).  `fields` must
 * therefore include the Received fields, in order; with none given the
 * old rule (topmost wins) applies.  Every other Authentication-Results
 * field with our authserv-id (compared case-insensitively), or one that
 * does not parse but starts with it, and every other Received-SPF with
 * receiver= ours, is listed in `forged`.  Always returns 0 (arena). */
int authres_trusted_spf(const struct authres_field *fields, size_t nfields,
			const char *authserv_id, struct arena *arena,
			struct authres_trusted_spf *result_r);

#endif
