/*
 * dkim-keytable.c - OpenDKIM KeyTable parser (dkim-keytable.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "dkim/dkim-keytable.h"
#include "dkim/dkim-sig.h"

static bool
key_is_path(const char *key)
{
	return key[0] == '/' || strncmp(key, "./", 2) == 0 ||
	       strncmp(key, "../", 3) == 0;
}

/* "DOMAIN:SELECTOR:KEY" into the entry; a static problem or NULL. */
static const char *
keytable_value(const char *value, struct arena *arena,
	       struct dkim_keytable_entry *e)
{
	const char *c1 = strchr(value, ':'), *c2;

	if (c1 == NULL || (c2 = strchr(c1 + 1, ':')) == NULL)
		return "value must be DOMAIN:SELECTOR:KEY";
	e->domain = arena_strndup(arena, value, (size_t)(c1 - value));
	e->selector = arena_strndup(arena, c1 + 1, (size_t)(c2 - c1 - 1));
	e->key = arena_strdup(arena, c2 + 1);
	/* the d= and s= syntax the verifier checks (RFC 6376 3.5, 3.1) */
	if (strcmp(e->domain, "%") != 0 && !dkim_sig_domain_valid(e->domain))
		return "invalid domain";
	if (!dkim_sig_selector_valid(e->selector))
		return "invalid selector";
	if (e->key[0] == '\0')
		return "empty key";
	e->key_is_path = key_is_path(e->key);
	return NULL;
}

int
dkim_keytable_from_rows(const char *origin,
			const struct dkim_dataset_row *rows, size_t count,
			struct arena *arena, struct dkim_keytable **table_r,
			const char **error_r)
{
	struct dkim_keytable *t = arena_zalloc(arena, sizeof(*t));
	size_t i;

	t->origin = arena_strdup(arena, origin);
	t->entries = arena_zalloc(arena, (count + 1) * sizeof(*t->entries));
	for (i = 0; i < count; i++) {
		struct dkim_keytable_entry *e = &t->entries[t->count];
		const struct dkim_keytable_entry *first;
		const char *problem;

		e->name = rows[i].key;
		e->line = rows[i].line;
		if ((problem = keytable_value(rows[i].value, arena, e)) != NULL) {
			*error_r = arena_printf(arena, "%s:%u: %s: %s", origin,
						rows[i].line, rows[i].key,
						problem);
			return -1;
		}
		/* probe 2026-12: a second definition used to be ignored
		 * silently; which key signs must not depend on line order */
		if ((first = dkim_keytable_find(t, e->name)) != NULL) {
			*error_r = arena_printf(arena, "%s:%u: %s: key name "
						"already defined at line %u",
						origin, rows[i].line,
						rows[i].key, first->line);
			return -1;
		}
		t->count++;
	}
	*table_r = t;
	return 0;
}

int
dkim_keytable_load(const char *spec, struct arena *arena,
		   struct dkim_keytable **table_r, const char **error_r)
{
	enum dkim_dataset_kind kind;
	struct dkim_dataset_row *rows;
	const char *path;
	size_t count;

	if (dkim_dataset_load(spec, arena, &kind, &path, &rows, &count,
			      error_r) < 0)
		return -1;
	if (kind != DKIM_DATASET_FILE) {
		*error_r = arena_printf(arena, "%s: a KeyTable is looked up by "
					"name: use file:, not refile:", spec);
		return -1;
	}
	return dkim_keytable_from_rows(path, rows, count, arena, table_r,
				       error_r);
}

const struct dkim_keytable_entry *
dkim_keytable_find(const struct dkim_keytable *table, const char *name)
{
	size_t i;

	for (i = 0; i < table->count; i++) {
		if (strcasecmp(table->entries[i].name, name) == 0)
			return &table->entries[i];
	}
	return NULL;
}
