/*
 * dkimcheck-stream.h - the message stream LMTP delivers after
 * verification: our one Authentication-Results field on top (RFC 8601
 * section 5: "prepended", above every trace field that was there), then
 * the original bytes with the listed header fields (forged or replaced
 * Authentication-Results / Received-SPF, RFC 8601 section 5) cut out.
 *
 * Built from seekable pieces (a copy of the new field, then byte ranges
 * of the original stream joined by istream-concat), so it can be read any
 * number of times: LMTP reads it for the raw mail, Sieve and every
 * recipient, and a re-read gives the same bytes.
 *
 * Memory: the returned stream holds references to `input` and its own
 * copy of the field; the caller unrefs it.
 */
#ifndef DKIMCHECK_STREAM_H
#define DKIMCHECK_STREAM_H

#include "dkimcheck-verify.h"

struct istream;

/* `authres_value` is the field value (CRLF folded, no final CRLF);
 * `drops` are in message order and may not overlap.  *size_r is the new
 * size if `input_size` was the old one. */
struct istream *dkimcheck_stream_create(struct istream *input,
					uoff_t input_size,
					const char *authres_value,
					const struct dkimcheck_drop *drops,
					size_t ndrops, uoff_t *size_r);

#endif
