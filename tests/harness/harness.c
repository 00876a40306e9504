/*
 * harness.c - real-server helpers for libcheck tests (see harness.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

int
harness_run_suite(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed;
}

void
harness_assert_str(const char *what, const char *got, const char *want)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: got %s, want NULL", what, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
			      "%s: got %s, want %s", what,
			      got != NULL ? got : "NULL", want);
}

const char *
harness_srcdir(void)
{
	const char *s = getenv("srcdir");

	return s != NULL ? s : ".";
}

const char *
harness_testdata(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/tests/fixtures", harness_srcdir());
	return path;
}

char *
harness_tmpdir(const char *tag)
{
	char tmpl[256];

	snprintf(tmpl, sizeof(tmpl), "/tmp/mailauth-%s-XXXXXX", tag);
	if (mkdtemp(tmpl) == NULL)
		return NULL;
	chmod(tmpl, 0755);
	return strdup(tmpl);
}

char *
harness_write_file(const char *dir, const char *name, const char *text)
{
	char *path;
	FILE *fp;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	if ((fp = fopen(path, "w")) == NULL) {
		free(path);
		return NULL;
	}
	fputs(text, fp);
	fclose(fp);
	return path;
}

void
harness_need_unbound(void)
{
	const char *u = getenv("UNBOUND");

	if (u == NULL || *u == '\0')
		u = "/usr/sbin/unbound";
	if (access(u, X_OK) != 0) {
		printf("SKIP: unbound not installed (apt-get install unbound)\n");
		exit(77);
	}
}

int
harness_unbound_start(const char *zones_text, struct harness_unbound *ub)
{
	char *zones, *cmd;
	FILE *fp;
	int pid = 0, port = 0, ok;

	memset(ub, 0, sizeof(*ub));
	if ((ub->dir = harness_tmpdir("unbound")) == NULL)
		return -1;
	zones = harness_write_file(ub->dir, "zones.conf", zones_text);
	if (zones == NULL ||
	    asprintf(&cmd, "%s/tests/harness/unbound-start.sh %s %s",
		     harness_srcdir(), ub->dir, zones) < 0) {
		free(zones);
		return -1;
	}
	fp = popen(cmd, "r");
	ok = fp != NULL && fscanf(fp, "%d %d", &pid, &port) == 2;
	if (fp != NULL) {
		int status = pclose(fp);

		if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
			/* nothing was started: no unbound program */
			printf("SKIP: unbound not installed "
			       "(apt-get install unbound)\n");
			free(cmd);
			unlink(zones);
			free(zones);
			rmdir(ub->dir);
			free(ub->dir);
			exit(77);
		}
		ok = status == 0 && ok;
	}
	free(cmd);
	free(zones);
	if (!ok)
		return -1;
	ub->pid = pid;
	ub->port = port;
	return 0;
}

void
harness_unbound_stop(struct harness_unbound *ub)
{
	char *cmd;

	if (ub->pid > 0) {
		if (asprintf(&cmd, "%s/tests/harness/stop-pid.sh %d",
			     harness_srcdir(), (int)ub->pid) >= 0) {
			if (system(cmd) != 0)
				kill(ub->pid, SIGKILL);
			free(cmd);
		}
		ub->pid = 0;
	}
	if (ub->dir != NULL) {
		if (asprintf(&cmd, "rm -rf '%s'", ub->dir) >= 0) {
			if (system(cmd) != 0)
				fprintf(stderr, "harness: could not remove %s\n",
					ub->dir);
			free(cmd);
		}
		free(ub->dir);
		ub->dir = NULL;
	}
}

char *
harness_forward_config(const char *dir, int port)
{
	char *cmd, *path;
	int ok;

	if (asprintf(&path, "%s/libunbound.conf", dir) < 0)
		return NULL;
	if (asprintf(&cmd, "%s/tests/harness/libunbound-forward.sh %d > '%s'",
		     harness_srcdir(), port, path) < 0) {
		free(path);
		return NULL;
	}
	ok = system(cmd) == 0;
	free(cmd);
	if (!ok) {
		free(path);
		return NULL;
	}
	return path;
}

/* A socket of `type` bound to 127.0.0.1:port (0 = any); returns the fd
 * and stores the port, or -1. */
static int
bind_loopback(int type, int port, int *port_r)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, type, 0);

	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		close(fd);
		return -1;
	}
	*port_r = ntohs(sin.sin_port);
	return fd;
}

int
harness_blackhole(int fds_r[2])
{
	int attempt, port, tcp_port;

	for (attempt = 0; attempt < 20; attempt++) {
		fds_r[0] = bind_loopback(SOCK_DGRAM, 0, &port);
		if (fds_r[0] < 0)
			continue;
		fds_r[1] = bind_loopback(SOCK_STREAM, port, &tcp_port);
		if (fds_r[1] >= 0)
			return port;
		close(fds_r[0]);
	}
	return -1;
}

void
harness_silent_dns_start(struct harness_silent_dns *sd, const char *tag)
{
	int port = harness_blackhole(sd->fds);

	ck_assert_int_gt(port, 0);
	sd->dir = harness_tmpdir(tag);
	ck_assert_ptr_nonnull(sd->dir);
	sd->conf = harness_forward_config(sd->dir, port);
	ck_assert_ptr_nonnull(sd->conf);
}

void
harness_silent_dns_stop(struct harness_silent_dns *sd)
{
	close(sd->fds[0]);
	close(sd->fds[1]);
	unlink(sd->conf);
	rmdir(sd->dir);
	free(sd->conf);
	free(sd->dir);
	sd->conf = sd->dir = NULL;
}
