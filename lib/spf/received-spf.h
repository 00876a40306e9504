/*
 * received-spf.h - the Received-SPF header field WRITER, RFC 7208 section
 * 9.1 (the reader is msg/received-spf-parse.h).
 *
 *   Received-SPF: pass (mybox.example.org: domain of
 *    myname@example.com designates 192.0.2.1 as permitted sender)
 *       receiver=mybox.example.org; client-ip=192.0.2.1;
 *       envelope-from="myname@example.com"; helo=foo.example.com;
 *
 * The writer takes the result, an optional comment and the key-value
 * pairs of 9.1 (each optional), and writes the value after
 * "Received-SPF: " folded to 78 columns.  Values that are not dot-atoms
 * become quoted-strings (9.1: key "=" ( dot-atom / quoted-string )).
 * spf-policyd prepends it; the Dovecot plugin reads it, so the layout is
 * an API: keys are written in the order identity, receiver, client-ip,
 * envelope-from, helo, mechanism, problem, each followed by ";".
 *
 * Memory: the returned strings are allocated from the caller's arena.
 */
#ifndef MA_SPF_RECEIVED_H
#define MA_SPF_RECEIVED_H

#include <stdbool.h>

#include "spf/spf.h"

struct arena;

struct spf_received {
	const char *result;	   /* spf_result_str() token, e.g. "pass" */
	const char *comment;	   /* without the parentheses; NULL = none */
	const char *identity;	   /* "mailfrom", "helo" (9.1); NULL = omit */
	const char *receiver;	   /* NULL = omit (Hide_Receiver) */
	const char *client_ip;	   /* NULL = omit */
	const char *envelope_from; /* NULL = omit */
	const char *helo;	   /* NULL = omit */
	const char *mechanism;	   /* NULL = omit */
	const char *problem;	   /* NULL = omit */
};

/* The header value, to be written after "Received-SPF: ".  The result
 * token is written as given (spf_result_str() gives the lower-case form
 * of the RFC 7208 examples; it is case-insensitive).  `crlf` selects "\r\n" or "\n" for folds. */
const char *spf_received_format(struct arena *arena,
				const struct spf_received *r, bool crlf);

/* The conventional comment of 9.1: "RECEIVER: domain of SENDER
 * designates IP as permitted sender" for pass, "... does not designate
 * ..." for fail, and similar texts for the other results.  `receiver`
 * NULL leaves out the "RECEIVER: " prefix; `problem` (permerror /
 * temperror detail) may be NULL. */
const char *spf_received_comment(struct arena *arena, const char *receiver,
				 enum spf_result result, const char *sender,
				 const char *client_ip, const char *problem);

#endif
