/*
 * policy-request.h - the Postfix policy delegation protocol
 * (SMTPD_POLICY_README, "Protocol description"): a push parser for
 * requests and the reply writer.
 *
 * A request is a list of name=value lines ended by an empty line:
 *
 *     request=smtpd_access_policy
 *     protocol_state=RCPT
 *     client_address=192.0.2.1
 *     ...
 *     <empty line>
 *
 * and the answer is "action=ACTION" followed by an empty line.  Postfix
 * keeps the connection open and may send the next request before the
 * answer to the previous one (pipelining): the parser returns requests
 * one at a time, in order.
 *
 * The parser is fed chunks of any size (policy_parser_push) and asked for
 * complete requests (policy_parser_next).  Memory is bounded: the
 * parser never holds more than max_request_size octets; a request that is
 * larger, or has more than max_attributes lines, is skipped up to its
 * empty line and reported as POLICY_BAD_REQUEST (the caller answers
 * DUNNO).  Input that is not this protocol at all (a line without '=', a
 * name outside [a-z0-9_], a NUL octet) is POLICY_GARBAGE: the caller
 * closes the connection.
 *
 * Memory: a returned struct policy_request and all its strings live in
 * the arena passed to policy_parser_next().  The parser owns its buffer.
 */
#ifndef MA_POLICY_REQUEST_H
#define MA_POLICY_REQUEST_H

#include <stddef.h>

struct arena;

/* Postfix attribute names are short; values (e.g. ccert_subject) can be
 * long but a whole request stays far below these defaults. */
#define POLICY_DEFAULT_MAX_REQUEST_SIZE 16384
#define POLICY_DEFAULT_MAX_ATTRIBUTES 100
#define POLICY_MAX_NAME_LEN 64

struct policy_attr {
	const char *name;
	const char *value;
};

/* One request.  The well-known attributes are also reachable by name;
 * absent ones are NULL (Postfix sends most of them, empty when unknown). */
struct policy_request {
	size_t nattrs;
	const struct policy_attr *attrs;
	const char *request;	     /* "smtpd_access_policy" */
	const char *protocol_state;  /* CONNECT EHLO HELO MAIL RCPT DATA ... */
	const char *client_address;
	const char *client_name;
	const char *helo_name;
	const char *sender;
	const char *recipient;
	const char *instance;	     /* one per message transaction */
	const char *sasl_username;
	const char *queue_id;
};

enum policy_parse_status {
	POLICY_MORE,	    /* no complete request buffered: push more */
	POLICY_REQUEST,	    /* *request_r is the next request */
	POLICY_BAD_REQUEST, /* a request was skipped: answer DUNNO; the
			       reason is in *error_r */
	POLICY_GARBAGE,	    /* not the protocol: close the connection; the
			       reason is in *error_r */
};

struct policy_parser;

/* 0 for a limit means the default above. */
struct policy_parser *policy_parser_new(size_t max_request_size,
					unsigned int max_attributes);
void policy_parser_free(struct policy_parser **parser_p);

/* Append a chunk of input (any size, including 0).  The parser keeps at
 * most max_request_size octets of an incomplete request; excess input is
 * discarded until the end of that request.  Returns the octets taken:
 * all of them, unless a cap on queued items is set and was reached (then
 * the caller keeps the rest and pushes it again after
 * policy_parser_next() made room: backpressure instead of buffering). */
size_t policy_parser_push(struct policy_parser *parser, const void *data,
			  size_t len);

/* Queue at most `max` finished items (requests, skipped requests) not
 * yet taken by policy_parser_next(); 0 (the default) = no cap. */
void policy_parser_set_max_queued(struct policy_parser *parser,
				  unsigned int max);

/* Take the next complete request.  POLICY_REQUEST: *request_r is
 * allocated from `arena`.  POLICY_BAD_REQUEST / POLICY_GARBAGE: *error_r
 * (from `arena`) says why; after GARBAGE the parser stays in that state.
 * Call again until POLICY_MORE to drain pipelined requests. */
enum policy_parse_status
policy_parser_next(struct policy_parser *parser, struct arena *arena,
		   const struct policy_request **request_r,
		   const char **error_r);

/* Bytes buffered and not yet returned (0 means "between requests"). */
size_t policy_parser_pending(const struct policy_parser *parser);

/* The value of attribute `name`, or NULL. */
const char *policy_request_get(const struct policy_request *request,
			       const char *name);

#endif
