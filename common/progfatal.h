/*
 * progfatal.h - lib/'s two fatal hooks for the daemons and the CLI: out
 * of memory (util/xalloc.h) and a bug (util/panic.h).  Either writes one
 * line through the program's log sink in Postfix style
 * ("prog[pid]: fatal: out of memory (N bytes)", "prog[pid]: panic: ...";
 * to syslog at LOG_CRIT) and then ends the process with the program's
 * status for "could not do it" (spf-policyd 1, authcheck 1, dkim-keygen 2,
 * dkim-signer 75 so that Postfix retries the message).  Front-ends only.
 *
 * Memory: the sink is kept by pointer and must stay valid (the programs
 * hand their long-lived one); it may be re-initialised in place.
 */
#ifndef MA_PROGFATAL_H
#define MA_PROGFATAL_H

#include "logsink.h"

/* Install both hooks; `status` is the exit status after the line. */
void progfatal_install(const struct logsink *sink, int status);

#endif
