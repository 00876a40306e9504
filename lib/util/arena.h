/*
 * arena.h - region allocator: many small allocations, one free.
 *
 * One arena per message, per policy request or per DNS answer; everything
 * allocated from it is released at once by arena_free().  Allocation never
 * fails (see xalloc.h).  Blocks are aligned for any C type.
 *
 * Memory: the arena owns every block it hands out; callers never free()
 * them.  arena_free() sets the caller's pointer to NULL.
 * Thread/async: an arena belongs to one thread at a time.
 */
#ifndef MA_ARENA_H
#define MA_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* A new empty arena; `chunk_size` is the size of its blocks (0: 4 KiB). */
struct arena *arena_new(size_t chunk_size);
/* Release the arena and everything allocated from it; *arena_p = NULL. */
void arena_free(struct arena **arena_p);
/* Release everything allocated but keep the arena for reuse (and one
 * block of the standard size, empty, so that an arena cleared per
 * request or message does not go back to malloc() each time; not under
 * AddressSanitizer, which then sees any use after the clear). */
void arena_clear(struct arena *arena);

/* `size` bytes, uninitialised / zeroed. */
void *arena_alloc(struct arena *arena, size_t size);
void *arena_zalloc(struct arena *arena, size_t size);
/* A NUL-terminated copy of s / of at most n bytes of s. */
char *arena_strdup(struct arena *arena, const char *s);
/* arena_strdup, or NULL when s is NULL (optional fields of a verdict). */
char *arena_strdup_or_null(struct arena *arena, const char *s);
char *arena_strndup(struct arena *arena, const char *s, size_t n);
/* A copy of exactly n bytes of s plus a terminating NUL (s may hold NULs). */
char *arena_memdup0(struct arena *arena, const void *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *arena, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Total bytes handed out since creation or the last clear. */
size_t arena_used(const struct arena *arena);
/* Bytes of blocks the arena holds from malloc() (used or not). */
size_t arena_held(const struct arena *arena);

#endif
