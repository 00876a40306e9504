/*
 * msg-mime.h - a streaming (push) MIME walker over one message: RFC 2045
 * (Content-Type, Content-Transfer-Encoding: base64 6.8, quoted-printable
 * 6.7, 7bit/8bit/binary), RFC 2046 5.1 (multipart: boundaries, nested
 * multiparts, preamble and epilogue ignored, the CRLF before a boundary
 * belongs to the boundary), RFC 2183 (Content-Disposition), with the
 * names of parts decoded by msg-mime-param (RFC 2231, RFC 2047).
 *
 *   m = msg_mime_new(&limits, &callbacks, ctx);
 *   msg_mime_feed(m, data, len);      (any split, any number of times)
 *   msg_mime_finish(m);
 *
 * Every leaf part (anything but a multipart/ * with a boundary) is handed
 * over as it decodes: part_begin when its header ended, part_data with
 * decoded bytes (any number of times), part_end.  A message/rfc822 part
 * is a leaf (its raw text is its data).  Header fields of every entity
 * (the message's and each part's) go to `header`.
 *
 * Bounded memory: lines are cut at MSG_MIME_MAX_LINE, header fields at
 * the limit given, nesting at max_depth (a multipart deeper is handed
 * over as a leaf), parts beyond max_parts are skipped.  Never fails:
 * malformed MIME is walked as well as it goes, like a mail reader.
 *
 * Memory: the walker owns everything; the part and the data handed to a
 * callback are valid during the callback only (part strings until its
 * part_end).  Not thread-safe; one walker per message.
 */
#ifndef MA_MSG_MIME_H
#define MA_MSG_MIME_H

#include <stdbool.h>
#include <stddef.h>

struct msg_header_field;

/* Longest line kept whole (a boundary line is at most 70 + 4 octets,
 * RFC 2046 5.1.1); longer lines are passed on in pieces. */
#define MSG_MIME_MAX_LINE 8192

enum msg_mime_encoding {
	MSG_MIME_ENC_IDENTITY, /* 7bit, 8bit, binary, or unknown */
	MSG_MIME_ENC_BASE64,	 /* RFC 2045 6.8 */
	MSG_MIME_ENC_QP,	 /* RFC 2045 6.7 */
};

struct msg_mime_limits {
	unsigned int max_depth; /* nested multiparts (0: 16) */
	unsigned int max_parts; /* leaf parts handed over (0: 1000) */
	size_t max_field;	/* one header field (0: 64 KiB) */
};

struct msg_mime_part {
	unsigned int depth;	/* 0: the message itself is the part */
	unsigned int index;	/* leaf parts counted from 0 */
	const char *type;	/* "type/subtype" lowercase; text/plain when
				   absent (RFC 2045 5.2) */
	const char *name;	/* Content-Disposition filename, else the
				   Content-Type name; decoded; or NULL */
	const char *disposition; /* "attachment", "inline" or NULL */
	const char *parent_type; /* the enclosing multipart's type, or NULL */
	const char *report_type; /* its report-type (RFC 6522 3), or NULL */
	enum msg_mime_encoding encoding;
	bool invalid_encoding;	/* base64 with characters outside the
				   alphabet (skipped) */
	bool too_deep;		/* a multipart handed over as a leaf: it
				   would nest deeper than max_depth */
};

struct msg_mime_callbacks {
	/* a header field of the entity at `depth` (each may be NULL) */
	void (*header)(void *ctx, unsigned int depth,
		       const struct msg_header_field *field);
	void (*part_begin)(void *ctx, const struct msg_mime_part *part);
	void (*part_data)(void *ctx, const struct msg_mime_part *part,
			  const void *data, size_t len);
	/* `truncated`: the message ended inside the part (no closing
	 * boundary) */
	void (*part_end)(void *ctx, const struct msg_mime_part *part,
			 bool truncated);
};

struct msg_mime;

struct msg_mime *msg_mime_new(const struct msg_mime_limits *limits,
			      const struct msg_mime_callbacks *callbacks,
			      void *ctx);
void msg_mime_free(struct msg_mime **m_p);
/* The next bytes of the message (header and body). */
void msg_mime_feed(struct msg_mime *m, const void *data, size_t len);
/* The end of the message: the open part ends.  Returns how many leaf
 * parts were handed over. */
unsigned int msg_mime_finish(struct msg_mime *m);

#endif
