/*
 * reports-index.c - string-keyed index for `summary` (reports-index.h).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "util/arena.h"
#include "reports-index.h"

#define INDEX_INITIAL_SLOTS 64 /* a power of two */

struct index_slot {
	const char *key;	/* NULL: free */
	uint64_t hash;
	void *value;
};

struct reports_index {
	struct arena *arena;
	struct index_slot *slots;
	size_t nslots, count;
};

static uint64_t
index_hash(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211ULL;
	}
	return h;
}

struct reports_index *
reports_index_new(struct arena *arena)
{
	struct reports_index *idx = arena_zalloc(arena, sizeof(*idx));

	idx->arena = arena;
	idx->nslots = INDEX_INITIAL_SLOTS;
	idx->slots = arena_zalloc(arena, idx->nslots * sizeof(*idx->slots));
	return idx;
}

static struct index_slot *
index_find(struct index_slot *slots, size_t nslots, const char *key,
	   uint64_t hash)
{
	size_t i = (size_t)hash & (nslots - 1);

	while (slots[i].key != NULL &&
	       (slots[i].hash != hash || strcmp(slots[i].key, key) != 0))
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

/* The old slots stay in the arena until it is freed: the total is at
 * most twice the final table. */
static void
index_grow(struct reports_index *idx)
{
	size_t n = idx->nslots * 2, i;
	struct index_slot *slots = arena_zalloc(idx->arena, n * sizeof(*slots));

	for (i = 0; i < idx->nslots; i++) {
		if (idx->slots[i].key != NULL)
			*index_find(slots, n, idx->slots[i].key,
				    idx->slots[i].hash) = idx->slots[i];
	}
	idx->slots = slots;
	idx->nslots = n;
}

void *
reports_index_get(const struct reports_index *idx, const char *key)
{
	return index_find(idx->slots, idx->nslots, key, index_hash(key))
		->value;
}

void
reports_index_put(struct reports_index *idx, const char *key, void *value)
{
	uint64_t hash = index_hash(key);
	struct index_slot *s;

	if ((idx->count + 1) * 2 > idx->nslots)
		index_grow(idx);
	s = index_find(idx->slots, idx->nslots, key, hash);
	if (s->key == NULL) {
		s->key = arena_strdup(idx->arena, key);
		s->hash = hash;
		idx->count++;
	}
	s->value = value;
}

size_t
reports_index_count(const struct reports_index *idx)
{
	return idx->count;
}
