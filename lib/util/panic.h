/*
 * panic.h - how lib/ reports a bug: an invariant that does not hold, a
 * state that cannot happen.  Bad input is never a panic (that is a
 * verdict or an error_r); a panic means the code itself is wrong.
 *
 * ma_panic() formats one line and calls the panic hook, which must not
 * return; the default hook (and a hook that returns) is abort().  Each
 * front-end installs its own at start-up beside the out-of-memory hook of
 * xalloc.h: the daemons and the CLI log the line in Postfix style and
 * exit (common/progfatal.h; the DKIM signer exits 75, EX_TEMPFAIL, so
 * Postfix retries the message), the Dovecot plugin calls i_panic().
 *
 * The hook is process-wide state, like the out-of-memory hook: set once
 * at start-up, before any thread exists, and never changed afterwards.
 *
 * Memory: the line handed to the hook lives only for the call; formatting
 * it allocates nothing (it may run when memory is gone).
 */
#ifndef MA_PANIC_H
#define MA_PANIC_H

/* Called with the formatted line (no newline); must not return. */
typedef void ma_panic_handler_t(const char *msg);

/* Install the panic hook (NULL restores the default, abort()). */
void ma_set_panic_handler(ma_panic_handler_t *handler);

/* Report a bug and stop: never returns. */
void ma_panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* A bug unless `expr` holds: ma_panic() with the file, line, function and
 * the expression.  Always compiled in (no NDEBUG switch). */
#define MA_ASSERT(expr)                                                      \
	((expr) ? (void)0                                                    \
		: ma_panic("%s:%d: %s: assertion failed: %s", __FILE__,      \
			   __LINE__, __func__, #expr))

#endif
