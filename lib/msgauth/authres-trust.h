/*
 * authres-trust.h - which SPF result in a message's header our own
 * spf-policyd wrote and can be trusted, and which header fields claim our
 * authserv-id falsely and must be removed (RFC 8601 section 5, RFC 7208
 * section 9.1).  Built on the readers msg/authres-parse.h and
 * msg/received-spf-parse.h; its one caller is msgauth-header.c.
 *
 * Memory: everything returned lives in the caller's arena.
 */
#ifndef MA_AUTHRES_TRUST_H
#define MA_AUTHRES_TRUST_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

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

/* The connecting client's address as our own MTA recorded it: from the
 * first Received field that records an SMTP hop (the same position the
 * rule above trusts: Postfix's smtpd writes it, everything the client
 * sent stands below it; LMTP delivery fields are skipped), through
 * received_client_ip() (msg/received-parse.h).  NULL when that field has
 * no valid address literal or there is none.  Never a value further
 * down, which the sender may have written.  Arena. */
const char *authres_trusted_client_ip(const struct authres_field *fields,
				      size_t nfields, struct arena *arena);

#endif
