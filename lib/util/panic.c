/*
 * panic.c - the panic hook (see panic.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/panic.h"

/* A panic line longer than this is cut (it is one log line). */
#define MA_PANIC_MAX 1024

static ma_panic_handler_t *panic_handler;

void
ma_set_panic_handler(ma_panic_handler_t *handler)
{
	panic_handler = handler;
}

void
ma_panic(const char *fmt, ...)
{
	char msg[MA_PANIC_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (panic_handler != NULL)
		panic_handler(msg);
	abort();
}
