/*
 * dkim-signer.c - NAME
 *	dkim-signer - DKIM-sign outbound mail as a Postfix pipe(8) filter
 * SYNOPSIS
 *	dkim-signer [-c FILE] [-o Name=value]... [-q QUEUEID] [-t UNIXTIME]
 *		[--stdout] -f SENDER -- RECIPIENT...
 *	dkim-signer -n [-c FILE] [-o Name=value]...
 *	dkim-signer --serve [-c FILE] [-o Name=value]...
 * DESCRIPTION
 *	Reads one message on standard input, puts DKIM-Signature fields
 *	on top (keys chosen by the OpenDKIM-style KeyTable/SigningTable of
 *	signer-config.h) and re-injects it with the ReinjectCommand
 *	(signer-inject.h), or writes it to standard output (--stdout).
 *	-n checks the configuration and loads every key.
 *	With SigningSocket set, the message is signed by the signing
 *	service (--serve, signer-service.h) through signer-client.h; this
 *	process then never initialises OpenSSL.  If the service fails in
 *	any way the message is signed in-process as without it (which
 *	needs the keys) or deferred.
 * DIAGNOSTICS
 *	Exit 0 when the message went on, signed or not (the reason for not
 *	signing is logged).  Exit 75 (EX_TEMPFAIL) on every other failure -
 *	usage, configuration, key, temporary file, read, write, or the
 *	re-injection command failing or dying - with nothing handed on:
 *	pipe(8) bounces mail for any other non-zero status, and a signer
 *	problem is never the message's fault.  One log line per message;
 *	its text goes through logsink_escape() (message data is untrusted).
 *	TimeLimit (signer-deadline.h) ends a run that takes too long with
 *	75 before pipe(8)'s time_limit would bounce the message.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim.h"
#include "logsink.h"
#include "progfatal.h"
#include "progopt.h"
#include "signer-config.h"
#include "signer-deadline.h"
#include "signer-client.h"
#include "signer-inject.h"
#include "signer-message.h"
#include "signer-service.h"
#include "signer-user.h"
#include "util/xalloc.h"

#define PROGNAME "dkim-signer"
#define SIGNER_DEFAULT_CONFIG "/etc/mailauth/dkim-signer.conf"
#define EX_TEMPFAIL_ 75
#define SIGNER_MAX_OVERRIDES 32

struct signer_args {
	const char *config, *queue_id, *sender;
	const char *overrides[SIGNER_MAX_OVERRIDES + 1];
	const char *const *recipients;
	size_t nrecipients, noverrides;
	bool check, to_stdout, serve;
	time_t now;
};

/* Where log lines go: a LogFile, syslog, or stderr. */
struct signer_log {
	struct logsink sink;
	struct ma_log log;
	int fd; /* LogFile, or -1 */
	bool on_stderr; /* the log lines go to stderr already */
};

/* Out of memory or a bug: one line on stderr (pipe(8) keeps it with the
 * deferral), exit 75 so that Postfix retries. */
static struct logsink fatal_sink = {PROGNAME, LOGSINK_STDERR};

static void
file_log_write(void *context, enum ma_log_level level, const char *msg)
{
	struct signer_log *l = context;
	struct buf line = BUF_INIT;
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;

	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S",
		 localtime_r(&now, &tm));
	buf_printf(&line, "%s %s[%ld]: %s", stamp, PROGNAME, (long)getpid(),
		   level == MA_LOG_WARN ? "warning: " :
		   level == MA_LOG_ERROR ? "error: " : "");
	logsink_escape(&line, msg);
	buf_append_char(&line, '\n');
	(void)write(l->fd, line.data, line.len);
	buf_free(&line);
}

/* syslog or stderr, until log_open_file(). */
static void
log_setup(struct signer_log *l, const struct signer_config *c)
{
	l->fd = -1;
	l->on_stderr = c != NULL && !c->set.syslog;
	logsink_init(&l->sink, &l->log, PROGNAME,
		     l->on_stderr ? LOGSINK_STDERR : LOGSINK_SYSLOG,
		     c != NULL ? c->set.syslog_facility : NULL, false);
}

/* LogFile, opened after the privilege drop (as the user that signs) and
 * never through a symbolic link (probe 2026-12 F13): a file that cannot
 * be opened so leaves the log where log_setup() put it, with a
 * warning. */
static void
log_open_file(struct signer_log *l, const struct signer_config *c)
{
	const char *path = c->set.log_file;

	if (path == NULL)
		return;
	if ((l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
				    O_NOFOLLOW | O_NONBLOCK, 0640)) < 0) {
		ma_log_warn(&l->log, "LogFile %s: %s", path,
			    errno == ELOOP ? "is a symbolic link" :
					     strerror(errno));
		return;
	}
	l->log.fn = file_log_write;
	l->log.context = l;
	l->log.min_level = MA_LOG_INFO;
	l->on_stderr = false;
}

/* A failure: logged, and on stderr so that pipe(8) puts it in the
 * delivery status ("Command output: ..."); exit 75. */
static int
tempfail(const struct signer_log *l, const char *qid, const char *what)
{
	ma_log_warn(&l->log, "%s: deferred: %s", qid, what);
	if (!l->on_stderr) {
		struct buf text = BUF_INIT;

		logsink_escape(&text, what);
		fprintf(stderr, PROGNAME ": %s\n", buf_cstr(&text));
		buf_free(&text);
	}
	return EX_TEMPFAIL_;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
		"usage: " PROGNAME " [-c FILE] [-o Name=value] [-q QUEUEID] "
		"[-t UNIXTIME] [--stdout]\n"
		"                   -f SENDER -- RECIPIENT...\n"
		"       " PROGNAME " -n [-c FILE] [-o Name=value]\n"
		"       " PROGNAME " --serve [-c FILE] [-o Name=value]\n"
		"       " PROGNAME " --version | --help\n");
}

static int
parse_args(int argc, char **argv, struct signer_args *a)
{
	enum { END, CHECK, TO_STDOUT, SERVE, CONFIG, SENDER, QUEUE_ID, NOW,
	       OVERRIDE };
	static const struct progopt_def opts[] = {
		[END] = {"--", 0},
		[CHECK] = {"-n", 0},
		[TO_STDOUT] = {"--stdout", 0},
		[SERVE] = {"--serve", 0},
		[CONFIG] = {"-c", 1},
		[SENDER] = {"-f", 1},
		[QUEUE_ID] = {"-q", 1},
		[NOW] = {"-t", 1},
		[OVERRIDE] = {"-o", 1},
		{NULL, 0},
	};
	const char *v;
	int i;

	memset(a, 0, sizeof(*a));
	a->config = SIGNER_DEFAULT_CONFIG;
	for (i = 1; i < argc; i++) {
		int opt = progopt_find(opts, argc, argv, &i, &v);

		if (opt == END) {
			i++;
			break;
		}
		switch (opt) {
		case CHECK: a->check = true; break;
		case TO_STDOUT: a->to_stdout = true; break;
		case SERVE: a->serve = true; break;
		case CONFIG: a->config = v; break;
		case SENDER: a->sender = v; break;
		case QUEUE_ID: a->queue_id = v; break;
		case NOW: a->now = (time_t)strtoll(v, NULL, 10); break;
		case OVERRIDE:
			if (a->noverrides >= SIGNER_MAX_OVERRIDES)
				return -1;
			a->overrides[a->noverrides++] = v;
			break;
		default: /* unknown, or the value missing */
			return -1;
		}
	}
	a->recipients = (const char *const *)argv + i;
	a->nrecipients = (size_t)(argc - i);
	if (a->check || a->serve)
		return a->check && a->serve ? -1 : 0;
	if (a->sender == NULL || (a->nrecipients == 0 && !a->to_stdout))
		return -1;
	return 0;
}

/* UserID: looked up whoever runs us (so that -n reports a wrong name);
 * when started as root, become that user before touching keys (pipe(8)
 * already runs us as user=, so this is for other callers). */
static int
drop_privileges(struct signer_config *c, const char **error_r)
{
	struct signer_user user;

	if (c->set.user_id == NULL)
		return 0;
	if (signer_user_lookup(c->set.user_id, c->arena, &user, error_r) < 0)
		return -1;
	if (geteuid() != 0)
		return 0;
	return signer_user_become(&user, c->arena, error_r);
}

/* OpenSSL for one message in a short-lived process (what callgrind
 * showed, bench/dkim-signer-bench.sh): no openssl.cnf (the signer needs
 * nothing from it: its keys, algorithms and providers are fixed), and
 * the NIST SP 800-90A Hash_DRBG with SHA-256 for RSA blinding instead of
 * the default CTR_DRBG, so that seeding it does not set up every cipher
 * of the default provider (SHA-256 is set up for DKIM anyway).  Returns
 * -1 when OpenSSL cannot start. */
static int
crypto_init(const char **error_r)
{
	static bool done;

	if (done)
		return 0;
	done = true;
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1 ||
	    RAND_set_DRBG_type(NULL, "HASH-DRBG", NULL, NULL, "SHA256") != 1) {
		*error_r = "cannot initialise OpenSSL";
		return -1;
	}
	return 0;
}

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
log_outcome(const struct signer_log *l, const struct signer_config *c,
	    const char *qid, const struct signer_args *a,
	    const struct signer_outcome *o, size_t size, long ms)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_printf(&b, "%s: from=<%s>, ", qid, a->sender != NULL ? a->sender : "");
	if (o->verdict == SIGNER_SIGNED) {
		buf_append_str(&b, "signed");
		for (i = 0; i < o->nsigs; i++)
			buf_printf(&b, "%s d=%s s=%s a=%s", i == 0 ? "" : ",",
				   o->sigs[i].domain, o->sigs[i].selector,
				   dkim_alg_str(o->sigs[i].alg));
	} else {
		buf_printf(&b, "not signed: %s", o->reason);
	}
	buf_printf(&b, ", size=%zu, delay=%ldms", size, ms);
	if (o->verdict != SIGNER_SIGNED || c->set.syslog_success)
		ma_log_info(&l->log, "%s", buf_cstr(&b));
	buf_free(&b);
}

static unsigned int
time_limit_secs(const struct signer_config *c)
{
	return c != NULL ? (c->set.time_limit + 999) / 1000 :
			   SIGNER_TIME_LIMIT_DEFAULT;
}

/* (Re)arm TimeLimit, counted from the start (t0), with the lines the
 * hard exit writes (signer-deadline.h). */
static void
deadline_arm(const struct signer_config *c, const struct signer_log *l,
	     const char *qid, const struct timespec *t0)
{
	unsigned int limit = time_limit_secs(c);
	long spent = elapsed_ms(t0) / 1000;
	unsigned int left = spent < (long)limit ? limit - (unsigned int)spent : 1;
	time_t when = time(NULL) + left + SIGNER_DEADLINE_GRACE;
	char stamp[64], err_line[256], log_line[512];
	struct tm tm;

	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S",
		 localtime_r(&when, &tm));
	/* pipe(8) puts standard error in the deferral reason */
	snprintf(err_line, sizeof(err_line), PROGNAME ": TimeLimit of %us "
		 "exceeded (still running %us later)\n", limit,
		 SIGNER_DEADLINE_GRACE);
	snprintf(log_line, sizeof(log_line), "%s %s[%ld]: warning: %s: "
		 "deferred: TimeLimit of %us exceeded\n", stamp, PROGNAME,
		 (long)getpid(), qid, limit);
	signer_deadline_arm(left, err_line, log_line,
			    l != NULL ? l->fd : -1);
}

/* Through the signing service when there is one (no OpenSSL here);
 * in-process without one, or when it fails (logged). */
static int
sign(struct signer_config *c, const struct signer_args *a,
     const struct signer_log *l, const char *qid, struct signer_message *m,
     struct signer_outcome *o, const char **error_r)
{
	const char *service_err = NULL;

	if (c->set.signing_socket != NULL) {
		if (signer_client_sign(c, m, a->sender, a->queue_id, a->now,
				       m->arena, o, &service_err) == 0)
			return 0;
		ma_log_warn(&l->log, "%s: %s; signing in-process", qid,
			    service_err);
	}
	if (crypto_init(error_r) < 0)
		return -1;
	if (signer_message_sign(m, c, a->sender, a->now, o, error_r) < 0) {
		if (service_err != NULL)
			*error_r = arena_printf(m->arena, "%s (after %s)",
						*error_r, service_err);
		return -1;
	}
	return 0;
}

static int
run_message(struct signer_config *c, const struct signer_args *a,
	    const struct signer_log *l, const struct timespec *t0)
{
	struct signer_message m;
	struct signer_outcome o;
	struct signer_inject inj;
	const char *qid = a->queue_id != NULL ? a->queue_id : "NOQUEUE";
	const char *const *argv = NULL;
	const char *err = NULL;
	bool injecting = false;
	int ret = 0;

	signer_message_init(&m, c->set.temporary_directory, 0);
	if (!a->to_stdout) {
		/* start sendmail now: its start-up overlaps our work */
		argv = signer_inject_argv(m.arena, c->reinject_argv, a->sender,
					  a->recipients, a->nrecipients);
		if (signer_inject_start(argv, &inj, &err) < 0) {
			err = arena_printf(m.arena, "%s: %s", argv[0], err);
			goto fail;
		}
		injecting = true;
	}
	if (signer_message_read_fd(&m, 0, &err) < 0 ||
	    sign(c, a, l, qid, &m, &o, &err) < 0)
		goto fail;
	if (signer_message_write(&m, &o, injecting ? inj.fd : 1, &err) < 0) {
		if (injecting) {
			/* the command stopped reading: say how it ended */
			const char *how = NULL;

			injecting = false;
			(void)signer_inject_finish(&inj, false, m.arena, &how);
			err = arena_printf(m.arena, "%s %s (writing: %s)",
					   argv[0], how, err);
		}
		goto fail;
	}
	if (injecting) {
		injecting = false;
		if (signer_inject_finish(&inj, true, m.arena, &err) < 0) {
			err = arena_printf(m.arena, "%s %s", argv[0], err);
			goto fail;
		}
	}
	log_outcome(l, c, qid, a, &o, signer_message_size(&m), elapsed_ms(t0));
	signer_message_deinit(&m);
	return 0;
fail:
	if (injecting) {
		const char *ignored;

		(void)signer_inject_finish(&inj, false, m.arena, &ignored);
	}
	if (signer_deadline_expired())
		err = arena_printf(m.arena, "TimeLimit of %us exceeded: %s",
				   time_limit_secs(c), err);
	ret = tempfail(l, qid, err);
	signer_message_deinit(&m);
	return ret;
}

/* --serve: keys loaded once, then signer-service.h until SIGTERM.
 * Exit 0 when stopped, 75 when it cannot start. */
static int
serve(struct signer_config *c, const struct signer_log *l)
{
	const char *err;
	int fd, ret;

	alarm(0); /* TimeLimit is per message, not for the service */
	if (c->set.signing_socket == NULL)
		return tempfail(l, "service", "--serve needs SigningSocket");
	if (signer_config_load_all_keys(c, &err) < 0 ||
	    (fd = signer_service_listen(c->set.signing_socket, &err)) < 0)
		return tempfail(l, "service", err);
	ret = signer_service_run(fd, c, &l->log, &err) < 0 ?
		tempfail(l, "service", err) : 0;
	close(fd);
	(void)unlink(c->set.signing_socket);
	return ret;
}

int
main(int argc, char **argv)
{
	struct signer_config *c = NULL;
	struct signer_args a;
	struct signer_log l;
	struct timespec t0;
	const char *err, *qid;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	progfatal_install(&fatal_sink, EX_TEMPFAIL_);
	signal(SIGPIPE, SIG_IGN);
	if (progopt_version_help(argc, argv, PROGNAME, usage))
		return 0;
	if (parse_args(argc, argv, &a) < 0) {
		usage(stderr);
		return EX_TEMPFAIL_;
	}
	a.overrides[a.noverrides] = NULL;
	qid = a.queue_id != NULL ? a.queue_id : "NOQUEUE";
	deadline_arm(NULL, NULL, qid, &t0);
	if (signer_config_load(a.config, a.overrides, &c, &err) < 0) {
		log_setup(&l, NULL);
		return tempfail(&l, qid, err);
	}
	log_setup(&l, c);
	if (((a.check || a.serve) && crypto_init(&err) < 0) ||
	    drop_privileges(c, &err) < 0) {
		ret = tempfail(&l, qid, err);
		goto out;
	}
	log_open_file(&l, c);
	deadline_arm(c, &l, qid, &t0);
	if (a.check) {
		ret = signer_config_load_all_keys(c, &err) < 0 ?
			tempfail(&l, qid, err) : 0;
	} else if (a.serve) {
		ret = serve(c, &l);
	} else {
		ret = run_message(c, &a, &l, &t0);
	}
out:
	if (ret == 0 && a.to_stdout && fflush(stdout) != 0)
		ret = EX_TEMPFAIL_;
	signer_config_free(&c);
	if (l.fd >= 0)
		close(l.fd);
	return ret;
}
