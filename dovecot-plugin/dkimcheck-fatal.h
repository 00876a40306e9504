/*
 * dkimcheck-fatal.h - libmailauth's fatal hooks inside Dovecot: out of
 * memory (lib/util/xalloc.h) goes to i_fatal_status(FATAL_OUTOFMEM), a
 * bug (lib/util/panic.h) to i_panic(), so that lmtp ends the way Dovecot
 * ends on its own out-of-memory and panic paths (logged, and the client
 * gets a temporary failure) instead of lib/'s default abort().
 */
#ifndef DKIMCHECK_FATAL_H
#define DKIMCHECK_FATAL_H

/* At plugin init / deinit (deinit restores lib/'s defaults). */
void dkimcheck_fatal_init(void);
void dkimcheck_fatal_deinit(void);

#endif
