/*
 * reports-deliver.c - ReportCommand and --out DIR (reports-deliver.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "reports-deliver.h"
#include "reports.h"

/* Write all of msg into the command's pipe, retrying a write a signal
 * interrupted.  0, or the errno of the write that failed: EPIPE when the
 * command exited or closed its input before reading everything (SIGPIPE
 * is ignored, see main()).  The octets written in *off_r. */
static int
pipe_write_all(int fd, const struct buf *msg, size_t *off_r)
{
	ssize_t n;

	*off_r = 0;
	while (*off_r < msg->len) {
		n = write(fd, msg->data + *off_r, msg->len - *off_r);
		if (n > 0)
			*off_r += (size_t)n;
		else if (n == 0)
			return EIO;
		else if (errno != EINTR)
			return errno;
	}
	return 0;
}

int
reports_deliver_command(struct reports *r, const struct buf *msg,
			const char **error_r)
{
	int fds[2], status, werr;
	pid_t pid;
	size_t off;
	char *script = arena_printf(r->arena, "%s -f \"$1\"",
				    r->set.report_command);

	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		/* an ignored signal stays ignored across exec: the command
		 * gets the default, as if run from a shell */
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", script, "dmarc-reports",
		      r->set.email, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	werr = pipe_write_all(fds[1], msg, &off);
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (werr != 0) {
		/* e.g. it exited without reading a large report: not
		 * handed over, whatever its exit status */
		*error_r = arena_printf(r->arena, "ReportCommand '%s' failed: "
					"it took %zu of %zu octets (%s)",
					r->set.report_command, off, msg->len,
					strerror(werr));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*error_r = arena_printf(r->arena, "ReportCommand '%s' failed "
					"(status %d)", r->set.report_command,
					status);
		return -1;
	}
	return 0;
}

int
reports_deliver_file(struct reports *r, const char *dir, const char *name,
		     const struct buf *msg, const char **error_r)
{
	const char *path = arena_printf(r->arena, "%s/%s", dir, name);
	FILE *f;
	int ret = 0;

	f = fopen(path, "w");
	if (f == NULL || fwrite(msg->data, 1, msg->len, f) != msg->len)
		ret = -1;
	if (f != NULL && fclose(f) != 0)
		ret = -1;
	if (ret < 0)
		*error_r = arena_printf(r->arena, "%s: %s", path,
					strerror(errno));
	return ret;
}
