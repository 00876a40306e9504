/*
 * signer-inject.c - re-injection command and its guard (signer-inject.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/arena.h"
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

/* The guard: keeps `hold` (the command's input) open until the signer
 * writes "complete" on `ctl`; kills `pid` if ctl ends without it. */
static void __attribute__((noreturn))
guard_run(int ctl, int hold, pid_t pid)
{
	char c = 0;
	ssize_t n;

	/* keep nothing else of the signer's open: pipe(8) waits for the end
	 * of our standard output and error */
	for (int fd = 0; fd < 3; fd++) {
		if (fd != ctl && fd != hold)
			close(fd);
	}
	do {
		n = read(ctl, &c, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1 || c != 'c')
		kill(pid, SIGKILL);
	close(hold);
	_exit(0);
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

int
signer_inject_start(const char *const *argv, struct signer_inject *inj,
		    const char **error_r)
{
	int in[2] = {-1, -1}, ctl[2] = {-1, -1};

	inj->pid = inj->guard = -1;
	inj->fd = inj->guard_fd = -1;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(ctl, O_CLOEXEC) < 0)
		goto fail;
	if ((inj->pid = fork()) < 0)
		goto fail;
	if (inj->pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(in[0], 0) < 0)
			_exit(75);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(75);
	}
	close(in[0]);
	in[0] = -1;
	if ((inj->guard = fork()) < 0) {
		kill(inj->pid, SIGKILL);
		waitpid(inj->pid, NULL, 0);
		goto fail;
	}
	if (inj->guard == 0) {
		close(ctl[1]);
		guard_run(ctl[0], in[1], inj->pid);
	}
	close(ctl[0]);
	inj->fd = in[1];
	inj->guard_fd = ctl[1];
	return 0;
fail:
	*error_r = strerror(errno);
	close_pair(in);
	close_pair(ctl);
	return -1;
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

int
signer_inject_finish(struct signer_inject *inj, bool commit,
		     struct arena *arena, const char **error_r)
{
	const char *ignored;
	int ret;

	if (!commit)
		kill(inj->pid, SIGKILL);
	close(inj->fd);
	if (commit)
		(void)write(inj->guard_fd, "c", 1);
	close(inj->guard_fd);
	(void)wait_status(inj->guard, arena, &ignored);
	ret = wait_status(inj->pid, arena, error_r);
	inj->fd = inj->guard_fd = -1;
	inj->pid = inj->guard = -1;
	return commit ? ret : -1;
}
