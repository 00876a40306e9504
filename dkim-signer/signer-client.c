/*
 * signer-client.c - hand a message to the signing service
 * (signer-client.h).
 */
#define _GNU_SOURCE 1 /* struct ucred */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "signer-client.h"
#include "signer-settings.h"
#include "signer-spool.h"
#include "signer-message.h"
#include "signer-proto.h"
#include "signer-sockio.h"

#define CLIENT_IO_CHUNK 65536
/* The longest well-formed reply: line, signature lines, fields. */
#define CLIENT_MAX_REPLY                                                 \
	(SIGNER_PROTO_MAX_LINE +                                          \
	 DKIM_SIGN_MAX_SIGNATURES * (32 + 2 * 255 + 3) +                  \
	 SIGNER_PROTO_MAX_FIELDS)

static int
connect_service(const char *path, const char **error_r)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		*error_r = "socket path too long";
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	/* a unix socket connects at once or fails (EAGAIN: backlog full) */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		*error_r = errno == EAGAIN ? "service busy" : strerror(errno);
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether the peer on `fd` may be the service at `path`: root, our own
 * user, or the owner of the socket's directory when no one else may
 * write to that directory (so no one else can have put a socket there).
 * Anyone else could read the message and forge the verdict (a reply
 * "UNSIGNED" passes mail on unsigned): refused. */
static int
service_peer_trusted(int fd, const char *path, struct arena *arena,
		     const char **error_r)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	const char *slash = strrchr(path, '/');
	const char *dir;
	struct stat st;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    len != sizeof(cred)) {
		*error_r = "no peer credentials";
		return -1;
	}
	if (cred.uid == 0 || cred.uid == geteuid())
		return 0;
	dir = slash == NULL ? "." : slash == path ? "/" :
		arena_strndup(arena, path, (size_t)(slash - path));
	if (stat(dir, &st) == 0 && st.st_uid == cred.uid &&
	    (st.st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return 0;
	*error_r = arena_printf(arena, "service uid %u is not root, ours or "
				"the owner of %s (writable by no one else)",
				(unsigned)cred.uid, dir);
	return -1;
}

/* The request: line, sender, queue id, then the spooled message. */
static int
send_request(int fd, struct signer_spool *spool, size_t size,
	     const char *sender,
	     const char *qid, time_t now, int64_t deadline,
	     const char **error_r)
{
	struct signer_request req;
	struct buf head = BUF_INIT;
	char *chunk;
	ssize_t r;
	int ret = -1;

	req.sender_len = strlen(sender);
	req.queue_id_len = strlen(qid);
	req.now = now;
	req.message_len = size;
	signer_proto_request_line(&head, &req);
	buf_append_str(&head, sender);
	buf_append_str(&head, qid);
	if (signer_sockio_write(fd, head.data, head.len, deadline, error_r) < 0) {
		buf_free(&head);
		return -1;
	}
	buf_free(&head);
	chunk = malloc(CLIENT_IO_CHUNK);
	if (chunk == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	signer_spool_rewind(spool);
	while ((r = signer_spool_read(spool, chunk, CLIENT_IO_CHUNK,
				      error_r)) > 0) {
		if (signer_sockio_write(fd, chunk, (size_t)r, deadline,
					error_r) < 0)
			break;
	}
	if (r == 0)
		ret = 0;
	free(chunk);
	return ret;
}

/* The whole reply, to the service's end of file. */
static int
read_reply(int fd, struct buf *reply, int64_t deadline, const char **error_r)
{
	char chunk[4096];
	ssize_t r;

	while ((r = signer_sockio_read(fd, chunk, sizeof(chunk), deadline,
				       error_r)) > 0) {
		if (reply->len + (size_t)r > CLIENT_MAX_REPLY) {
			*error_r = "reply too long";
			return -1;
		}
		buf_append(reply, chunk, (size_t)r);
	}
	return r < 0 ? -1 : 0;
}

static int
parse_reply(const struct buf *reply, struct arena *arena,
	    struct signer_outcome *o, const char **error_r)
{
	struct signer_reply_head head;
	const char *lf = reply->len > 0 ?
		memchr(reply->data, '\n', reply->len) : NULL;
	size_t line_len;

	if (lf == NULL) {
		*error_r = reply->len == 0 ? "no reply" : "malformed reply";
		return -1;
	}
	line_len = (size_t)(lf - reply->data);
	if (signer_proto_reply_head_parse(reply->data, line_len, &head,
					  error_r) < 0)
		return -1;
	if (head.kind == SIGNER_REPLY_TEMPFAIL) {
		size_t n = reply->len - line_len - 1;

		*error_r = arena_printf(arena, "service failed: %.*s",
					(int)(n < head.body_len ? n : head.body_len),
					lf + 1);
		return -1;
	}
	return signer_proto_reply_body_parse(&head, lf + 1,
					     reply->len - line_len - 1, arena,
					     o, error_r);
}

int
signer_client_sign(const struct signer_settings *set,
		   struct signer_spool *spool, size_t size, const char *sender, const char *queue_id, time_t now,
		   struct arena *arena, struct signer_outcome *o,
		   const char **error_r)
{
	int64_t deadline = signer_sockio_now() + set->signing_timeout;
	struct buf reply = BUF_INIT;
	const char *err = NULL;
	int fd, ret = -1;

	if ((fd = connect_service(set->signing_socket, &err)) < 0 ||
	    service_peer_trusted(fd, set->signing_socket, arena, &err) < 0)
		goto out;
	if (send_request(fd, spool, size, sender != NULL ? sender : "",
			 queue_id != NULL ? queue_id : "", now, deadline,
			 &err) < 0 ||
	    read_reply(fd, &reply, deadline, &err) < 0 ||
	    parse_reply(&reply, arena, o, &err) < 0)
		goto out;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		*error_r = arena_printf(arena, "SigningSocket %s: %s",
					set->signing_socket, err);
	buf_free(&reply);
	return ret;
}
