/*
 * signer-inject.h - hand the signed message back to Postfix: run the
 * re-injection command (ReinjectCommand, default "/usr/sbin/sendmail -G
 * -i") with "-f SENDER -- RCPT..." appended, its standard input fed by
 * the caller.  The argument vector is built directly and run with
 * execv(): no shell ever sees an address, so none can inject anything.
 *
 * Memory: argv arrays are allocated in the caller's arena.
 */
#ifndef SIGNER_INJECT_H
#define SIGNER_INJECT_H

#include <sys/types.h>

struct arena;

/* command + "-f" sender + "--" + recipients (NULL-terminated). */
const char *const *signer_inject_argv(struct arena *arena,
				      const char *const *command,
				      const char *sender,
				      const char *const *recipients,
				      size_t nrecipients);

/* Start argv[0] with a pipe on its standard input.  Returns 0 with the
 * child's pid and the write end, or -1 with *error_r (static/strerror). */
int signer_inject_start(const char *const *argv, pid_t *pid_r, int *fd_r,
			const char **error_r);

/* Close nothing; wait for pid.  0 if it exited 0, else -1 with a
 * description ("exited with status 75", "killed by signal 9") in
 * *error_r (arena). */
int signer_inject_wait(pid_t pid, struct arena *arena, const char **error_r);

#endif
