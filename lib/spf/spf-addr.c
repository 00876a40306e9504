/*
 * spf-addr.c - client addresses, CIDR matching, macro forms (spf-addr.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dns/dns.h"
#include "spf/spf-addr.h"

static const unsigned char v4_mapped_prefix[12] = {0, 0, 0, 0, 0,    0,
                                                   0, 0, 0, 0, 0xff, 0xff};

int
spf_addr_parse(const char *text, struct spf_addr *addr_r)
{
	struct in6_addr a6;
	struct in_addr a4;

	memset(addr_r, 0, sizeof(*addr_r));
	if (inet_pton(AF_INET, text, &a4) == 1) {
		memcpy(addr_r->bytes, &a4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, text, &a6) != 1)
		return -1;
	if (memcmp(a6.s6_addr, v4_mapped_prefix, 12) == 0) {
		memcpy(addr_r->bytes, a6.s6_addr + 12, 4);
		return 0;
	}
	addr_r->v6 = true;
	addr_r->upper_hex =
	    strpbrk(text, "ABCDEF") != NULL && strpbrk(text, "abcdef") == NULL;
	memcpy(addr_r->bytes, a6.s6_addr, 16);
	return 0;
}

bool
spf_addr_match(const struct spf_addr *client, const struct spf_addr *net,
               unsigned int prefix)
{
	unsigned int max = client->v6 ? SPF_ADDR_V6_BITS : SPF_ADDR_V4_BITS;
	unsigned int full, rest;
	unsigned char mask;

	if (client->v6 != net->v6)
		return false;
	if (prefix > max)
		prefix = max;
	full = prefix / 8;
	rest = prefix % 8;
	if (memcmp(client->bytes, net->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return (client->bytes[full] & mask) == (net->bytes[full] & mask);
}

bool
spf_addr_in_answer(const struct dns_result *result, const struct spf_addr *ip,
                   unsigned int cidr4, unsigned int cidr6)
{
	struct spf_addr a;
	size_t i;

	for (i = 0; i < result->count; i++) {
		const struct dns_rr *rr = &result->rrs[i];

		memset(&a, 0, sizeof(a));
		if (rr->type == DNS_T_A)
			memcpy(a.bytes, &rr->u.a, 4);
		else if (rr->type == DNS_T_AAAA) {
			a.v6 = true;
			memcpy(a.bytes, &rr->u.aaaa, 16);
		} else
			continue;
		if (spf_addr_match(ip, &a, a.v6 ? cidr6 : cidr4))
			return true;
	}
	return false;
}

void
spf_addr_ntop(const struct spf_addr *addr, char *buf, size_t size)
{
	if (inet_ntop(addr->v6 ? AF_INET6 : AF_INET, addr->bytes, buf,
	              (socklen_t)size) == NULL &&
	    size > 0)
		buf[0] = '\0';
}

static void
append_nibbles(struct buf *b, const struct spf_addr *addr, bool reverse)
{
	const char *hex = addr->upper_hex && !reverse ? "0123456789ABCDEF"
	                                              : "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		int k = reverse ? 31 - i : i;
		unsigned char byte = addr->bytes[k / 2];
		unsigned char nib = (k % 2 == 0) ? byte >> 4 : byte & 0x0f;

		if (i > 0)
			buf_append_char(b, '.');
		buf_append_char(b, hex[nib]);
	}
}

static char *
buf_to_arena(struct arena *arena, struct buf *b)
{
	char *s = arena_memdup0(arena, buf_cstr(b), b->len);

	buf_free(b);
	return s;
}

char *
spf_addr_dotted(struct arena *arena, const struct spf_addr *addr)
{
	struct buf b = BUF_INIT;

	if (!addr->v6)
		return arena_printf(arena, "%u.%u.%u.%u", addr->bytes[0],
		                    addr->bytes[1], addr->bytes[2],
		                    addr->bytes[3]);
	append_nibbles(&b, addr, false);
	return buf_to_arena(arena, &b);
}

char *
spf_addr_reverse_name(struct arena *arena, const struct spf_addr *addr)
{
	struct buf b = BUF_INIT;

	if (!addr->v6)
		return arena_printf(arena, "%u.%u.%u.%u.in-addr.arpa",
		                    addr->bytes[3], addr->bytes[2],
		                    addr->bytes[1], addr->bytes[0]);
	append_nibbles(&b, addr, true);
	buf_append_str(&b, ".ip6.arpa");
	return buf_to_arena(arena, &b);
}
