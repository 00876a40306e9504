/*
 * dns-rr.h - decoding of one resource record's RDATA (RFC 1035 section
 * 3.3, RFC 3596) into struct dns_rr (see dns.h).  Names inside RDATA may
 * be compressed (RFC 1035 4.1.4), so decoding works on the whole message:
 * `msg` is the DNS message and the RDATA is msg[off .. off+len).
 * Kept apart from the resolver so that it can be unit-tested and fuzzed
 * on raw bytes.
 *
 * Memory: everything is allocated from the arena passed in.
 */
#ifndef MA_DNS_RR_H
#define MA_DNS_RR_H

#include <stddef.h>

#include "dns/dns.h"

/* Decode the RDATA of `type` at msg[off .. off+len).  Returns 0, or -1 if
 * it is malformed for its type (the caller then skips the record). */
int dns_rr_decode(struct arena *arena, enum dns_type type,
		  const unsigned char *msg, size_t msg_len, size_t off,
		  size_t len, struct dns_rr *rr);

/* The (possibly compressed) name at msg[off] as presentation text without
 * the final dot (the root is ""); *end_r is set to the offset just past
 * the name's own octets (not past any pointer target).  Returns NULL if
 * malformed: truncated, a label over 63 octets, a name over 255 octets,
 * or a compression pointer that does not point backwards.  With `arena`
 * NULL the name is only checked and skipped (the result is ""). */
const char *dns_rr_name_decode(struct arena *arena, const unsigned char *msg,
			       size_t msg_len, size_t off, size_t *end_r);

#endif
