/*
 * spf-addr.h - the client address as SPF sees it (RFC 7208 sections 4.1,
 * 5.6, 7.3): parsing with IPv4-mapped IPv6 folded to IPv4, CIDR matching
 * for ip4/ip6/a/mx, and the text forms used by the i, c, v macros and by
 * PTR lookups.
 *
 * Memory: struct spf_addr is a plain value; the string functions write
 * into caller buffers or the given arena.
 */
#ifndef MA_SPF_ADDR_H
#define MA_SPF_ADDR_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct dns_result;

#define SPF_ADDR_V4_BITS 32
#define SPF_ADDR_V6_BITS 128

struct spf_addr {
	bool v6;        /* false: IPv4 in bytes[0..3] */
	bool upper_hex; /* the text spelt hex digits in upper case */
	unsigned char bytes[16];
};

/* Parse IPv4 or IPv6 text; "::ffff:a.b.c.d" becomes IPv4 (RFC 7208 5,
 * last paragraph of 5.6).  0, or -1 if it is not an address. */
int spf_addr_parse(const char *text, struct spf_addr *addr_r);

/* Whether the first `prefix` bits of `client` and `net` agree and both
 * are the same family.  `prefix` larger than the family size is clamped. */
bool spf_addr_match(const struct spf_addr *client, const struct spf_addr *net,
                    unsigned int prefix);

/* Whether any A/AAAA record of `result` is within cidr4 / cidr6 bits of
 * `ip` (the a and mx mechanisms, PTR validation, and spf-policyd's
 * HELO_Whitelist check). */
bool spf_addr_in_answer(const struct dns_result *result,
                        const struct spf_addr *ip, unsigned int cidr4,
                        unsigned int cidr6);

/* The "c" macro form (inet_ntop); buffer of at least 46 bytes. */
void spf_addr_ntop(const struct spf_addr *addr, char *buf, size_t size);

/* The "i" macro form (RFC 7208 7.3): dotted quad, or 32 dot-separated
 * nibbles for IPv6, spelt in the case of the address as it was given
 * (the 7.4 example is lower case; the openspf suite expects upper-case
 * nibbles for an upper-case address; DNS ignores the difference).
 * Arena-allocated. */
char *spf_addr_dotted(struct arena *arena, const struct spf_addr *addr);

/* The reverse-lookup name (x.x.x.x.in-addr.arpa / nibbles.ip6.arpa),
 * arena-allocated. */
char *spf_addr_reverse_name(struct arena *arena, const struct spf_addr *addr);

#endif
