/*
 * log.h - the log hook through which lib/ reports what it does.
 *
 * lib/ never prints.  Every module that wants to say something takes a
 * `const struct ma_log *` and calls ma_log_*(); the front-end (daemon,
 * CLI, Dovecot plugin) decides where the line goes (stderr, syslog,
 * Dovecot's e_* events).  A NULL `struct ma_log *` or a NULL fn discards
 * every message, which is what unit tests usually want.
 *
 * Memory: the message string handed to the hook lives only for the call.
 * Thread/async: the hook is called synchronously from the caller's thread.
 */
#ifndef MA_LOG_H
#define MA_LOG_H

#include <stdarg.h>

/* Severity, in Postfix's vocabulary (msg_info, msg_warn, msg_error). */
enum ma_log_level {
	MA_LOG_DEBUG, /* verbose tracing, off unless asked for */
	MA_LOG_INFO,  /* one line per decision */
	MA_LOG_WARN,  /* bad input or a recoverable problem */
	MA_LOG_ERROR, /* an internal failure; the caller returns -1 */
};

/* The sink: fn(context, level, message).  The message has no newline. */
struct ma_log {
	void (*fn)(void *context, enum ma_log_level level, const char *msg);
	void *context;
	enum ma_log_level min_level; /* lines below this are not formatted */
};

/* Format and hand a line to the hook; does nothing if log or fn is NULL
 * or the level is below min_level. */
void ma_log(const struct ma_log *log, enum ma_log_level level,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ma_logv(const struct ma_log *log, enum ma_log_level level,
	     const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

#define ma_log_debug(log, ...) ma_log((log), MA_LOG_DEBUG, __VA_ARGS__)
#define ma_log_info(log, ...) ma_log((log), MA_LOG_INFO, __VA_ARGS__)
#define ma_log_warn(log, ...) ma_log((log), MA_LOG_WARN, __VA_ARGS__)
#define ma_log_error(log, ...) ma_log((log), MA_LOG_ERROR, __VA_ARGS__)

/* Short name of a level ("debug", "info", "warning", "error"). */
const char *ma_log_level_str(enum ma_log_level level);

#endif
