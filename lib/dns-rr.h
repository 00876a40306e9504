/*
 * dns-rr.h - decoding of libunbound's answer data (wire-format RDATA with
 * uncompressed names) into struct dns_rr (see dns.h).  Kept apart from the
 * resolver so that it can be unit-tested and fuzzed on raw bytes.
 *
 * Memory: everything is allocated from the arena passed in.
 */
#ifndef MA_DNS_RR_H
#define MA_DNS_RR_H

#include <stddef.h>

#include "dns.h"

/* Decode one RDATA of `type`.  Returns 0, or -1 if the RDATA is malformed
 * for its type (the record is then skipped by the caller). */
int dns_rr_decode(struct arena *arena, enum dns_type type,
		  const unsigned char *rdata, size_t len, struct dns_rr *rr);

/* A wire-format name (sequence of length-prefixed labels ending with the
 * root label) at data[0..len) as presentation text without the final dot;
 * *used_r is set to the octets consumed.  Returns NULL if malformed. */
const char *dns_rr_name_decode(struct arena *arena, const unsigned char *data,
			       size_t len, size_t *used_r);

#endif
