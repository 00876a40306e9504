/*
 * reports-deliver.c - ReportCommand and --out DIR (reports-deliver.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "reports-deliver.h"
#include "reports.h"

int
reports_deliver_command(struct reports *r, const struct buf *msg,
			const char **error_r)
{
	int fds[2], status;
	pid_t pid;
	size_t off = 0;
	ssize_t n;
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
		execl("/bin/sh", "sh", "-c", script, "dmarc-reports",
		      r->set.email, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	while (off < msg->len &&
	       (n = write(fds[1], msg->data + off, msg->len - off)) > 0)
		off += (size_t)n;
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (off < msg->len || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
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
