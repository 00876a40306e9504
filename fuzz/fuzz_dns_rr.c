/*
 * fuzz_dns_rr.c - libFuzzer target: RDATA decoding.  The first byte picks
 * the RR type, the rest is the RDATA as libunbound would hand it over.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dns-rr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum dns_type types[] = {DNS_T_A, DNS_T_AAAA, DNS_T_MX,
				      DNS_T_PTR, DNS_T_CNAME, DNS_T_TXT};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct dns_rr rr;
	enum dns_type type;

	if (size < 1)
		return 0;
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	a = arena_new(0);
	if (dns_rr_decode(a, type, data + 1, size - 1, &rr) == 0 &&
	    type == DNS_T_TXT && strlen(rr.u.txt.text) > rr.u.txt.text_len)
		abort();
	arena_free(&a);
	return 0;
}
