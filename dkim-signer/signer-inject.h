/*
 * signer-inject.h - hand the signed message back to Postfix: run the
 * re-injection command (ReinjectCommand, default "/usr/sbin/sendmail -G
 * -i") with "-f SENDER -- RCPT..." appended, its standard input fed by
 * the caller.  The argument vector is built directly and run with
 * execv(): no shell ever sees an address, so none can inject anything.
 *
 * The command is started before the message is read, so that its start
 * (sendmail, then postdrop) overlaps reading and signing.
 *
 * Nothing half-written is ever injected.  sendmail -i takes end of input
 * as the end of the message, so if dkim-signer died while writing,
 * a truncated message would be queued.  A guard process therefore holds
 * a second copy of the pipe's write end: the command can only see end
 * of input after dkim-signer told the guard "complete".  If dkim-signer
 * dies (or aborts) first, the guard kills the command's whole process
 * group with SIGKILL, and Postfix's sendmail/postdrop discard an
 * incomplete message (checked: nothing reaches the maildrop).
 *
 * Process groups (probe 2026-12 F05: killing only the command's own PID
 * let the child of a wrapper - a shell script without exec, sudo - live
 * on, see end of input and queue a truncated copy): the guard leads a
 * new process group and the command joins it before exec, so the group
 * holds the guard, the command and every descendant that does not leave
 * it (a daemonizing or setsid() child does).  The guard is outside
 * dkim-signer's own group, which pipe(8) kills at its time_limit, so it
 * survives that kill and then kills the command's group.  A command
 * that cannot join the group, or finds the guard already gone, exits 75
 * without reading.  While the command runs, its group is the one
 * signer-deadline.h kills at the TimeLimit; the guard is reaped last, so
 * the group id cannot be reused before.
 *
 * Memory: argv arrays are allocated in the caller's arena.
 */
#ifndef SIGNER_INJECT_H
#define SIGNER_INJECT_H

#include <stdbool.h>
#include <sys/types.h>

struct arena;

struct signer_inject {
	pid_t pid;	/* the command */
	pid_t guard;	/* the guard process, leader of the command's group */
	int fd;		/* write end: the command's standard input */
	int guard_fd;	/* write "complete" here, or close to abort */
};

/* command + "-f" sender + "--" + recipients (NULL-terminated). */
const char *const *signer_inject_argv(struct arena *arena,
				      const char *const *command,
				      const char *sender,
				      const char *const *recipients,
				      size_t nrecipients);

/* Start argv[0] and its guard.  Returns 0 with *inj filled, or -1 with
 * *error_r (static/strerror). */
int signer_inject_start(const char *const *argv, struct signer_inject *inj,
			const char **error_r);

/* commit: close the input (the command sees the end of the message) and
 * wait; 0 if it exited 0, else -1 with "exited with status N" / "killed
 * by signal N" in *error_r (arena).  !commit: kill the command's process
 * group, wait, return -1 with how it ended in *error_r ("killed by signal
 * 9", or "exited with status 0" when it ended by itself first). */
int signer_inject_finish(struct signer_inject *inj, bool commit,
			 struct arena *arena, const char **error_r);

#endif
