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
#include "signer-args.h"
#include "signer-client.h"
#include "signer-inject.h"
#include "signer-log.h"
#include "signer-message.h"
#include "signer-service.h"
#include "signer-user.h"
#include "util/xalloc.h"

#define PROGNAME SIGNER_PROGNAME
#define EX_TEMPFAIL_ SIGNER_EX_TEMPFAIL


/* Out of memory or a bug: one line on stderr (pipe(8) keeps it with the
 * deferral), exit 75 so that Postfix retries. */
static struct logsink fatal_sink = {PROGNAME, LOGSINK_STDERR};

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


static unsigned int
time_limit_secs(const struct signer_config *c)
{
	return c != NULL ? (c->set.time_limit + 999) / 1000 :
			   SIGNER_TIME_LIMIT_DEFAULT;
}

/* (Re)arm TimeLimit (signer-log.h). */
static void
deadline_arm(const struct signer_config *c, const struct signer_log *l,
	     const char *qid, const struct timespec *t0)
{
	signer_log_deadline_arm(l, time_limit_secs(c), qid, t0);
}

/* Through the signing service when there is one (no OpenSSL here);
 * in-process without one, or when it fails (logged). */
static int
sign(struct signer_config *c, const struct signer_args *a,
     const struct signer_log *l, const char *qid, struct signer_message *m,
     struct signer_outcome *o, const char **error_r)
{
	const char *service_err = NULL;

	if (c->set.signing_socket != NULL && *c->set.signing_socket != '\0') {
		if (signer_client_sign(&c->set, &m->spool,
				       signer_message_size(m), a->sender,
				       a->queue_id, a->now, m->arena, o,
				       &service_err) == 0)
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
	signer_log_outcome(l, qid, a->sender, &o, signer_message_size(&m),
			   signer_log_elapsed_ms(t0));
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
	ret = signer_log_tempfail(l, qid, err);
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
	if (c->set.signing_socket == NULL || *c->set.signing_socket == '\0')
		return signer_log_tempfail(l, "service", "--serve needs SigningSocket");
	if (signer_config_load_all_keys(c, &err) < 0 ||
	    (fd = signer_service_listen(c->set.signing_socket, &err)) < 0)
		return signer_log_tempfail(l, "service", err);
	ret = signer_service_run(fd, c, &l->log, &err) < 0 ?
		signer_log_tempfail(l, "service", err) : 0;
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
	if (progopt_version_help(argc, argv, PROGNAME, signer_args_usage))
		return 0;
	if (signer_args_parse(argc, argv, &a) < 0) {
		signer_args_usage(stderr);
		return EX_TEMPFAIL_;
	}
	qid = a.queue_id != NULL ? a.queue_id : "NOQUEUE";
	deadline_arm(NULL, NULL, qid, &t0);
	if (signer_config_load(a.config, a.overrides, &c, &err) < 0) {
		signer_log_setup(&l, NULL);
		return signer_log_tempfail(&l, qid, err);
	}
	signer_log_setup(&l, &c->set);
	if (((a.check || a.serve) && crypto_init(&err) < 0) ||
	    drop_privileges(c, &err) < 0) {
		ret = signer_log_tempfail(&l, qid, err);
		goto out;
	}
	signer_log_open_file(&l, &c->set);
	deadline_arm(c, &l, qid, &t0);
	if (a.check) {
		ret = signer_config_load_all_keys(c, &err) < 0 ?
			signer_log_tempfail(&l, qid, err) : 0;
	} else if (a.serve) {
		ret = serve(c, &l);
	} else {
		ret = run_message(c, &a, &l, &t0);
	}
out:
	if (ret == 0 && a.to_stdout && fflush(stdout) != 0)
		ret = EX_TEMPFAIL_;
	signer_config_free(&c);
	signer_log_close(&l);
	return ret;
}
