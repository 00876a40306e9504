/*
 * signer-inject.c - re-injection command and its guard (signer-inject.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/arena.h"
#include "signer-deadline.h"
#include "signer-inject.h"

const char *const *
signer_inject_argv(struct arena *arena, const char *const *command,
		   const char *sender, const char *const *recipients,
		   size_t nrecipients)
{
	size_t ncmd = 0, i, n = 0;
	const char **argv;

	while (command[ncmd] != NULL)
		ncmd++;
	argv = arena_alloc(arena, (ncmd + 4 + nrecipients) * sizeof(*argv));
	for (i = 0; i < ncmd; i++)
		argv[n++] = command[i];
	argv[n++] = "-f";
	argv[n++] = sender != NULL ? sender : "";
	argv[n++] = "--";
	for (i = 0; i < nrecipients; i++)
		argv[n++] = recipients[i];
	argv[n] = NULL;
	return argv;
}

/* The guard: leads the command's process group, keeps `hold` (the
 * command's input) open until the signer writes "complete" on `ctl`, and
 * kills the whole group (itself included) if ctl ends without it.  It
 * writes "k" on `stop` first, so that a command that finds nothing to
 * read there after joining the group is sure to be in the group when
 * it is killed (end of file alone means the guard ended after
 * "complete"). */
static void __attribute__((noreturn))
guard_run(int ctl, int hold, int stop)
{
	char c = 0;
	ssize_t n;

	(void)setpgid(0, 0);
	/* keep nothing else of the signer's open: pipe(8) waits for the end
	 * of our standard output and error */
	for (int fd = 0; fd < 3; fd++) {
		if (fd != ctl && fd != hold && fd != stop)
			close(fd);
	}
	do {
		n = read(ctl, &c, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1 || c != 'c') {
		(void)write(stop, "k", 1);
		if (getpgrp() == getpid())
			(void)kill(0, SIGKILL);
	}
	close(hold);
	_exit(0);
}

/* The command, in the child: join the guard's group, make sure the guard
 * had not started killing it by then, run argv with `in` as standard
 * input. */
static void __attribute__((noreturn))
command_run(const char *const *argv, int in, int stop, pid_t guard)
{
	struct pollfd pfd = {.fd = stop, .events = POLLIN};

	signal(SIGPIPE, SIG_DFL);
	if (setpgid(0, guard) < 0 || poll(&pfd, 1, 0) < 0 ||
	    (pfd.revents & POLLIN) != 0 || dup2(in, 0) < 0)
		_exit(75);
	execv(argv[0], (char *const *)(uintptr_t)argv);
	_exit(75);
}

static void
close_pair(int fds[2])
{
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	fds[0] = fds[1] = -1;
}

static int
wait_status(pid_t pid, struct arena *arena, const char **error_r)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			*error_r = arena_printf(arena, "waitpid: %s",
						strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status))
		*error_r = arena_printf(arena, "exited with status %d",
					WEXITSTATUS(status));
	else
		*error_r = arena_printf(arena, "killed by signal %d",
					WTERMSIG(status));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Start the guard (leading a new process group) holding in[1]. */
static pid_t
guard_start(int in[2], int ctl[2], int stop[2])
{
	pid_t guard = fork();

	if (guard == 0) {
		close(ctl[1]);
		close(in[0]);
		close(stop[0]);
		guard_run(ctl[0], in[1], stop[1]);
	}
	if (guard > 0 && setpgid(guard, guard) < 0) {
		int saved = errno;

		kill(guard, SIGKILL);
		waitpid(guard, NULL, 0);
		errno = saved;
		return -1;
	}
	return guard;
}

int
signer_inject_start(const char *const *argv, struct signer_inject *inj,
		    const char **error_r)
{
	int in[2] = {-1, -1}, ctl[2] = {-1, -1}, stop[2] = {-1, -1};

	inj->pid = inj->guard = -1;
	inj->fd = inj->guard_fd = -1;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(ctl, O_CLOEXEC) < 0 ||
	    pipe2(stop, O_CLOEXEC) < 0)
		goto fail;
	if ((inj->guard = guard_start(in, ctl, stop)) < 0)
		goto fail;
	close(stop[1]);
	stop[1] = -1;
	if ((inj->pid = fork()) < 0) {
		kill(inj->guard, SIGKILL);
		waitpid(inj->guard, NULL, 0);
		goto fail;
	}
	if (inj->pid == 0)
		command_run(argv, in[0], stop[0], inj->guard);
	/* either call may come first; the child's own decides */
	(void)setpgid(inj->pid, inj->guard);
	close_pair(stop);
	close(in[0]);
	close(ctl[0]);
	inj->fd = in[1];
	inj->guard_fd = ctl[1];
	signer_deadline_watch(inj->guard);
	return 0;
fail:
	*error_r = strerror(errno);
	close_pair(in);
	close_pair(ctl);
	close_pair(stop);
	return -1;
}

int
signer_inject_finish(struct signer_inject *inj, bool commit,
		     struct arena *arena, const char **error_r)
{
	const char *ignored;
	int ret;

	/* the guard is not reaped yet: its group id is still ours */
	if (!commit)
		(void)kill(-inj->guard, SIGKILL);
	close(inj->fd);
	if (commit)
		(void)write(inj->guard_fd, "c", 1);
	close(inj->guard_fd);
	ret = wait_status(inj->pid, arena, error_r);
	signer_deadline_watch(0);
	(void)wait_status(inj->guard, arena, &ignored);
	inj->fd = inj->guard_fd = -1;
	inj->pid = inj->guard = -1;
	return commit ? ret : -1;
}
