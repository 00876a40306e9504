/*
 * signer-inject.c - re-injection command (signer-inject.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
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

int
signer_inject_start(const char *const *argv, pid_t *pid_r, int *fd_r,
		    const char **error_r)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	if ((pid = fork()) < 0) {
		*error_r = strerror(errno);
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(fds[0], 0) < 0)
			_exit(75);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(75);
	}
	close(fds[0]);
	*pid_r = pid;
	*fd_r = fds[1];
	return 0;
}

int
signer_inject_wait(pid_t pid, struct arena *arena, const char **error_r)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			*error_r = arena_printf(arena, "waitpid: %s",
						strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		*error_r = arena_printf(arena, "exited with status %d",
					WEXITSTATUS(status));
	else
		*error_r = arena_printf(arena, "killed by signal %d",
					WTERMSIG(status));
	return -1;
}
