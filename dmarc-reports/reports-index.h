/*
 * reports-index.h - an index from a string key to a caller's pointer:
 * open addressing, FNV-1a, grown by doubling.  `summary` finds the
 * policy domain and the source of each reported row in it, so it must
 * stay fast with a report of 100,000 rows.
 *
 * Memory: the index and its copies of the keys live in the arena given;
 * the values are the caller's.
 */
#ifndef REPORTS_INDEX_H
#define REPORTS_INDEX_H

#include <stddef.h>

struct arena;
struct reports_index;

struct reports_index *reports_index_new(struct arena *arena);
/* The value stored under `key`, or NULL. */
void *reports_index_get(const struct reports_index *idx, const char *key);
/* Store `value` under `key` (a copy of the key is kept); replaces. */
void reports_index_put(struct reports_index *idx, const char *key,
		       void *value);
/* Number of keys. */
size_t reports_index_count(const struct reports_index *idx);

#endif
