/*
 * signer-deadline.h - dkim-signer's own time limit (TimeLimit).
 *
 * pipe(8) turns its time_limit into a bounce, so the signer must give up
 * first, with exit 75 (probe 2026-12 F04: a re-injection command that
 * hangs, or a key file that blocks).  At the deadline the re-injection
 * command's process group (signer-inject.h) is killed, which ends any
 * write to it or wait for it: the caller's normal error path then defers
 * the message and logs why (signer_deadline_expired() says it was the
 * deadline).  If the signer is still running SIGNER_DEADLINE_GRACE
 * seconds later (blocked elsewhere, or busy), a second alarm writes the
 * prepared line to standard error (pipe(8)'s deferral reason) and to the
 * LogFile, and exits 75 at once; the guard of signer-inject.h then kills
 * the command before it can see the end of its input.
 *
 * State: one process-wide deadline (SIGALRM); the handler only calls
 * async-signal-safe functions (kill, alarm, write, _exit).
 */
#ifndef SIGNER_DEADLINE_H
#define SIGNER_DEADLINE_H

#include <stdbool.h>
#include <sys/types.h>

/* Seconds between the deadline and the hard exit. */
#define SIGNER_DEADLINE_GRACE 10

/* (Re)arm: the deadline is `seconds` from now (at least 1).  At the hard
 * exit, `err_line` is written to standard error and, if log_fd >= 0,
 * `log_line` to that file (both copied, at most 1 KiB each; each should
 * end in a newline). */
void signer_deadline_arm(unsigned int seconds, const char *err_line,
			 const char *log_line, int log_fd);

/* The process group to kill at the deadline (a re-injection in
 * progress), or 0 for none.  Unset it before the group's id can be
 * reused (before reaping its leader). */
void signer_deadline_watch(pid_t pgid);

/* Whether the deadline has passed. */
bool signer_deadline_expired(void);

#endif
