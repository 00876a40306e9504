/*
 * fuzz_msg_address.c - libFuzzer target: RFC 5322 address-list parser and
 * the Author Domain extraction (IDN conversion included).  Checks the
 * error offset and that every address has a local part and a domain.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "util/arena.h"
#include "msg/msg-address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct msg_address *addrs;
	const char *err, *domain, *value;
	size_t n, i, pos = 0;

	if (msg_address_list_parse((const char *)data, size, a, &addrs, &n,
				   &err, &pos) == 0) {
		for (i = 0; i < n; i++)
			if (addrs[i].local_part == NULL ||
			    addrs[i].domain == NULL)
				abort();
	} else if (pos > size) {
		abort();
	}
	value = arena_memdup0(a, data, size);
	(void)msg_address_author_domain(&value, &size, 1, a, &domain, &err);
	arena_free(&a);
	return 0;
}
