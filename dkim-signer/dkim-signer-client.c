/*
 * dkim-signer-client.c - NAME
 *	dkim-signer-client - dkim-signer's pipe(8) front for SigningSocket
 * SYNOPSIS
 *	dkim-signer-client [-c FILE] [-o Name=value]... [-q QUEUEID]
 *		[-t UNIXTIME] [--stdout] -f SENDER -- RECIPIENT...
 * DESCRIPTION
 *	The same command line, configuration and log as dkim-signer(8),
 *	for master.cf when a signing service runs (dkim-signer --serve):
 *	reads the message, has the service sign it (signer-client.h) and
 *	re-injects it with the ReinjectCommand, or writes it to standard
 *	output.  It links no OpenSSL and reads no table or key: what a
 *	process per message costs is its start, the read, the round trip
 *	and the re-injection (bench/dkim-signer-bench.sh).
 *
 *	Without SigningSocket, for -n and --serve, and whenever the service
 *	fails (down, refused, timed out, TEMPFAIL, garbage), it executes
 *	the dkim-signer next to it (same directory) with the same arguments
 *	plus "-o SigningSocket=", the message it read on standard input:
 *	that signs in-process when it can read the keys, or exits 75.  So
 *	a message never goes on unsigned because of the service.
 * DIAGNOSTICS
 *	As dkim-signer(8): 0 when the message went on, 75 for everything
 *	else (including a failed exec of dkim-signer).
 */
#define _GNU_SOURCE 1 /* memfd_create */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "util/arena.h"
#include "logsink.h"
#include "progfatal.h"
#include "progopt.h"
#include "signer-args.h"
#include "signer-client.h"
#include "signer-deadline.h"
#include "signer-inject.h"
#include "signer-log.h"
#include "signer-message.h"
#include "signer-settings.h"
#include "signer-spool.h"
#include "signer-user.h"

#define CLIENT_IO_CHUNK 65536

static struct logsink fatal_sink = {SIGNER_PROGNAME, LOGSINK_STDERR};

/* Execute the dkim-signer next to this program with argv's options,
 * "-o SigningSocket=" and argv's recipients; standard input is `in_fd`
 * (rewound) unless -1.  Returns only on failure (75, logged). */
static int
exec_signer(int argc, char **argv, const struct signer_args *a, int in_fd,
	    const struct signer_log *l, const char *qid)
{
	static char opt_o[] = "-o", no_socket[] = "SigningSocket=",
		    end[] = "--";
	char self[PATH_MAX], *slash, **nargv;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 32);
	int i, j = 0;

	if (n <= 0 || (slash = memrchr(self, '/', (size_t)n)) == NULL)
		return signer_log_tempfail(l, qid, "cannot find dkim-signer");
	strcpy(slash + 1, "dkim-signer");
	nargv = calloc((size_t)argc + 4, sizeof(*nargv));
	if (nargv == NULL)
		return signer_log_tempfail(l, qid, "out of memory");
	nargv[j++] = self;
	for (i = 1; i < a->options_end && i < argc; i++)
		nargv[j++] = argv[i];
	nargv[j++] = opt_o;
	nargv[j++] = no_socket;
	nargv[j++] = end;
	for (i = argc - (int)a->nrecipients; i < argc; i++)
		nargv[j++] = argv[i];
	if (in_fd >= 0 &&
	    (lseek(in_fd, 0, SEEK_SET) != 0 || dup2(in_fd, 0) < 0))
		return signer_log_tempfail(l, qid, strerror(errno));
	alarm(0); /* dkim-signer arms its own TimeLimit */
	execv(self, nargv);
	snprintf(self, sizeof(self), "cannot execute dkim-signer: %s",
		 strerror(errno));
	return signer_log_tempfail(l, qid, self);
}

/* Standard input into the spool. */
static int
read_message(struct signer_spool *sp, size_t *size_r, const char **error_r)
{
	char *chunk = malloc(CLIENT_IO_CHUNK);
	ssize_t r;
	size_t size = 0;

	if (chunk == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	while ((r = read(0, chunk, CLIENT_IO_CHUNK)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*error_r = strerror(errno);
			break;
		}
		if (signer_spool_write(sp, chunk, (size_t)r, error_r) < 0) {
			r = -1;
			break;
		}
		size += (size_t)r;
	}
	free(chunk);
	*size_r = size;
	return r == 0 ? 0 : -1;
}

/* A descriptor holding the message from its start, for dkim-signer's
 * standard input: the spool's own file, or a memory file. */
static int
message_fd(struct signer_spool *sp, const char **error_r)
{
	char *chunk;
	ssize_t r;
	int fd;

	if (sp->fd >= 0)
		return sp->fd;
	if ((fd = memfd_create("dkim-signer-message", MFD_CLOEXEC)) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	chunk = malloc(CLIENT_IO_CHUNK);
	signer_spool_rewind(sp);
	while (chunk != NULL &&
	       (r = signer_spool_read(sp, chunk, CLIENT_IO_CHUNK, error_r)) > 0) {
		if (write(fd, chunk, (size_t)r) != r) {
			*error_r = "cannot copy the message";
			r = -1;
			break;
		}
	}
	if (chunk == NULL || r < 0) {
		free(chunk);
		close(fd);
		return -1;
	}
	free(chunk);
	return fd;
}

static int
write_all(int fd, const char *p, size_t len, const char **error_r)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			*error_r = w < 0 ? strerror(errno) : "short write";
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* The fields (when signed), then the message as read. */
static int
write_message(int fd, const struct signer_outcome *o, struct signer_spool *sp,
	      const char **error_r)
{
	char *chunk;
	ssize_t r;

	if (o->verdict == SIGNER_SIGNED &&
	    write_all(fd, o->fields, o->fields_len, error_r) < 0)
		return -1;
	if ((chunk = malloc(CLIENT_IO_CHUNK)) == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	signer_spool_rewind(sp);
	while ((r = signer_spool_read(sp, chunk, CLIENT_IO_CHUNK, error_r)) > 0) {
		if (write_all(fd, chunk, (size_t)r, error_r) < 0) {
			r = -1;
			break;
		}
	}
	free(chunk);
	return r < 0 ? -1 : 0;
}

/* Hand the signed message on: standard output or the ReinjectCommand. */
static int
pass_on(const struct signer_settings *set, const struct signer_args *a,
	const struct signer_outcome *o, struct signer_spool *sp,
	struct arena *arena, const char **error_r)
{
	const char *const *argv;
	struct signer_inject inj;
	const char *how = NULL;

	if (a->to_stdout)
		return write_message(1, o, sp, error_r);
	argv = signer_inject_argv(arena, signer_split(arena,
						      set->reinject_command,
						      " \t"),
				  a->sender, a->recipients, a->nrecipients);
	if (argv[0] == NULL || argv[0][0] != '/') {
		*error_r = "ReinjectCommand: needs an absolute program path";
		return -1;
	}
	if (signer_inject_start(argv, &inj, error_r) < 0) {
		*error_r = arena_printf(arena, "%s: %s", argv[0], *error_r);
		return -1;
	}
	if (write_message(inj.fd, o, sp, error_r) < 0) {
		const char *what = *error_r;

		(void)signer_inject_finish(&inj, false, arena, &how);
		*error_r = arena_printf(arena, "%s %s (writing: %s)", argv[0],
					how, what);
		return -1;
	}
	if (signer_inject_finish(&inj, true, arena, &how) < 0) {
		*error_r = arena_printf(arena, "%s %s", argv[0], how);
		return -1;
	}
	return 0;
}

/* UserID when started as root (pipe(8) runs us as user= already). */
static int
drop_privileges(const struct signer_settings *set, struct arena *arena,
		const char **error_r)
{
	struct signer_user user;

	if (set->user_id == NULL)
		return 0;
	if (signer_user_lookup(set->user_id, arena, &user, error_r) < 0)
		return -1;
	return geteuid() != 0 ? 0 : signer_user_become(&user, arena, error_r);
}

/* Read, have the service sign, pass on; on a service failure, hand the
 * message to dkim-signer. */
static int
run(int argc, char **argv, const struct signer_args *a,
    const struct signer_settings *set, struct signer_log *l,
    struct arena *arena, const struct timespec *t0)
{
	const char *qid = a->queue_id != NULL ? a->queue_id : "NOQUEUE";
	struct signer_spool sp;
	struct signer_outcome o;
	const char *err = NULL;
	size_t size;
	int fd, ret;

	signer_spool_init(&sp, set->temporary_directory, 0);
	if (read_message(&sp, &size, &err) < 0) {
		ret = signer_log_tempfail(l, qid, err);
		goto out;
	}
	if (signer_client_sign(set, &sp, size, a->sender, a->queue_id, a->now,
			       arena, &o, &err) < 0) {
		ma_log_warn(&l->log, "%s: %s; signing in-process", qid, err);
		if ((fd = message_fd(&sp, &err)) < 0)
			ret = signer_log_tempfail(l, qid, err);
		else
			ret = exec_signer(argc, argv, a, fd, l, qid);
		goto out;
	}
	if (pass_on(set, a, &o, &sp, arena, &err) < 0) {
		if (signer_deadline_expired())
			err = arena_printf(arena, "TimeLimit of %us exceeded: "
					   "%s", (set->time_limit + 999) / 1000,
					   err);
		ret = signer_log_tempfail(l, qid, err);
		goto out;
	}
	signer_log_outcome(l, qid, a->sender, &o, size,
			   signer_log_elapsed_ms(t0));
	ret = 0;
out:
	signer_spool_deinit(&sp);
	return ret;
}

int
main(int argc, char **argv)
{
	struct signer_settings set;
	struct signer_args a;
	struct signer_log l;
	struct arena *arena;
	struct timespec t0;
	const char *err, *qid;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	progfatal_install(&fatal_sink, SIGNER_EX_TEMPFAIL);
	signal(SIGPIPE, SIG_IGN);
	if (progopt_version_help(argc, argv, "dkim-signer-client",
				 signer_args_usage))
		return 0;
	if (signer_args_parse(argc, argv, &a) < 0) {
		signer_args_usage(stderr);
		return SIGNER_EX_TEMPFAIL;
	}
	qid = a.queue_id != NULL ? a.queue_id : "NOQUEUE";
	signer_log_deadline_arm(NULL, SIGNER_TIME_LIMIT_DEFAULT, qid, &t0);
	arena = arena_new(0);
	if (signer_settings_load(a.config, a.overrides, arena, &set, &err) < 0) {
		signer_log_setup(&l, NULL);
		ret = signer_log_tempfail(&l, qid, err);
		goto out;
	}
	signer_log_setup(&l, &set);
	if (a.check || a.serve || set.signing_socket == NULL ||
	    *set.signing_socket == '\0') {
		ret = exec_signer(argc, argv, &a, -1, &l, qid);
		goto out;
	}
	if (drop_privileges(&set, arena, &err) < 0) {
		ret = signer_log_tempfail(&l, qid, err);
		goto out;
	}
	signer_log_open_file(&l, &set);
	signer_log_deadline_arm(&l, (set.time_limit + 999) / 1000, qid, &t0);
	ret = run(argc, argv, &a, &set, &l, arena, &t0);
	if (ret == 0 && a.to_stdout && fflush(stdout) != 0)
		ret = SIGNER_EX_TEMPFAIL;
	signer_log_close(&l);
out:
	arena_free(&arena);
	return ret;
}
