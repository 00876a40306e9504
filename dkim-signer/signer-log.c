/*
 * signer-log.c - dkim-signer's log (signer-log.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "dkim/dkim.h"
#include "signer-deadline.h"
#include "signer-log.h"
#include "signer-message.h"
#include "signer-settings.h"

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
	buf_printf(&line, "%s %s[%ld]: %s", stamp, SIGNER_PROGNAME,
		   (long)getpid(),
		   level == MA_LOG_WARN ? "warning: " :
		   level == MA_LOG_ERROR ? "error: " : "");
	logsink_escape(&line, msg);
	buf_append_char(&line, '\n');
	(void)write(l->fd, line.data, line.len);
	buf_free(&line);
}

void
signer_log_setup(struct signer_log *l, const struct signer_settings *set)
{
	l->fd = -1;
	l->on_stderr = set != NULL && !set->syslog;
	l->success = set == NULL || set->syslog_success;
	logsink_init(&l->sink, &l->log, SIGNER_PROGNAME,
		     l->on_stderr ? LOGSINK_STDERR : LOGSINK_SYSLOG,
		     set != NULL ? set->syslog_facility : NULL, false);
}

void
signer_log_open_file(struct signer_log *l, const struct signer_settings *set)
{
	const char *path = set->log_file;

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

void
signer_log_close(struct signer_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

int
signer_log_tempfail(const struct signer_log *l, const char *qid,
		    const char *what)
{
	ma_log_warn(&l->log, "%s: deferred: %s", qid, what);
	if (!l->on_stderr) {
		struct buf text = BUF_INIT;

		logsink_escape(&text, what);
		fprintf(stderr, SIGNER_PROGNAME ": %s\n", buf_cstr(&text));
		buf_free(&text);
	}
	return SIGNER_EX_TEMPFAIL;
}

void
signer_log_outcome(const struct signer_log *l, const char *qid,
		   const char *sender, const struct signer_outcome *o,
		   size_t size, long ms)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_printf(&b, "%s: from=<%s>, ", qid, sender != NULL ? sender : "");
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
	if (o->verdict != SIGNER_SIGNED || l->success)
		ma_log_info(&l->log, "%s", buf_cstr(&b));
	buf_free(&b);
}

long
signer_log_elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

void
signer_log_deadline_arm(const struct signer_log *l, unsigned int limit,
			const char *qid, const struct timespec *t0)
{
	long spent = signer_log_elapsed_ms(t0) / 1000;
	unsigned int left = spent < (long)limit ? limit - (unsigned int)spent : 1;
	time_t when = time(NULL) + left + SIGNER_DEADLINE_GRACE;
	char stamp[64], err_line[256], log_line[512];
	struct tm tm;

	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S",
		 localtime_r(&when, &tm));
	/* pipe(8) puts standard error in the deferral reason */
	snprintf(err_line, sizeof(err_line), SIGNER_PROGNAME ": TimeLimit of "
		 "%us exceeded (still running %us later)\n", limit,
		 SIGNER_DEADLINE_GRACE);
	snprintf(log_line, sizeof(log_line), "%s %s[%ld]: warning: %s: "
		 "deferred: TimeLimit of %us exceeded\n", stamp,
		 SIGNER_PROGNAME, (long)getpid(), qid, limit);
	signer_deadline_arm(left, err_line, log_line,
			    l != NULL ? l->fd : -1);
}
