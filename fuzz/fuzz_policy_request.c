/*
 * fuzz_policy_request.c - libFuzzer target: the policy delegation
 * protocol push parser (postfix-policyd/policy-request.c).  The first
 * input byte picks the chunk size, the second the limits (and a cap on
 * queued requests: what the parser does not take is pushed again after
 * draining, as spf-policyd does), so the same input is also cut at every
 * possible place.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "policy-request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_parser *p;
	struct arena *a;
	size_t chunk, off;

	if (size < 2)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	p = policy_parser_new(data[1] & 1 ? 256 : 0, data[1] & 2 ? 4 : 0);
	if (data[1] & 4)
		policy_parser_set_max_queued(p, 1 + ((data[1] >> 3) & 3));
	a = arena_new(0);
	data += 2;
	size -= 2;
	for (off = 0; off < size;) {
		const struct policy_request *r;
		const char *err;
		enum policy_parse_status st;
		size_t n = size - off < chunk ? size - off : chunk;

		/* a queue cap may leave some: pushed again after draining */
		off += policy_parser_push(p, data + off, n);
		while ((st = policy_parser_next(p, a, &r, &err)) !=
		       POLICY_MORE) {
			if (st == POLICY_REQUEST)
				(void)policy_request_get(r, "sender");
			if (st == POLICY_GARBAGE)
				break;
		}
		arena_clear(a);
		if (st == POLICY_GARBAGE)
			break;
	}
	policy_parser_free(&p);
	arena_free(&a);
	return 0;
}
