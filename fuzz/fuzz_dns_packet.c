/*
 * fuzz_dns_packet.c - libFuzzer target: DNS response messages as
 * libunbound's event interface hands them over (answer walk, name
 * decompression, RDATA decoding).  The first byte picks the queried type,
 * the rest is the message.  Checks that decoded TXT text has its stated
 * length and that names stay within RFC 1035 limits.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "dns/dns-packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum dns_type types[] = {DNS_T_A, DNS_T_AAAA, DNS_T_MX,
				      DNS_T_PTR, DNS_T_CNAME, DNS_T_TXT};

static void
check_rr(const struct dns_rr *rr)
{
	const char *name = NULL;

	switch (rr->type) {
	case DNS_T_TXT:
		if (strlen(rr->u.txt.text) > rr->u.txt.text_len)
			abort();
		return;
	case DNS_T_MX:
		name = rr->u.mx.exchange;
		break;
	case DNS_T_PTR:
	case DNS_T_CNAME:
		name = rr->u.name;
		break;
	default:
		return;
	}
	/* 255 wire octets, each escaped at most 4x in presentation form */
	if (strlen(name) > 4 * 255)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_packet_answer ans;
	struct arena *a;
	const char *err;
	size_t i;

	if (size < 1)
		return 0;
	a = arena_new(0);
	if (dns_packet_parse(data + 1, size - 1,
			     types[data[0] % (sizeof(types) / sizeof(types[0]))],
			     a, &ans, &err) == 0) {
		for (i = 0; i < ans.count; i++)
			check_rr(&ans.rrs[i]);
	}
	arena_free(&a);
	return 0;
}
