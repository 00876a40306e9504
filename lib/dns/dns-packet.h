/*
 * dns-packet.h - the answer section of a DNS response message (RFC 1035
 * section 4.1) as libunbound's event interface hands it over: the records
 * of the queried type, the canonical name reached through CNAMEs, and the
 * smallest TTL, the negative-caching TTL of an answer without records
 * (RFC 2308 section 5, from the authority section's SOA), and the
 * header's rcode (libunbound's event callback passes
 * 0 for NXDOMAIN answers; the message says what it was).
 *
 * Memory: the records and names are allocated from the arena passed in;
 * nothing points into the message afterwards.
 */
#ifndef MA_DNS_PACKET_H
#define MA_DNS_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"

/* More answer records than this is not an answer we use. */
#define DNS_PACKET_MAX_RRS 1024

struct dns_packet_answer {
	unsigned int rcode;	/* RFC 1035 4.1.1 RCODE of the header */
	size_t count;		/* records of the queried type */
	struct dns_rr *rrs;	/* count entries (malformed ones skipped) */
	size_t skipped;		/* records of the type that did not decode */
	uint32_t ttl;		/* smallest TTL of those records, or 0 */
	const char *canonname;	/* last CNAME target, or NULL */
	/* no record of the type: min(SOA TTL, SOA MINIMUM) of an SOA in the
	 * authority section (RFC 2308 section 5), or 0 without one */
	uint32_t negative_ttl;
};

/* Parse `msg`; 0 and *answer_r filled, or -1 with a static reason in
 * *error_r when the message itself is malformed (truncated header,
 * questions or records, bad names). */
int dns_packet_parse(const unsigned char *msg, size_t len,
		     enum dns_type qtype, struct arena *arena,
		     struct dns_packet_answer *answer_r, const char **error_r);

#endif
