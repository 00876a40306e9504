/*
 * msgauth-header.h - the header fields one message's authentication
 * depends on, collected while the message streams past (internal to
 * msgauth.c; see msgauth.h).
 *
 * Kept: the From field values (RFC 5322 3.6.2, up to MSGAUTH_MAX_FROM,
 * all counted), and the trace fields that RFC 8601 section 5 is about -
 * Authentication-Results and Received-SPF - with the Received fields
 * between them (where a field stands relative to them matters to the
 * trust rule), each with its index and byte range in the stream.  At the
 * end of the header, authres_trusted_spf() (authres-trust.h) runs once
 * for our authserv-id and once for each trusted id: the topmost trusted
 * result is the SPF result, and every field claiming one of those ids
 * that is not it is listed to be dropped.
 *
 * Bounds (hostile input): at most MSGAUTH_MAX_TRACE_FIELDS fields and
 * MSGAUTH_HEADER_MAX_TRACE_BYTES bytes of their values are kept; a trace
 * field beyond them is never trusted, and is still listed as forged when
 * it claims a trusted id - up to MSGAUTH_MAX_EXCESS_FORGED such fields;
 * further ones are only counted (msgauth_header_unlisted()).  Every field
 * beyond the bounds is examined (its claim read in a scratch arena that
 * is cleared after each field), so memory stays bounded however many
 * there are, and none of them escapes the count.
 *
 * Memory: everything lives in the arena given to msgauth_header_new(),
 * except the scratch arena, released by msgauth_header_free().
 */
#ifndef MA_MSGAUTH_HEADER_H
#define MA_MSGAUTH_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#include "msg/msg-header.h"
#include "msgauth/msgauth.h"

#define MSGAUTH_HEADER_MAX_TRACE_BYTES (1024 * 1024)

struct arena;
struct msgauth_header;

/* `set` is borrowed (its authserv-id and trusted ids are used). */
struct msgauth_header *msgauth_header_new(struct arena *arena,
					  const struct msgauth_settings *set);
void msgauth_header_free(struct msgauth_header **h_p);

/* The header fields in order, as msgauth.c's msg-header.h parser (the
 * message's only one) hands them over; then the end of the header (or
 * of the message, if the header never ended).  Fields after the end are
 * ignored. */
void msgauth_header_field(struct msgauth_header *h,
			  const struct msg_header_field *f);
void msgauth_header_end(struct msgauth_header *h);

/* The From fields counted (msg_header_from_note()): the count DKIM and
 * DMARC both decide on. */
const struct msg_header_from *
msgauth_header_from_count(const struct msgauth_header *h);

/* The From field values (NUL-terminated, at most MSGAUTH_MAX_FROM) and,
 * in *count_r, how many From fields there were. */
const char *const *msgauth_header_from(const struct msgauth_header *h,
				       size_t *kept_r, size_t *count_r);

/* Trace fields past the bounds claiming a trusted id that could not be
 * listed for dropping (more than MSGAUTH_MAX_EXCESS_FORGED). */
size_t msgauth_header_unlisted(const struct msgauth_header *h);

/* Whether a header field hides a From field behind a bare CR or LF
 * (msg_header_hides_from()): counts as one more From field. */
bool msgauth_header_hidden_from(const struct msgauth_header *h);

/* After msgauth_header_end(): the trusted SPF result (spf_r->found false
 * and result none without one) and the fields to drop, in message
 * order (arena). */
void msgauth_header_trust(struct msgauth_header *h,
			  struct msgauth_spf *spf_r,
			  const struct msgauth_field **drop_r,
			  size_t *ndrop_r);

/* After msgauth_header_end(): the client address our own MTA recorded
 * (authres_trusted_client_ip(), authres-trust.h), or NULL (arena). */
const char *msgauth_header_client_ip(struct msgauth_header *h);

#endif
