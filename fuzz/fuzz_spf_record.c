/*
 * fuzz_spf_record.c - libFuzzer target: the SPF record parser (RFC 7208
 * 4.6), on the input as is and behind "v=spf1 ".  Checks the parser's
 * promises: CIDR lengths within the family, every kept domain-spec
 * expands (its syntax was checked), terms bounded by the input size.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "spf/spf-addr.h"
#include "spf/spf-macro.h"
#include "spf/spf-record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
expand_or_die(struct arena *arena, const char *spec,
              const struct spf_macro_vars *vars)
{
	const char *err;
	char *out;

	if (spec != NULL &&
	    spf_macro_expand(arena, spec, strlen(spec), SPF_MACRO_DOMAIN, vars,
	                     &out, &err) < 0 &&
	    strcmp(err, "macro expansion too long") != 0)
		abort();
}

static void
check_record(struct arena *arena, const char *text, size_t len)
{
	struct spf_macro_vars vars = {"l@d.example", "l",  "d.example",
	                              "d.example",   NULL, NULL,
	                              NULL,          NULL, 0};
	struct spf_record *rec;
	struct spf_addr ip;
	const char *err;
	size_t i;

	spf_addr_parse("2001:db8::1", &ip);
	vars.ip = &ip;
	if (spf_record_parse(text, len, arena, &rec, &err) < 0)
		return;
	if (rec->nterms > len / 2 + 1)
		abort();
	for (i = 0; i < rec->nterms; i++) {
		const struct spf_term *t = &rec->terms[i];

		if (t->cidr4 > SPF_ADDR_V4_BITS || t->cidr6 > SPF_ADDR_V6_BITS)
			abort();
		expand_or_die(arena, t->domain_spec, &vars);
	}
	expand_or_die(arena, rec->redirect, &vars);
	expand_or_die(arena, rec->exp, &vars);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *arena = arena_new(0);
	char *prefixed = malloc(size + 7);

	check_record(arena, (const char *)data, size);
	memcpy(prefixed, "v=spf1 ", 7);
	memcpy(prefixed + 7, data, size);
	check_record(arena, prefixed, size + 7);
	free(prefixed);
	arena_free(&arena);
	return 0;
}
