/*
 * fuzz_authres_parse.c - libFuzzer target: Authentication-Results and
 * Received-SPF readers, and the trusted-SPF policy over a header made of
 * the input split at newlines (alternating field names).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "msg/authres-parse.h"
#include "msg/received-spf-parse.h"
#include "msgauth/authres-trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 16

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	const char *in = (const char *)data, *err;
	struct authres_parsed *ar;
	struct received_spf *spf;
	struct authres_field f[MAX_FIELDS];
	struct authres_trusted_spf t;
	size_t n = 0, start = 0, i;

	(void)authres_parse(in, size, a, &ar, &err);
	if (ar->nresults > AUTHRES_PARSE_MAX_RESULTS)
		abort();
	(void)received_spf_parse(in, size, a, &spf, &err);
	for (i = 0; i <= size && n < MAX_FIELDS; i++) {
		if (i < size && in[i] != '\n')
			continue;
		f[n].name = n % 2 == 0 ? "Authentication-Results" :
			"Received-SPF";
		f[n].value = in + start;
		f[n].value_len = i - start;
		n++;
		start = i + 1;
	}
	authres_trusted_spf(f, n, "mx.example.org", a, &t);
	for (i = 0; i < t.nforged; i++)
		if (t.forged[i] >= n)
			abort();
	arena_free(&a);
	return 0;
}
