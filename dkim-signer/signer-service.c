/*
 * signer-service.c - the signing service behind SigningSocket
 * (signer-service.h).
 */
#define _GNU_SOURCE 1 /* struct ucred */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "signer-config.h"
#include "signer-message.h"
#include "signer-proto.h"
#include "signer-service.h"
#include "signer-sockio.h"

#define SERVICE_IO_CHUNK 65536
/* Most workers SigningProcesses may ask for. */
#define SERVICE_MAX_WORKERS 64

static char listen_error[512];

int
signer_service_listen(const char *path, const char **error_r)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		*error_r = "SigningSocket: path too long";
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(listen_error, sizeof(listen_error),
				 "SigningSocket %s: exists and is not a socket",
				 path);
			*error_r = listen_error;
			return -1;
		}
		(void)unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(path, 0660) < 0 || listen(fd, 64) < 0) {
		snprintf(listen_error, sizeof(listen_error),
			 "SigningSocket %s: %s", path, strerror(errno));
		*error_r = listen_error;
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

bool
signer_service_peer_allowed(int fd, const uid_t *allowed, size_t nallowed,
			    uid_t *uid_r)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	size_t i;

	*uid_r = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    len != sizeof(cred))
		return false;
	*uid_r = cred.uid;
	if (cred.uid == 0 || cred.uid == geteuid())
		return true;
	for (i = 0; i < nallowed; i++) {
		if (allowed[i] == cred.uid)
			return true;
	}
	return false;
}

/* The request line, and any bytes after it, into `in`.  -1 on error. */
static int
read_request_line(int fd, struct buf *in, int64_t deadline,
		  size_t *line_len_r, const char **error_r)
{
	char chunk[SIGNER_PROTO_MAX_LINE];
	const char *lf;

	while ((lf = in->len > 0 ? memchr(in->data, '\n', in->len) : NULL) ==
	       NULL) {
		ssize_t r;

		if (in->len >= SIGNER_PROTO_MAX_LINE) {
			*error_r = "request line too long";
			return -1;
		}
		r = signer_sockio_read(fd, chunk, sizeof(chunk), deadline,
				       error_r);
		if (r <= 0) {
			if (r == 0)
				*error_r = "connection closed";
			return -1;
		}
		buf_append(in, chunk, (size_t)r);
	}
	*line_len_r = (size_t)(lf - in->data);
	return 0;
}

/* Exactly `len` bytes: first from `in` (consumed), then the socket,
 * appended to `out` (sender, queue id) or pushed into `m`. */
static int
read_exact(int fd, struct buf *in, uint64_t len, struct buf *out,
	   struct signer_message *m, int64_t deadline, const char **error_r)
{
	char *chunk = NULL;
	int ret = 0;

	while (len > 0) {
		const char *p;
		size_t n;
		ssize_t r;

		if (in->len > 0) {
			n = in->len < len ? in->len : (size_t)len;
			p = in->data;
		} else {
			if (chunk == NULL)
				chunk = malloc(SERVICE_IO_CHUNK);
			if (chunk == NULL) {
				*error_r = "out of memory";
				return -1;
			}
			r = signer_sockio_read(fd, chunk,
					       len < SERVICE_IO_CHUNK ?
						       (size_t)len :
						       SERVICE_IO_CHUNK,
					       deadline, error_r);
			if (r <= 0) {
				if (r == 0)
					*error_r = "request truncated";
				ret = -1;
				break;
			}
			n = (size_t)r;
			p = chunk;
		}
		if (m != NULL) {
			if (signer_message_push(m, p, n, error_r) < 0) {
				ret = -1;
				break;
			}
		} else {
			buf_append(out, p, n);
		}
		if (p == in->data)
			buf_consume(in, n);
		len -= n;
	}
	free(chunk);
	return ret;
}

/* Read and sign one request; the reply into `reply`. */
static void
serve_request(int fd, struct signer_config *c, const struct ma_log *log,
	      struct buf *reply)
{
	struct buf in = BUF_INIT, sender = BUF_INIT, qid = BUF_INIT;
	struct signer_request req;
	struct signer_message m;
	struct signer_outcome o;
	/* the whole request within SigningTimeout, as the client allows:
	 * a peer trickling bytes cannot hold a worker longer */
	int64_t deadline = signer_sockio_now() + c->set.signing_timeout;
	const char *err = NULL;
	size_t line_len;

	signer_message_init(&m, c->set.temporary_directory, 0);
	if (read_request_line(fd, &in, deadline, &line_len, &err) < 0 ||
	    signer_proto_request_parse(in.data, line_len, &req, &err) < 0)
		goto fail;
	buf_consume(&in, line_len + 1);
	if (read_exact(fd, &in, req.sender_len, &sender, NULL, deadline,
		       &err) < 0 ||
	    read_exact(fd, &in, req.queue_id_len, &qid, NULL, deadline,
		       &err) < 0 ||
	    read_exact(fd, &in, req.message_len, NULL, &m, deadline, &err) < 0)
		goto fail;
	if (in.len > 0) {
		err = "bytes after the message";
		goto fail;
	}
	signer_message_end(&m);
	if (signer_message_sign(&m, c, buf_cstr(&sender), req.now, &o,
				&err) < 0) {
		ma_log_warn(log, "%s: signing failed: %s",
			    qid.len > 0 ? buf_cstr(&qid) : "NOQUEUE", err);
		signer_proto_reply_tempfail(reply, err);
	} else {
		signer_proto_reply_outcome(reply, &o);
	}
	goto out;
fail:
	ma_log_warn(log, "request refused: %s", err);
	signer_proto_reply_tempfail(reply, err);
out:
	signer_message_deinit(&m);
	buf_free(&in);
	buf_free(&sender);
	buf_free(&qid);
}

void
signer_service_handle(int fd, struct signer_config *c,
		      const struct ma_log *log)
{
	struct buf reply = BUF_INIT;
	const char *err;

	if (signer_sockio_nonblock(fd) < 0) {
		ma_log_warn(log, "connection: %s", strerror(errno));
		return;
	}
	serve_request(fd, c, log, &reply);
	if (signer_sockio_write(fd, reply.data, reply.len,
				signer_sockio_now() + c->set.signing_timeout,
				&err) < 0)
		ma_log_warn(log, "writing the reply: %s", err);
	buf_free(&reply);
}

/* Set by SIGTERM/SIGINT in the supervisor. */
static volatile sig_atomic_t service_stop;

static void
on_stop(int sig)
{
	(void)sig;
	service_stop = 1;
}

static void
on_child(int sig)
{
	(void)sig; /* only interrupts sigsuspend() */
}

/* A worker: accept, check the peer, serve, close; forever. */
static void
worker_loop(int listen_fd, struct signer_config *c, const struct ma_log *log,
	    const uid_t *allowed, size_t nallowed)
{
	for (;;) {
		uid_t uid;
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED) {
				ma_log_error(log, "accept: %s",
					     strerror(errno));
				sleep(1);
			}
			continue;
		}
		if (!signer_service_peer_allowed(fd, allowed, nallowed, &uid))
			ma_log_warn(log, "connection refused: peer uid %ld "
				    "is not a SigningClients user",
				    (long)(int)uid);
		else
			signer_service_handle(fd, c, log);
		close(fd);
	}
}

/* The uids of SigningClients. */
static int
resolve_clients(const struct signer_config *c, uid_t **uids_r, size_t *n_r,
		const char **error_r)
{
	const char *const *names = c->set.signing_clients;
	size_t n = 0, i;
	uid_t *uids;

	while (names != NULL && names[n] != NULL)
		n++;
	uids = arena_alloc(c->arena, (n + 1) * sizeof(*uids));
	for (i = 0; i < n; i++) {
		struct passwd *pw = getpwnam(names[i]);

		if (pw == NULL) {
			*error_r = arena_printf(c->arena, "SigningClients: no "
						"such user '%s'", names[i]);
			return -1;
		}
		uids[i] = pw->pw_uid;
	}
	*uids_r = uids;
	*n_r = n;
	return 0;
}

static pid_t
spawn_worker(int listen_fd, struct signer_config *c, const struct ma_log *log,
	     const uid_t *allowed, size_t nallowed)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;

		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		worker_loop(listen_fd, c, log, allowed, nallowed);
		_exit(0);
	}
	if (pid < 0)
		ma_log_error(log, "fork: %s", strerror(errno));
	return pid;
}

/* Replace dead workers until told to stop, then stop them. */
static void
supervise(pid_t *pids, size_t n, int listen_fd, struct signer_config *c,
	  const struct ma_log *log, const uid_t *allowed, size_t nallowed)
{
	sigset_t wait_mask;
	size_t i;

	sigemptyset(&wait_mask);
	while (!service_stop) {
		pid_t pid;
		int status;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < n; i++) {
				if (pids[i] == pid)
					pids[i] = 0;
			}
			ma_log_warn(log, "worker %ld ended (status %d)",
				    (long)pid, status);
		}
		for (i = 0; i < n && !service_stop; i++) {
			if (pids[i] <= 0)
				pids[i] = spawn_worker(listen_fd, c, log,
						       allowed, nallowed);
			if (pids[i] < 0)
				sleep(1);
		}
		if (!service_stop)
			sigsuspend(&wait_mask);
	}
	for (i = 0; i < n; i++) {
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	}
	for (i = 0; i < n; i++) {
		if (pids[i] > 0)
			(void)waitpid(pids[i], NULL, 0);
	}
}

int
signer_service_run(int listen_fd, struct signer_config *c,
		   const struct ma_log *log, const char **error_r)
{
	pid_t pids[SERVICE_MAX_WORKERS];
	size_t n = c->set.signing_processes, nallowed;
	uid_t *allowed;
	sigset_t block;

	if (resolve_clients(c, &allowed, &nallowed, error_r) < 0)
		return -1;
	if (n == 0 || n > SERVICE_MAX_WORKERS)
		n = n == 0 ? 1 : SERVICE_MAX_WORKERS;
	memset(pids, 0, sizeof(pids));
	service_stop = 0;
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	signal(SIGCHLD, on_child);
	/* signals arrive only inside sigsuspend(): no lost wake-up */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, NULL);
	ma_log_info(log, "serving %s with %zu processes", c->set.signing_socket,
		    n);
	supervise(pids, n, listen_fd, c, log, allowed, nallowed);
	ma_log_info(log, "stopped");
	return 0;
}
