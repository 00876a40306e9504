/*
 * fuzz_conf.c - libFuzzer target: the configuration reader over a table
 * with every option type.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_settings {
	const char *s;
	bool b;
	unsigned int u, t, e;
	const char *const *l;
};

static const char *const choices[] = {"one", "two", NULL};
static const struct conf_option table[] = {
	{"str", CONF_STRING, NULL, offsetof(struct fuzz_settings, s), 0, 0, NULL},
	{"bool", CONF_BOOL, "no", offsetof(struct fuzz_settings, b), 0, 0, NULL},
	{"uint", CONF_UINT, "1", offsetof(struct fuzz_settings, u), 1, 100, NULL},
	{"time", CONF_TIME, "1s", offsetof(struct fuzz_settings, t), 0, 0, NULL},
	{"enum", CONF_ENUM, "one", offsetof(struct fuzz_settings, e), 0, 0, choices},
	{"list", CONF_LIST, "", offsetof(struct fuzz_settings, l), 0, 0, NULL},
	{NULL, 0, NULL, 0, 0, 0, NULL},
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct fuzz_settings s;
	const char *err;

	if (conf_defaults(table, &s, a, &err) == 0)
		(void)conf_read_buffer(table, &s, a, "fuzz", (const char *)data,
				       size, &err);
	/* OpenDKIM's "Name value" syntax (dkim-signer) */
	if (conf_defaults(table, &s, a, &err) == 0)
		(void)conf_read_buffer_syntax(table, &s, a, CONF_SYNTAX_SPACE,
					      "fuzz", (const char *)data, size,
					      &err);
	arena_free(&a);
	return 0;
}
