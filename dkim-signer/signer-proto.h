/*
 * signer-proto.h - the line protocol between the dkim-signer pipe(8)
 * client and the signing service (`dkim-signer --serve`, SigningSocket,
 * signer-service.h): one request and one reply per connection, every
 * variable part length-prefixed so that nothing in a message can be
 * taken for protocol.
 *
 *   request: "SIGN <sender-len> <queue-id-len> <t> <message-len>\n"
 *            sender bytes, queue id bytes, message bytes
 *   reply:   "SIGNED <nsigs> <fields-len>\n"
 *            nsigs lines "<alg> <domain> <selector>\n",
 *            then the DKIM-Signature fields (fields-len bytes)
 *        or  "UNSIGNED <reason-len>\n" reason bytes   (a verdict)
 *        or  "TEMPFAIL <reason-len>\n" reason bytes   (service failure)
 *
 * A reply that does not parse, whose counts are out of range, or whose
 * fields are not DKIM-Signature fields (one per signature, each ending in
 * a line end, no NUL) is garbage: the client treats it as a failed
 * service (signer-client.h).  dkim-signer.8 documents the protocol.
 *
 * Memory: parsed strings live in the caller's arena.
 */
#ifndef SIGNER_PROTO_H
#define SIGNER_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dkim/dkim-sign.h"
#include "util/buf.h"

struct arena;
struct signer_outcome;

/* Longest first line either side accepts (with its LF). */
#define SIGNER_PROTO_MAX_LINE 128
/* Longest envelope sender (RFC 5321 4.5.3.1.3 path is 256; with
 * SMTPUTF8 and quoting, allow more) and queue id accepted. */
#define SIGNER_PROTO_MAX_SENDER 4096
#define SIGNER_PROTO_MAX_QUEUE_ID 256
/* Largest message the service accepts: 1 GiB. */
#define SIGNER_PROTO_MAX_MESSAGE ((uint64_t)1 << 30)
/* Largest reply body (fields or reason) and one signature line. */
#define SIGNER_PROTO_MAX_FIELDS 65536
#define SIGNER_PROTO_MAX_REASON 4096

struct signer_request {
	size_t sender_len, queue_id_len;
	uint64_t message_len;
	time_t now; /* t=, 0: the service's clock */
};

enum signer_reply_kind {
	SIGNER_REPLY_SIGNED,
	SIGNER_REPLY_UNSIGNED,
	SIGNER_REPLY_TEMPFAIL,
};

/* The first line of a reply, parsed. */
struct signer_reply_head {
	enum signer_reply_kind kind;
	size_t nsigs;	   /* SIGNED */
	size_t body_len;   /* fields (SIGNED) or reason */
};

/* Append the request line for `req` to `out`. */
void signer_proto_request_line(struct buf *out,
			       const struct signer_request *req);
/* Parse a request line (without its LF).  0, or -1 with *error_r
 * (static text). */
int signer_proto_request_parse(const char *line, size_t len,
			       struct signer_request *req_r,
			       const char **error_r);

/* Append a whole reply for a signed or unsigned outcome. */
void signer_proto_reply_outcome(struct buf *out,
				const struct signer_outcome *o);
/* Append a TEMPFAIL reply. */
void signer_proto_reply_tempfail(struct buf *out, const char *reason);

/* Parse a reply's first line (without its LF).  0, or -1 with
 * *error_r (static text). */
int signer_proto_reply_head_parse(const char *line, size_t len,
				  struct signer_reply_head *head_r,
				  const char **error_r);
/* Parse the rest of a SIGNED or UNSIGNED reply (`data`, exactly what
 * follows the first line) into *o: signature lines, then fields checked
 * to be `head->nsigs` DKIM-Signature fields; or the reason.  Strings in
 * `arena`.  0, or -1 with *error_r (static text) for garbage. */
int signer_proto_reply_body_parse(const struct signer_reply_head *head,
				  const char *data, size_t len,
				  struct arena *arena,
				  struct signer_outcome *o,
				  const char **error_r);

#endif
