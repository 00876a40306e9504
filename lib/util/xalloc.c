/*
 * xalloc.c - allocation wrappers that call the fatal hook on failure.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static ma_oom_handler_t *oom_handler;

void
ma_set_oom_handler(ma_oom_handler_t *handler)
{
	oom_handler = handler;
}

static void __attribute__((noreturn))
ma_oom(size_t size)
{
	if (oom_handler != NULL)
		oom_handler(size);
	abort();
}

void *
ma_malloc(size_t size)
{
	void *p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		ma_oom(size);
	return p;
}

void *
ma_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);

	if (p == NULL)
		ma_oom(nmemb * size);
	return p;
}

void *
ma_realloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size == 0 ? 1 : size);

	if (p == NULL)
		ma_oom(size);
	return p;
}

void *
ma_reallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		ma_oom(SIZE_MAX);
	return ma_realloc(ptr, nmemb * size);
}

char *
ma_strdup(const char *s)
{
	return ma_strndup(s, strlen(s));
}

char *
ma_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = ma_malloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
