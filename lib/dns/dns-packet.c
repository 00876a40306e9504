/*
 * dns-packet.c - walk a DNS response message (RFC 1035 section 4.1): skip
 * the question section, decode the answer records of the queried type.
 * See dns-packet.h.
 */
#include "config.h"

#include <string.h>

#include "util/arena.h"
#include "dns/dns-packet.h"
#include "dns/dns-rr.h"

/* RFC 1035 4.1.1 / 4.1.2 / 4.1.3 */
#define DNS_HEADER_LEN 12
#define DNS_QUESTION_FIXED 4 /* QTYPE, QCLASS */
#define DNS_RR_FIXED 10	     /* TYPE, CLASS, TTL, RDLENGTH */
#define DNS_CLASS_IN 1
#define DNS_TYPE_SOA 6
#define DNS_SOA_FIXED 20 /* SERIAL REFRESH RETRY EXPIRE MINIMUM (3.3.13) */

static unsigned int
get16(const unsigned char *p)
{
	return ((unsigned int)p[0] << 8) | p[1];
}

static uint32_t
get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

/* Offset just past the name at msg[off], or 0 if malformed (checked,
 * not decoded: owner names are not kept). */
static size_t
skip_name(const unsigned char *msg, size_t len, size_t off)
{
	size_t end;

	return dns_rr_name_decode(NULL, msg, len, off, &end) != NULL ? end : 0;
}

static int
dns_packet_record(struct arena *arena, const unsigned char *msg, size_t len,
		  size_t *pos, enum dns_type qtype,
		  struct dns_packet_answer *answer, const char **error_r)
{
	size_t off = skip_name(msg, len, *pos), rdlen;
	unsigned int type, class;
	uint32_t ttl;

	if (off == 0 || len - off < DNS_RR_FIXED) {
		*error_r = "truncated answer record";
		return -1;
	}
	type = get16(msg + off);
	class = get16(msg + off + 2);
	ttl = get32(msg + off + 4);
	rdlen = get16(msg + off + 8);
	off += DNS_RR_FIXED;
	if (rdlen > len - off) {
		*error_r = "truncated record data";
		return -1;
	}
	*pos = off + rdlen;
	if (class != DNS_CLASS_IN)
		return 0;
	if (type == DNS_T_CNAME && qtype != DNS_T_CNAME) {
		struct dns_rr cname;

		if (dns_rr_decode(arena, DNS_T_CNAME, msg, len, off, rdlen,
				  &cname) == 0)
			answer->canonname = cname.u.name;
		return 0;
	}
	if (type != (unsigned int)qtype)
		return 0;
	if (dns_rr_decode(arena, qtype, msg, len, off, rdlen,
			  &answer->rrs[answer->count]) < 0) {
		answer->skipped++;
		return 0;
	}
	if (answer->count == 0 || ttl < answer->ttl)
		answer->ttl = ttl;
	answer->count++;
	return 0;
}

/* An authority record: an SOA sets the negative-caching TTL, the smaller
 * of the record's TTL and its MINIMUM field (RFC 2308 section 5). */
static int
dns_packet_authority(const unsigned char *msg, size_t len, size_t *pos,
		     struct dns_packet_answer *answer)
{
	size_t off = skip_name(msg, len, *pos), rdlen, end;
	uint32_t ttl, minimum;

	if (off == 0 || len - off < DNS_RR_FIXED)
		return -1;
	ttl = get32(msg + off + 4);
	rdlen = get16(msg + off + 8);
	if (rdlen > len - off - DNS_RR_FIXED)
		return -1;
	*pos = off + DNS_RR_FIXED + rdlen;
	if (get16(msg + off) != DNS_TYPE_SOA ||
	    get16(msg + off + 2) != DNS_CLASS_IN)
		return 0;
	end = off + DNS_RR_FIXED;
	end = skip_name(msg, off + DNS_RR_FIXED + rdlen, end); /* MNAME */
	if (end != 0)
		end = skip_name(msg, off + DNS_RR_FIXED + rdlen, end); /* RNAME */
	if (end == 0 || off + DNS_RR_FIXED + rdlen - end < DNS_SOA_FIXED)
		return -1;
	minimum = get32(msg + end + 16);
	answer->negative_ttl = ttl < minimum ? ttl : minimum;
	return 0;
}

int
dns_packet_parse(const unsigned char *msg, size_t len, enum dns_type qtype,
		 struct arena *arena, struct dns_packet_answer *answer,
		 const char **error_r)
{
	unsigned int qdcount, ancount, nscount, i;
	size_t pos = DNS_HEADER_LEN;

	memset(answer, 0, sizeof(*answer));
	if (len < DNS_HEADER_LEN) {
		*error_r = "truncated header";
		return -1;
	}
	answer->rcode = msg[3] & 0x0f;
	qdcount = get16(msg + 4);
	ancount = get16(msg + 6);
	nscount = get16(msg + 8);
	if (ancount > DNS_PACKET_MAX_RRS) {
		*error_r = "too many answer records";
		return -1;
	}
	for (i = 0; i < qdcount; i++) {
		pos = skip_name(msg, len, pos);
		if (pos == 0 || len - pos < DNS_QUESTION_FIXED) {
			*error_r = "truncated question";
			return -1;
		}
		pos += DNS_QUESTION_FIXED;
	}
	answer->rrs = arena_zalloc(arena, (ancount == 0 ? 1 : ancount) *
						  sizeof(*answer->rrs));
	for (i = 0; i < ancount; i++) {
		if (dns_packet_record(arena, msg, len, &pos, qtype, answer,
				      error_r) < 0)
			return -1;
	}
	/* a malformed authority section only means no negative caching */
	for (i = 0; answer->count == 0 && i < nscount; i++) {
		if (dns_packet_authority(msg, len, &pos, answer) < 0) {
			answer->negative_ttl = 0;
			break;
		}
	}
	return 0;
}
