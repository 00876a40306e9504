/*
 * logsink.c - stderr/syslog log hook for the front-ends (see logsink.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "util/buf.h"
#include "logsink.h"

static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{"mail", LOG_MAIL},	{"daemon", LOG_DAEMON}, {"user", LOG_USER},
	{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

static int
facility_value(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(facilities) / sizeof(facilities[0]);
	     i++) {
		if (strcmp(facilities[i].name, name) == 0)
			return facilities[i].facility;
	}
	return LOG_MAIL;
}

void
logsink_init(struct logsink *sink, struct ma_log *log, const char *progname,
	     enum logsink_target target, const char *facility, bool verbose)
{
	sink->progname = progname;
	sink->target = target;
	log->fn = logsink_write;
	log->context = sink;
	log->min_level = verbose ? MA_LOG_DEBUG : MA_LOG_INFO;
	if (target == LOGSINK_SYSLOG)
		openlog(progname, LOG_PID | LOG_NDELAY, facility_value(facility));
}

static int
syslog_priority(enum ma_log_level level)
{
	switch (level) {
	case MA_LOG_DEBUG:
		return LOG_DEBUG;
	case MA_LOG_INFO:
		return LOG_INFO;
	case MA_LOG_WARN:
		return LOG_WARNING;
	case MA_LOG_ERROR:
		return LOG_ERR;
	}
	return LOG_INFO;
}

void
logsink_escape(struct buf *out, const char *msg)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)msg;
	size_t run;

	while (*p != '\0') {
		for (run = 0; p[run] >= 0x20 && p[run] < 0x7f && p[run] != '\\';
		     run++)
			;
		buf_append(out, p, run);
		p += run;
		if (*p == '\\') {
			buf_append(out, "\\\\", 2);
			p++;
		} else if (*p != '\0') {
			char esc[4] = {'\\', 'x', hex[*p >> 4], hex[*p & 15]};

			buf_append(out, esc, sizeof(esc));
			p++;
		}
	}
}

void
logsink_write(void *context, enum ma_log_level level, const char *msg)
{
	const struct logsink *sink = context;
	const char *prefix = "";
	struct buf text = BUF_INIT;

	/* Postfix style: info lines carry no level word */
	if (level == MA_LOG_WARN)
		prefix = "warning: ";
	else if (level == MA_LOG_ERROR)
		prefix = "error: ";
	else if (level == MA_LOG_DEBUG)
		prefix = "debug: ";
	logsink_escape(&text, msg);
	switch (sink->target) {
	case LOGSINK_STDERR:
		fprintf(stderr, "%s[%ld]: %s%s\n", sink->progname,
			(long)getpid(), prefix, buf_cstr(&text));
		break;
	case LOGSINK_SYSLOG:
		syslog(syslog_priority(level), "%s%s", prefix, buf_cstr(&text));
		break;
	case LOGSINK_NONE:
		break;
	}
	buf_free(&text);
}
