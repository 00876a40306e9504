/*
 * msg-header.h - an RFC 5322 header push parser: feed the message bytes
 * in chunks of any size, pull complete header fields (name, value, raw
 * text including folding), the end of the header, then the body bytes.
 * Modelled on OpenSMTPD's rfc5322_push()/rfc5322_next().
 *
 *   p = msg_header_parser_new(0);
 *   msg_header_push(p, data, len);            (any split, any number)
 *   while ((ev = msg_header_next(p, &f)) != MSG_HEADER_NEED_MORE) ...
 *   msg_header_push_eof(p);  then drain next() until MSG_HEADER_EOF.
 *
 * RFC 5322 sections 2.1 (CRLF lines), 2.2 (fields: name ":" value),
 * 2.2.3 (folding: a line starting with SP or HTAB continues the field),
 * 3.6.8 / 4.5 (obsolete WSP before the colon: "Subject : x").
 *
 * Line ends: CRLF and bare LF both end a line (mail on disk is often
 * LF-only).  The raw text of a field is handed out with every line end
 * normalised to CRLF and without the final CRLF, as DKIM needs it (RFC
 * 6376 section 3.4.2 / 5.3).  Body bytes are passed through unchanged,
 * without copying: MSG_HEADER_BODY slices point into the pushed data.
 *
 * A line in the header that is neither a field ("Name:") nor a
 * continuation (e.g. an mbox "From " line) is reported as a field with an
 * empty name, so consumers can ignore or reject it.  A field longer than
 * max_field_len is reported with `oversized` set and its raw text cut at
 * that length: memory stays bounded whatever the input.
 *
 * Memory: the parser owns its buffers; a field's slices point into them
 * or, for a field whose lines all end in CRLF, into the pushed data
 * (not NUL-terminated either way), and are valid until the next call to
 * msg_header_next() or msg_header_push*().  Pushed data
 * must stay valid until next() returns MSG_HEADER_NEED_MORE (body slices
 * point into it).  Not thread-safe; one parser per message.
 */
#ifndef MA_MSG_HEADER_H
#define MA_MSG_HEADER_H

#include <stdbool.h>
#include <stddef.h>

/* Default limit of one header field's raw length (RFC 5322 2.1.1 limits
 * lines to 998 octets but not the number of folded lines; this is a
 * hostile-input bound). */
#define MSG_HEADER_DEFAULT_MAX_FIELD (256 * 1024)

enum msg_header_event {
	MSG_HEADER_NEED_MORE, /* all pushed data consumed; push more or EOF */
	MSG_HEADER_FIELD,     /* a complete header field in *field_r */
	MSG_HEADER_END,	      /* the empty line ending the header (or EOF
				 inside the header); the body follows */
	MSG_HEADER_BODY,      /* body bytes in field_r->raw/raw_len */
	MSG_HEADER_EOF,	      /* end of the message, after END */
};

struct msg_header_field {
	const char *name;  /* field name without trailing WSP; len 0 if the
			      line is not a header field */
	size_t name_len;
	const char *value; /* after the colon, folding kept (CRLF) */
	size_t value_len;
	const char *raw;   /* whole field, CRLF line ends, no final CRLF;
			      for MSG_HEADER_BODY: body bytes */
	size_t raw_len;
	bool oversized;	   /* longer than max_field_len, raw truncated */
	/* FIELD: where the field was in the pushed stream, from its first
	 * byte through the line end of its last line as pushed (LF or
	 * CRLF; none when the input ended inside it). */
	size_t offset;
	size_t input_len;
};

struct msg_header_parser;

/* A parser; max_field_len 0 means MSG_HEADER_DEFAULT_MAX_FIELD.
 * Never fails (allocation failure is fatal, xalloc.h). */
struct msg_header_parser *msg_header_parser_new(size_t max_field_len);
void msg_header_parser_free(struct msg_header_parser **parser_p);
/* Start over for a new message, keeping the buffers. */
void msg_header_parser_reset(struct msg_header_parser *parser);

/* Hand the next bytes of the message.  Only valid when the previous
 * next() returned MSG_HEADER_NEED_MORE (or right after new/reset). */
void msg_header_push(struct msg_header_parser *parser, const void *data,
		     size_t len);
/* No more bytes will come. */
void msg_header_push_eof(struct msg_header_parser *parser);

/* The next event; fills *field_r for FIELD and BODY. */
enum msg_header_event msg_header_next(struct msg_header_parser *parser,
				      struct msg_header_field *field_r);

/* Whether the field's name equals `name`, ASCII case-insensitively. */
bool msg_header_field_is(const struct msg_header_field *field,
			 const char *name);

/* Hostile input: whether the raw text of a field (`raw`, `len`, as in
 * struct msg_header_field) holds a bare CR or bare LF - one not part of
 * a CRLF (RFC 5322 2.2: "A field body MUST NOT include CR and LF except
 * when used in "folding" and "unfolding"") - followed by text a mail
 * reader could take for a From field: "From", optional WSP, ":" (ASCII
 * case-insensitive).  E.g. "Subject: hi\rFrom: Mallory <m@evil.example>".
 * Consumers count such a field as one more From field (RFC 6376 8.15,
 * RFC 9989 5.3.1: a message with several From fields is hostile). */
bool msg_header_hides_from(const char *raw, size_t len);

/* The reason text consumers give for such a message. */
#define MSG_HEADER_HIDDEN_FROM_REASON \
	"bare CR or LF inside a header field hides a From field"

/* How many From fields a header has: the one count both DKIM (RFC 6376
 * 6.1 / 8.15: a signature over several From fields fails) and DMARC
 * (RFC 9989 5.3.1: several From fields are hostile) decide on.  Fields
 * named From, and whether another hides behind a bare CR or LF
 * (msg_header_hides_from()). */
struct msg_header_from {
	unsigned int count;
	bool hidden;
};

/* Count one MSG_HEADER_FIELD event into *from (zeroed at the start). */
void msg_header_from_note(struct msg_header_from *from,
			  const struct msg_header_field *field);

#endif
