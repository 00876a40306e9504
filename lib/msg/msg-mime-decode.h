/*
 * msg-mime-decode.h - Content-Transfer-Encoding decoding, streaming, one
 * line (or piece of a long line) at a time: base64 (RFC 2045 6.8:
 * characters outside the alphabet are ignored, '=' ends the data) and
 * quoted-printable (RFC 2045 6.7: =XX octets, '=' at the end of a line a
 * soft line break, trailing white space dropped; a malformed '=' kept as
 * it is, as rule 6.7 (1) suggests a robust decoder does).
 *
 * Memory: the decoder is a plain struct (no allocation); decoded bytes
 * are appended to the caller's buf.
 */
#ifndef MA_MSG_MIME_DECODE_H
#define MA_MSG_MIME_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "msg/msg-mime.h"

struct buf;

struct msg_mime_decoder {
	enum msg_mime_encoding enc;
	char quad[1024]; /* base64 characters not yet decoded */
	size_t nquad;
	bool done;	 /* base64: '=' seen, the rest is ignored */
	bool invalid;	 /* base64: a character outside the alphabet */
};

void msg_mime_decoder_init(struct msg_mime_decoder *d,
			   enum msg_mime_encoding enc);
/* Decode `len` bytes of one line without its line end; `whole` when they
 * are the whole line (a long line comes in pieces, the last one whole).
 * Returns true when the line ends in a quoted-printable soft line break
 * (no line break in the decoded text). */
bool msg_mime_decoder_line(struct msg_mime_decoder *d, const char *s,
			   size_t len, bool whole, struct buf *out);
/* The end of the part: what is still held. */
void msg_mime_decoder_finish(struct msg_mime_decoder *d, struct buf *out);

#endif
