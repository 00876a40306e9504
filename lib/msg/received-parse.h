/*
 * received-parse.h - the connecting client's address in a Received
 * field (RFC 5321 4.4 "Trace Information": the From-domain clause
 * "from helo (TCP-info)", TCP-info holding the address literal
 * "[192.0.2.1]" or "[IPv6:2001:db8::1]", RFC 5321 4.1.3).  Postfix's
 * smtpd writes "from helo (name [addr])" (with or without "IPv6:").
 *
 * Only the part before " by " is looked at, and only an address that
 * inet_pton() accepts is returned: a Received field is text anyone may
 * write, so the caller decides which field to believe (msgauth's trust
 * position: authres-trust.h).
 *
 * Memory: the address is allocated from the arena given.
 */
#ifndef MA_RECEIVED_PARSE_H
#define MA_RECEIVED_PARSE_H

#include <stddef.h>

struct arena;

/* The last address literal of the from clause, in inet_ntop() form
 * (without "IPv6:").  0 with *ip_r set, or -1 with a static *error_r
 * when there is no valid one. */
int received_client_ip(const char *value, size_t len, struct arena *arena,
		       const char **ip_r, const char **error_r);

#endif
