/*
 * log.c - format a line and hand it to the front-end's hook (see log.h).
 */
#include "config.h"

#include <stdio.h>

#include "util/log.h"

/* Longest line handed to a hook; longer lines are cut, never split. */
#define MA_LOG_LINE_MAX 2048

void
ma_logv(const struct ma_log *log, enum ma_log_level level, const char *fmt,
	va_list ap)
{
	char line[MA_LOG_LINE_MAX];

	if (log == NULL || log->fn == NULL || level < log->min_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	log->fn(log->context, level, line);
}

void
ma_log(const struct ma_log *log, enum ma_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ma_logv(log, level, fmt, ap);
	va_end(ap);
}

const char *
ma_log_level_str(enum ma_log_level level)
{
	switch (level) {
	case MA_LOG_DEBUG:
		return "debug";
	case MA_LOG_INFO:
		return "info";
	case MA_LOG_WARN:
		return "warning";
	case MA_LOG_ERROR:
		return "error";
	}
	return "unknown";
}
