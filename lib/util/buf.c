/*
 * buf.c - growable byte buffer (see buf.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

void
buf_reserve(struct buf *b, size_t more)
{
	size_t need, cap;

	if (more > SIZE_MAX - b->len - 1)
		ma_malloc(SIZE_MAX); /* calls the OOM hook */
	need = b->len + more + 1;
	if (need <= b->cap)
		return;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = ma_realloc(b->data, cap);
	b->cap = cap;
}

void
buf_append(struct buf *b, const void *data, size_t len)
{
	buf_reserve(b, len);
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_append_str(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_append_char(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

/* Printed straight into the free room (grown to at least
 * BUF_PRINTF_ROOM first); only text that does not fit is printed a
 * second time, after growing to the length the first attempt reported. */
#define BUF_PRINTF_ROOM 128

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t room;
	int len;

	if (b->cap - b->len < BUF_PRINTF_ROOM || b->data == NULL)
		buf_reserve(b, BUF_PRINTF_ROOM);
	room = b->cap - b->len; /* with the NUL */
	va_copy(ap2, ap);
	len = vsnprintf(b->data + b->len, room, fmt, ap2);
	va_end(ap2);
	if (len <= 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)len >= room) {
		buf_reserve(b, (size_t)len);
		vsnprintf(b->data + b->len, (size_t)len + 1, fmt, ap);
	}
	b->len += (size_t)len;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

const char *
buf_cstr(const struct buf *b)
{
	return b->data == NULL ? "" : b->data;
}

char *
buf_steal(struct buf *b, size_t *len_r)
{
	char *p;

	buf_reserve(b, 0);
	p = b->data;
	if (len_r != NULL)
		*len_r = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
