/*
 * dkim-signtable.c - OpenDKIM SigningTable parser and lookup
 * (dkim-signtable.h).
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim-signtable.h"

int
dkim_signtable_from_rows(const char *origin, enum dkim_dataset_kind kind,
			 const struct dkim_dataset_row *rows, size_t count,
			 struct arena *arena, struct dkim_signtable **table_r,
			 const char **error_r)
{
	struct dkim_signtable *t = arena_zalloc(arena, sizeof(*t));
	size_t i;

	t->kind = kind;
	t->origin = arena_strdup(arena, origin);
	t->entries = arena_zalloc(arena, (count + 1) * sizeof(*t->entries));
	for (i = 0; i < count; i++) {
		struct dkim_signtable_entry *e = &t->entries[i];
		const char *colon = strchr(rows[i].value, ':');

		e->key = rows[i].key;
		e->line = rows[i].line;
		if (colon == NULL) {
			e->keyname = rows[i].value;
		} else {
			e->keyname = arena_strndup(arena, rows[i].value,
						   (size_t)(colon - rows[i].value));
			e->signer = colon[1] != '\0' ?
				arena_strdup(arena, colon + 1) : NULL;
		}
		if (e->keyname[0] == '\0') {
			*error_r = arena_printf(arena, "%s:%u: %s: no key name",
						origin, rows[i].line, e->key);
			return -1;
		}
	}
	t->count = count;
	*table_r = t;
	return 0;
}

int
dkim_signtable_load(const char *spec, struct arena *arena,
		    struct dkim_signtable **table_r, const char **error_r)
{
	enum dkim_dataset_kind kind;
	struct dkim_dataset_row *rows;
	const char *path;
	size_t count;

	if (dkim_dataset_load(spec, arena, &kind, &path, &rows, &count,
			      error_r) < 0)
		return -1;
	return dkim_signtable_from_rows(path, kind, rows, count, arena,
					table_r, error_r);
}

bool
dkim_signtable_wildcard(const char *pattern, const char *text)
{
	const char *star = NULL, *resume = NULL;

	/* greedy match with one backtrack point: the last '*' seen */
	while (*text != '\0') {
		if (*pattern == '*') {
			star = ++pattern;
			resume = text;
		} else if (*pattern != '\0' &&
			   tolower((unsigned char)*pattern) ==
				   tolower((unsigned char)*text)) {
			pattern++;
			text++;
		} else if (star != NULL) {
			pattern = star;
			text = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

/* "%" in s replaced by domain (arena copy), or s itself. */
static const char *
percent_subst(const char *s, const char *domain, struct arena *arena)
{
	struct buf b = BUF_INIT;
	const char *ret;

	if (s == NULL || strchr(s, '%') == NULL)
		return s;
	for (; *s != '\0'; s++) {
		if (*s == '%')
			buf_append_str(&b, domain);
		else
			buf_append_char(&b, *s);
	}
	ret = arena_strdup(arena, buf_cstr(&b));
	buf_free(&b);
	return ret;
}

/* Add e to matches unless its key name is there already. */
static size_t
add_match(const struct dkim_signtable_entry *e, const char *domain,
	  struct arena *arena, struct dkim_signtable_match *m, size_t n)
{
	const char *keyname = strcmp(e->keyname, "%") == 0 ?
		domain : e->keyname;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(m[i].keyname, keyname) == 0)
			return n;
	}
	if (n == DKIM_SIGNTABLE_MAX_MATCHES)
		return n;
	m[n].keyname = keyname;
	m[n].signer = percent_subst(e->signer, domain, arena);
	m[n].line = e->line;
	return n + 1;
}

/* The candidate keys of a file: lookup, in OpenDKIM's order. */
static size_t
file_candidates(const char *local, const char *domain, struct arena *arena,
		const char **keys, size_t max)
{
	const char *dot;
	size_t n = 0;

	if (local[0] != '\0')
		keys[n++] = arena_printf(arena, "%s@%s", local, domain);
	keys[n++] = domain;
	if (local[0] != '\0') {
		for (dot = strchr(domain, '.'); dot != NULL && n < max - 4;
		     dot = strchr(dot + 1, '.'))
			keys[n++] = arena_printf(arena, "%s@%s", local, dot);
	}
	for (dot = strchr(domain, '.'); dot != NULL && n < max - 3;
	     dot = strchr(dot + 1, '.'))
		keys[n++] = dot;
	if (local[0] != '\0')
		keys[n++] = arena_printf(arena, "%s@*", local);
	keys[n++] = "*";
	return n;
}

/* Candidate keys at most: a domain has at most 127 labels. */
#define SIGNTABLE_MAX_CANDIDATES 260

size_t
dkim_signtable_lookup(const struct dkim_signtable *table, const char *local,
		      const char *domain, bool multiple, struct arena *arena,
		      struct dkim_signtable_match *matches)
{
	const char *keys[SIGNTABLE_MAX_CANDIDATES];
	const struct dkim_signtable_entry *e;
	size_t n = 0, i, j, nkeys;

	if (table->kind == DKIM_DATASET_REFILE) {
		const char *addr = arena_printf(arena, "%s@%s", local, domain);

		for (i = 0; i < table->count; i++) {
			e = &table->entries[i];
			if (!dkim_signtable_wildcard(e->key, addr))
				continue;
			n = add_match(e, domain, arena, matches, n);
			if (!multiple)
				break;
		}
		return n;
	}
	nkeys = file_candidates(local, domain, arena, keys,
				SIGNTABLE_MAX_CANDIDATES);
	for (i = 0; i < nkeys; i++) {
		for (j = 0; j < table->count; j++) {
			e = &table->entries[j];
			if (strcasecmp(e->key, keys[i]) != 0)
				continue;
			n = add_match(e, domain, arena, matches, n);
			if (!multiple)
				return n;
		}
	}
	return n;
}
