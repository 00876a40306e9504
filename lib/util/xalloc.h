/*
 * xalloc.h - allocation that never returns NULL.
 *
 * Out-of-memory is not something a mail filter can recover from in the
 * middle of a message, so every allocation in lib/ goes through these and
 * an allocation failure calls one fatal hook.  The default hook aborts;
 * each front-end installs its own at start-up, beside the panic hook of
 * panic.h: the daemons and the CLI log one line and exit
 * (common/progfatal.h; the DKIM signer's exits 75, EX_TEMPFAIL, so
 * Postfix retries the message later), the Dovecot plugin's calls
 * i_fatal_status(FATAL_OUTOFMEM).
 *
 * This hook and the panic hook are the only process-wide state in lib/:
 * set once at start-up, before any thread exists, and never changed
 * afterwards.
 *
 * Memory: whatever these return is owned by the caller and freed with free().
 */
#ifndef MA_XALLOC_H
#define MA_XALLOC_H

#include <stddef.h>

/* Called with the size that could not be allocated; must not return. */
typedef void ma_oom_handler_t(size_t size);

/* Install the out-of-memory hook (NULL restores the default, abort()). */
void ma_set_oom_handler(ma_oom_handler_t *handler);

void *ma_malloc(size_t size);
void *ma_calloc(size_t nmemb, size_t size);
void *ma_realloc(void *ptr, size_t size);
/* Array (re)allocation with overflow check on nmemb * size. */
void *ma_reallocarray(void *ptr, size_t nmemb, size_t size);
char *ma_strdup(const char *s);
char *ma_strndup(const char *s, size_t n);

#endif
