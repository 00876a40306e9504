/*
 * buf.h - a growable byte buffer, always NUL-terminated for convenience
 * (the data may itself contain NUL bytes; `len` is authoritative).
 *
 * Memory: the buffer owns `data`; buf_free() releases it.  A zeroed
 * struct buf (BUF_INIT) is a valid empty buffer.  Growth never fails
 * (xalloc.h); callers that read untrusted input enforce their own limits
 * before appending.
 */
#ifndef MA_BUF_H
#define MA_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NULL or len bytes followed by a NUL */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Make room for `more` bytes beyond len (plus the NUL). */
void buf_reserve(struct buf *b, size_t more);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_append_str(struct buf *b, const char *s);
void buf_append_char(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Drop the first n bytes (n > len drops everything). */
void buf_consume(struct buf *b, size_t n);
/* Empty the buffer, keep the memory. */
void buf_reset(struct buf *b);
/* Release the memory; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);
/* The contents as a C string ("" for an empty buffer). */
const char *buf_cstr(const struct buf *b);
/* Hand the data to the caller (who free()s it); the buffer is emptied. */
char *buf_steal(struct buf *b, size_t *len_r);

#endif
