/*
 * arena.c - region allocator (see arena.h).  A list of chunks; a request
 * larger than a chunk gets a chunk of its own.
 */
#include "config.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/asan.h"
#include "util/xalloc.h"

#define ARENA_DEFAULT_CHUNK 4096
#define ARENA_ALIGN alignof(max_align_t)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* usable bytes in data[] */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct arena_chunk *chunks; /* newest first */
	size_t chunk_size;
	size_t total;
};

struct arena *
arena_new(size_t chunk_size)
{
	struct arena *arena = ma_calloc(1, sizeof(*arena));

	arena->chunk_size = chunk_size == 0 ? ARENA_DEFAULT_CHUNK : chunk_size;
	return arena;
}

/* Under AddressSanitizer every chunk goes back to malloc, so that a use
 * after arena_clear() is still caught. */
#define ARENA_KEEP_CHUNK (!MA_UNDER_ASAN)

/* Free the chunks; with `keep`, one of the standard size stays, empty,
 * for the next allocations (an arena cleared per request then costs no
 * malloc() per request). */
static void
arena_release(struct arena *arena, bool keep)
{
	struct arena_chunk *c, *next, *kept = NULL;

	for (c = arena->chunks; c != NULL; c = next) {
		next = c->next;
		if (keep && kept == NULL && c->size == arena->chunk_size) {
			kept = c;
			continue;
		}
		free(c);
	}
	if (kept != NULL) {
		kept->next = NULL;
		kept->used = 0;
	}
	arena->chunks = kept;
	arena->total = 0;
}

void
arena_clear(struct arena *arena)
{
	arena_release(arena, ARENA_KEEP_CHUNK);
}

void
arena_free(struct arena **arena_p)
{
	if (*arena_p == NULL)
		return;
	arena_release(*arena_p, false);
	free(*arena_p);
	*arena_p = NULL;
}

static struct arena_chunk *
arena_chunk_new(struct arena *arena, size_t need)
{
	size_t size = need > arena->chunk_size ? need : arena->chunk_size;
	struct arena_chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		ma_malloc(SIZE_MAX); /* calls the OOM hook */
	c = ma_malloc(sizeof(*c) + size);
	c->size = size;
	c->used = 0;
	return c;
}

void *
arena_alloc(struct arena *arena, size_t size)
{
	struct arena_chunk *c = arena->chunks;
	size_t rounded;
	void *p;

	if (size > SIZE_MAX - ARENA_ALIGN)
		ma_malloc(SIZE_MAX);
	rounded = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (rounded == 0)
		rounded = ARENA_ALIGN;
	if (c == NULL || c->size - c->used < rounded) {
		c = arena_chunk_new(arena, rounded);
		if (rounded > arena->chunk_size && arena->chunks != NULL) {
			/* a big block: keep the current chunk on top */
			c->next = arena->chunks->next;
			arena->chunks->next = c;
		} else {
			c->next = arena->chunks;
			arena->chunks = c;
		}
	}
	p = c->data + c->used;
	c->used += rounded;
	arena->total += size;
	return p;
}

void *
arena_zalloc(struct arena *arena, size_t size)
{
	void *p = arena_alloc(arena, size);

	memset(p, 0, size);
	return p;
}

char *
arena_memdup0(struct arena *arena, const void *s, size_t n)
{
	char *p = arena_alloc(arena, n + 1);

	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strndup(struct arena *arena, const char *s, size_t n)
{
	return arena_memdup0(arena, s, strnlen(s, n));
}

char *
arena_strdup(struct arena *arena, const char *s)
{
	return arena_memdup0(arena, s, strlen(s));
}

char *
arena_strdup_or_null(struct arena *arena, const char *s)
{
	return s != NULL ? arena_strdup(arena, s) : NULL;
}

/* Formatting is the bulk of a policy request's CPU when done twice
 * (measure, then print): print straight into the free room of the
 * newest chunk, and only when it does not fit, allocate the length the
 * first attempt reported and print again. */
char *
arena_vprintf(struct arena *arena, const char *fmt, va_list ap)
{
	struct arena_chunk *c = arena->chunks;
	size_t room = 0;
	va_list ap2;
	char *p = NULL;
	int len;

	if (c != NULL && c->size > c->used)
		room = (c->size - c->used) & ~(ARENA_ALIGN - 1);
	if (room > 0)
		p = (char *)c->data + c->used;
	va_copy(ap2, ap);
	len = vsnprintf(p, room, fmt, ap2);
	va_end(ap2);
	if (len < 0) {
		p = arena_alloc(arena, 1);
		*p = '\0';
		return p;
	}
	if ((size_t)len < room) /* it fits: the text is in place */
		return arena_alloc(arena, (size_t)len + 1);
	p = arena_alloc(arena, (size_t)len + 1);
	vsnprintf(p, (size_t)len + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *arena, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(arena, fmt, ap);
	va_end(ap);
	return p;
}

size_t
arena_used(const struct arena *arena)
{
	return arena->total;
}

size_t
arena_held(const struct arena *arena)
{
	const struct arena_chunk *c;
	size_t n = 0;

	for (c = arena->chunks; c != NULL; c = c->next)
		n += c->size;
	return n;
}
