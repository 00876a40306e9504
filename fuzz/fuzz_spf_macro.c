/*
 * fuzz_spf_macro.c - libFuzzer target: the SPF macro expander (RFC 7208
 * section 7).  The first byte picks the context (domain-spec,
 * explanation, modifier value) and the client family; the rest is the
 * macro string.  Checks that the syntax check and the expansion agree
 * and that the output stays bounded.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "spf/spf-addr.h"
#include "spf/spf-macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spf_macro_vars vars = {"strong-bad@email.example.com",
	                              "strong-bad",
	                              "email.example.com",
	                              "sub.email.example.com",
	                              NULL,
	                              "mx.example.org",
	                              "helo.example.org",
	                              "rcv.example.net",
	                              1117574938};
	enum spf_macro_context ctx;
	struct arena *arena;
	struct spf_macro_info info;
	struct spf_addr ip;
	const char *err, *s;
	char *out;
	int checked, expanded;

	if (size == 0)
		return 0;
	ctx = (enum spf_macro_context)(data[0] % 3);
	spf_addr_parse((data[0] & 0x80) ? "2001:db8::cb01" : "192.0.2.3", &ip);
	vars.ip = &ip;
	s = (const char *)data + 1;
	arena = arena_new(0);
	checked = spf_macro_check(s, size - 1, ctx, &info, &err);
	expanded = spf_macro_expand(arena, s, size - 1, ctx, &vars, &out, &err);
	if (checked == 0 && expanded < 0 &&
	    strcmp(err, "macro expansion too long") != 0)
		abort();
	if (checked < 0 && expanded == 0)
		abort();
	if (expanded == 0) {
		const char *name = spf_macro_truncate_domain(out);

		/* one last expansion may overshoot the bound by its own size */
		if (strlen(out) > SPF_MACRO_MAX_OUTPUT + 3 * 1024)
			abort();
		if (strlen(name) > SPF_MACRO_MAX_DOMAIN &&
		    strchr(name, '.') != NULL)
			abort();
	}
	if (checked == 0 && info.tail_start > size - 1)
		abort();
	arena_free(&arena);
	return 0;
}
