/*
 * signer-log.h - where dkim-signer's log lines go (syslog, standard
 * error, or the LogFile), the deferral that pipe(8) shows (tempfail:
 * logged, and on standard error, exit 75), and the one line per message.
 * Shared by dkim-signer and dkim-signer-client so that both log alike
 * (the program name is "dkim-signer" in both).
 *
 * Memory: the caller owns the struct; signer_log_close() closes the
 * LogFile.
 */
#ifndef SIGNER_LOG_H
#define SIGNER_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "logsink.h"
#include "util/log.h"

#define SIGNER_PROGNAME "dkim-signer"
#define SIGNER_EX_TEMPFAIL 75

struct signer_outcome;
struct timespec;
struct signer_settings;

struct signer_log {
	struct logsink sink;
	struct ma_log log;
	int fd;		/* LogFile, or -1 */
	bool on_stderr; /* the log lines go to stderr already */
	bool success;	/* SyslogSuccess */
};

/* syslog or stderr as `set` says (NULL: stderr, before the config is
 * read), until signer_log_open_file(). */
void signer_log_setup(struct signer_log *l, const struct signer_settings *set);

/* The LogFile, opened (after the privilege drop) never through a
 * symbolic link (probe 2026-12 F13); when it cannot be opened the log
 * stays where it was, with a warning. */
void signer_log_open_file(struct signer_log *l,
			  const struct signer_settings *set);

void signer_log_close(struct signer_log *l);

/* A failure: logged as "QID: deferred: WHAT", and on stderr for
 * pipe(8)'s delivery status.  Returns 75 (EX_TEMPFAIL). */
int signer_log_tempfail(const struct signer_log *l, const char *qid,
			const char *what);

/* The one line per message: "QID: from=<S>, signed d=.. s=.. a=..,
 * size=N, delay=Nms" or "..., not signed: REASON, ..." (signed lines
 * only with SyslogSuccess). */
void signer_log_outcome(const struct signer_log *l, const char *qid,
			const char *sender, const struct signer_outcome *o,
			size_t size, long ms);

/* Milliseconds since t0 (CLOCK_MONOTONIC). */
long signer_log_elapsed_ms(const struct timespec *t0);

/* (Re)arm TimeLimit (`limit` seconds counted from t0, signer-deadline.h)
 * with the lines its hard exit writes to stderr and to the LogFile of
 * `l` (NULL: none yet). */
void signer_log_deadline_arm(const struct signer_log *l, unsigned int limit,
			     const char *qid, const struct timespec *t0);

#endif
