/*
 * msg-address.h - RFC 5322 section 3.4 address lists (From, Sender,
 * To ...) and the DMARC Author Domain (RFC 9989 section 5.3.1).
 *
 * Grammar accepted: address-list of mailboxes (addr-spec or name-addr
 * "Name <local@domain>") and groups ("Team: a@x, b@y;"), with CFWS -
 * white space, folding and (nested) comments with quoted-pairs -
 * between any two tokens, quoted-string local parts and display names,
 * and the obsolete forms of RFC 5322 section 4.4 that real mail carries:
 * obs-phrase (dots in display names), obs-local-part and obs-domain
 * (CFWS around dots), obs-route ("<@relay:user@host>") and empty list
 * elements (obs-addr-list ", ,").  8-bit bytes are accepted in atoms and
 * quoted strings (RFC 6532 internationalised mail).
 *
 * Limits: at most MSG_ADDRESS_MAX addresses per list and comments nested
 * at most MSG_ADDRESS_MAX_COMMENT_DEPTH deep; more is an error.
 *
 * Memory: all strings returned are allocated in the caller's arena.
 * Nothing here does I/O.
 */
#ifndef MA_MSG_ADDRESS_H
#define MA_MSG_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/strparse.h"

struct arena;

#define MSG_ADDRESS_MAX 1000
#define MSG_ADDRESS_MAX_COMMENT_DEPTH 32

struct msg_address {
	const char *display_name; /* phrase as written (quotes removed,
				     words joined by one space), or NULL */
	const char *local_part;	  /* quotes and quoted-pairs removed */
	const char *domain;	  /* as written; a domain-literal keeps its
				     brackets: "[192.0.2.1]" */
	const char *group;	  /* name of the enclosing group, or NULL */
};

/* Parse an address-list (a header field value, unfolded or not).
 * Returns 0 with an arena array of *count_r addresses (an empty group
 * such as "undisclosed-recipients:;" gives 0 addresses), or -1 with a
 * static reason in *error_r and the byte offset in *error_pos_r (may be
 * NULL). */
int msg_address_list_parse(const char *value, size_t len, struct arena *arena,
			   struct msg_address **addrs_r, size_t *count_r,
			   const char **error_r, size_t *error_pos_r);

/* A domain as written -> lower-case A-label form without a final dot
 * (RFC 9989 5.3.1: U-labels converted per RFC 5890 2.3, here with
 * libidn2 IDNA2008 non-transitional).  Returns 0 and the arena string,
 * or -1 with a static reason (domain-literal, bad IDN, invalid name). */
int msg_address_domain_ascii(const char *domain, struct arena *arena,
			     const char **ascii_r, const char **error_r);

/* Why no single Author Domain could be extracted (RFC 9989 5.3.1,
 * RFC 7489 6.6.1: the last three are treated as hostile). */
enum msg_author_status {
	MSG_AUTHOR_OK,		    /* exactly one domain */
	MSG_AUTHOR_NO_FROM,	    /* no From header field */
	MSG_AUTHOR_MULTIPLE_FROM,   /* more than one From header field */
	MSG_AUTHOR_MULTIPLE_DOMAINS, /* addresses of different domains */
	MSG_AUTHOR_UNPARSEABLE,	    /* syntax error, no address, literal,
				       bad IDN */
};

/* The Author Domain from the values of all From header fields of a
 * message (`nvalues` of them, in order).  Several addresses of the same
 * domain (compared after A-label conversion, case-insensitively) are
 * fine.  Returns the status; on MSG_AUTHOR_OK *domain_r is the A-label
 * lower-case domain (arena), otherwise *error_r explains. */
enum msg_author_status msg_address_author_domain(const char *const *values,
						 const size_t *lens,
						 size_t nvalues,
						 struct arena *arena,
						 const char **domain_r,
						 const char **error_r);

/* Lexical tokens shared by the header field parsers (addresses,
 * Authentication-Results, Received-SPF). */
/* Skip CFWS (RFC 5322 3.2.2): white space, line breaks and comments
 * (nested, with quoted-pairs).  `comment_r` (may be NULL) gets the text
 * of the first comment skipped, without its parentheses, or {NULL, 0}.
 * 0, or -1 with a static *error_r (unterminated, nested too deep). */
int msg_cfws_skip(struct strparse *sp, struct sp_slice *comment_r,
		  const char **error_r);
/* quoted-string (RFC 5322 3.2.4) at the cursor: its content without the
 * quotes, quoted-pairs resolved, line breaks dropped, appended to `out`.
 * 0, or -1 with a static *error_r. */
int msg_quoted_string(struct strparse *sp, struct buf *out,
		      const char **error_r);

/* "ok" "no From header field" "multiple From header fields" ... */
const char *msg_author_status_str(enum msg_author_status status);

#endif
