/*
 * policyd-load.c - load generator for Postfix policy services (the
 * spf-policyd benchmark, bench/spf-policyd-bench.sh).  Not part of
 * `make check`.
 *
 *   policyd-load (--unix PATH | --exec CMD) [-c CONNS] [-n REQUESTS]
 *                [-w WORKLOAD] [--cold] [--pid PID]
 *   policyd-load --startup CMD [--unix PATH] [-n RUNS]
 *
 * Load: CONNS connections each send one request, wait for the answer
 * ("action=...\n\n"), and send the next (what one smtpd does), until
 * REQUESTS answers arrived in total.  --exec runs CMD per connection on
 * a socketpair as fds 0, 1, 2 (what spawn(8) does).  The WORKLOAD file
 * has lines "CLIENT_IP HELO SENDER [EXPECT]"; with --cold, "{n}" in a
 * line is replaced by a number unique to the request so no cache can
 * help.  EXPECT is the SPF result the answer must carry (RFC 7208 2.6):
 * "fail" wants a reject ("action=5..."), any other word a header field
 * "Received-SPF: EXPECT" (case-insensitive, the way both spf-policyd and
 * pypolicyd-spf write it); an answer that is not "action=..." or does
 * not carry EXPECT is bad.
 * Prints: requests, seconds, req/s, p50 ms, p99 ms, bad answers, and
 * cpu_ms: the server's CPU time per request (Linux /proc/PID/schedstat,
 * ns on a CPU) over the requests after the first tenth (warm-up, and a
 * spawned process's start-up, left out): of the --pid process with
 * --unix, of the spawned processes with --exec; -1 when unknown.
 *
 * Startup: --startup runs CMD RUNS times and measures from fork to the
 * answer of one request that needs no DNS (client 127.0.0.1, skipped);
 * with --unix the command is a daemon and the request goes to PATH.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 4096
#define MAX_LINES 256

struct conn {
	int fd;
	pid_t pid;
	char in[8192];
	size_t inlen;
	double sent;
	int busy;
	int line; /* index of the workload line in flight */
};

static char *lines[MAX_LINES];
static char *expect[MAX_LINES]; /* expected SPF result per line, or NULL */
static int nlines;
static unsigned long counter;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
connect_unix(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
spawn(const char *cmd, pid_t *pid_r)
{
	char line[4096];
	int sv[2];

	/* exec: the shell becomes CMD, so pid_r is the server (its CPU) */
	snprintf(line, sizeof(line), "%s%s",
		 strncmp(cmd, "exec ", 5) == 0 ? "" : "exec ", cmd);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if ((*pid_r = fork()) == 0) {
		dup2(sv[1], 0);
		dup2(sv[1], 1);
		dup2(sv[1], 2);
		close(sv[0]);
		close(sv[1]);
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	return sv[0];
}

static void
send_request(struct conn *c, const char *ip, const char *helo,
	     const char *sender)
{
	char req[2048];
	int n = snprintf(req, sizeof(req),
			 "request=smtpd_access_policy\nprotocol_state=RCPT\n"
			 "protocol_name=ESMTP\nclient_address=%s\n"
			 "client_name=unknown\nreverse_client_name=unknown\n"
			 "helo_name=%s\nsender=%s\nrecipient=alice@test.example\n"
			 "recipient_count=0\nqueue_id=\ninstance=%lx.%d.0\n"
			 "size=0\nsasl_method=\nsasl_username=\nsasl_sender=\n"
			 "\n",
			 ip, helo, sender, counter, (int)getpid());
	c->sent = now_ms();
	c->busy = 1;
	if (write(c->fd, req, (size_t)n) != n) {
		perror("write");
		exit(1);
	}
}

/* ns this process (and its threads) spent on a CPU, or -1 */
static double
cpu_ns(pid_t pid)
{
	char path[64];
	double ns = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(fp, "%lf", &ns) != 1)
		ns = -1;
	fclose(fp);
	return ns;
}

static void
send_next(struct conn *c, int cold)
{
	char ip[64], helo[256], sender[512], line[1024], *p;
	unsigned long n = counter++;

	c->line = (int)(n % (unsigned long)nlines);
	snprintf(line, sizeof(line), "%s", lines[c->line]);
	while (cold && (p = strstr(line, "{n}")) != NULL) {
		char tail[1024];

		snprintf(tail, sizeof(tail), "%s", p + 3);
		snprintf(p, sizeof(line) - (size_t)(p - line), "%lu%s", n, tail);
	}
	if (sscanf(line, "%63s %255s %511s", ip, helo, sender) < 3) {
		fprintf(stderr, "bad workload line: %s\n", line);
		exit(1);
	}
	send_request(c, ip, helo, sender);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
read_workload(const char *path)
{
	char buf[1024];
	FILE *fp = fopen(path, "r");

	if (fp == NULL) {
		perror(path);
		exit(1);
	}
	while (nlines < MAX_LINES && fgets(buf, sizeof(buf), fp) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;
		{
			char e[32];

			if (sscanf(buf, "%*s %*s %*s %31s", e) == 1)
				expect[nlines] = strdup(e);
		}
		lines[nlines++] = strdup(buf);
	}
	fclose(fp);
}

/* Does the answer text (NUL-terminated) carry the expected result? */
static int
answer_right(const char *answer, const char *want)
{
	char field[64];

	if (strncmp(answer, "action=", 7) != 0)
		return 0;
	if (want == NULL)
		return 1;
	if (strcasecmp(want, "fail") == 0)
		return answer[7] == '5';
	snprintf(field, sizeof(field), "Received-SPF: %s ", want);
	return strcasestr(answer, field) != NULL;
}

/* One answer complete in c->in?  Consumes it; 1 right, -1 wrong. */
static int
take_answer(struct conn *c)
{
	char *end = memmem(c->in, c->inlen, "\n\n", 2);
	size_t used;
	int ok;

	if (end == NULL)
		return 0;
	*end = '\0';
	ok = answer_right(c->in, c->line >= 0 ? expect[c->line] : NULL) ? 1
									 : -1;
	if (ok < 0 && getenv("LOAD_SHOW_BAD") != NULL)
		fprintf(stderr, "bad answer: %s\n", c->in);
	used = (size_t)(end - c->in) + 2;
	memmove(c->in, c->in + used, c->inlen - used);
	c->inlen -= used;
	return ok;
}

/* CPU ns of the server: the --pid process, or the spawned ones */
static double
server_cpu_ns(pid_t pid, const struct conn *conns, int nconns)
{
	double sum = 0, ns;
	int i;

	if (pid > 0)
		return cpu_ns(pid);
	for (i = 0; i < nconns; i++) {
		if (conns[i].pid <= 0 || (ns = cpu_ns(conns[i].pid)) < 0)
			return -1;
		sum += ns;
	}
	return sum;
}

static int
load(const char *unix_path, const char *cmd, int nconns, long total, int cold,
     pid_t pid)
{
	static struct conn conns[MAX_CONNS];
	static struct pollfd pfd[MAX_CONNS];
	double *lat = calloc((size_t)total, sizeof(double));
	long done = 0, bad = 0, warm = total / 10, cpu_done = 0;
	double start, cpu0 = -1, cpu1 = -1;
	int i;

	for (i = 0; i < nconns; i++) {
		conns[i].fd = cmd != NULL ? spawn(cmd, &conns[i].pid)
					  : connect_unix(unix_path);
		if (conns[i].fd < 0) {
			fprintf(stderr, "connection %d failed: %s\n", i,
				strerror(errno));
			return 1;
		}
	}
	start = now_ms();
	for (i = 0; i < nconns && counter < (unsigned long)total; i++)
		send_next(&conns[i], cold);
	while (done < total) {
		int r;

		for (i = 0; i < nconns; i++) {
			pfd[i].fd = conns[i].busy ? conns[i].fd : -1;
			pfd[i].events = POLLIN;
		}
		r = poll(pfd, (nfds_t)nconns, 30000);
		if (r <= 0) {
			fprintf(stderr, "no answer for 30 s\n");
			return 1;
		}
		for (i = 0; i < nconns; i++) {
			struct conn *c = &conns[i];
			ssize_t n;
			int a;

			if (!(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(c->fd, c->in + c->inlen,
				 sizeof(c->in) - c->inlen);
			if (n <= 0) {
				fprintf(stderr, "connection %d closed\n", i);
				return 1;
			}
			c->inlen += (size_t)n;
			while ((a = take_answer(c)) != 0) {
				if (done == warm) {
					cpu0 = server_cpu_ns(pid, conns, nconns);
					cpu_done = done;
				}
				lat[done++] = now_ms() - c->sent;
				bad += a < 0;
				c->busy = 0;
				if (counter < (unsigned long)total)
					send_next(c, cold);
			}
		}
	}
	cpu1 = server_cpu_ns(pid, conns, nconns);
	{
		double secs = (now_ms() - start) / 1e3;
		double cpu_ms = cpu0 >= 0 && cpu1 >= 0 && done > cpu_done
					? (cpu1 - cpu0) / 1e6 / (done - cpu_done)
					: -1;

		qsort(lat, (size_t)done, sizeof(double), cmp_double);
		printf("requests=%ld seconds=%.3f rps=%.0f p50_ms=%.3f "
		       "p99_ms=%.3f bad=%ld cpu_ms=%.4f\n",
		       done, secs, done / secs, lat[done / 2],
		       lat[(long)(done * 0.99)], bad, cpu_ms);
	}
	for (i = 0; i < nconns; i++) {
		close(conns[i].fd);
		if (conns[i].pid > 0)
			waitpid(conns[i].pid, NULL, 0);
	}
	free(lat);
	return 0;
}

static int
startup(const char *cmd, const char *unix_path, int runs)
{
	double *t = calloc((size_t)runs, sizeof(double));
	int i;

	for (i = 0; i < runs; i++) {
		struct conn c;
		double t0 = now_ms();
		pid_t daemon_pid = 0;

		memset(&c, 0, sizeof(c));
		c.line = -1;
		if (unix_path != NULL) {
			unlink(unix_path);
			if ((daemon_pid = fork()) == 0) {
				execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
				_exit(127);
			}
			while ((c.fd = connect_unix(unix_path)) < 0) {
				if (now_ms() - t0 > 10000) {
					fprintf(stderr, "daemon did not start\n");
					return 1;
				}
				usleep(100);
			}
		} else {
			c.fd = spawn(cmd, &c.pid);
		}
		send_request(&c, "127.0.0.1", "localhost", "u@example.com");
		while (take_answer(&c) == 0) {
			ssize_t n = read(c.fd, c.in + c.inlen,
					 sizeof(c.in) - c.inlen);
			if (n <= 0) {
				fprintf(stderr, "no answer at startup\n");
				return 1;
			}
			c.inlen += (size_t)n;
		}
		t[i] = now_ms() - t0;
		close(c.fd);
		if (daemon_pid > 0) {
			kill(daemon_pid, SIGTERM);
			waitpid(daemon_pid, NULL, 0);
		}
		if (c.pid > 0)
			waitpid(c.pid, NULL, 0);
	}
	qsort(t, (size_t)runs, sizeof(double), cmp_double);
	printf("runs=%d startup_p50_ms=%.2f min_ms=%.2f\n", runs, t[runs / 2],
	       t[0]);
	free(t);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *unix_path = NULL, *cmd = NULL, *workload = NULL;
	const char *startup_cmd = NULL;
	int nconns = 1, cold = 0, i;
	pid_t pid = 0;
	long total = 10000;

	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--unix") == 0 && i + 1 < argc)
			unix_path = argv[++i];
		else if (strcmp(argv[i], "--exec") == 0 && i + 1 < argc)
			cmd = argv[++i];
		else if (strcmp(argv[i], "--startup") == 0 && i + 1 < argc)
			startup_cmd = argv[++i];
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			nconns = atoi(argv[++i]);
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			total = atol(argv[++i]);
		else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
			workload = argv[++i];
		else if (strcmp(argv[i], "--pid") == 0 && i + 1 < argc)
			pid = (pid_t)atoi(argv[++i]);
		else if (strcmp(argv[i], "--cold") == 0)
			cold = 1;
		else {
			fprintf(stderr, "usage: see the comment in policyd-load.c\n");
			return 64;
		}
	}
	if (startup_cmd != NULL)
		return startup(startup_cmd, unix_path, (int)total);
	if (workload == NULL || (unix_path == NULL) == (cmd == NULL) ||
	    nconns < 1 || nconns > MAX_CONNS) {
		fprintf(stderr, "need -w and one of --unix / --exec\n");
		return 64;
	}
	read_workload(workload);
	return load(unix_path, cmd, nconns, total, cold, pid);
}
