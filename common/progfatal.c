/*
 * progfatal.c - lib/'s out-of-memory and panic hooks for the daemons and
 * the CLI (see progfatal.h).
 */
#include "config.h"

#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "progfatal.h"
#include "util/panic.h"
#include "util/xalloc.h"

/* Set once at start-up, before any thread (util/xalloc.h's rule). */
static const struct logsink *fatal_sink;
static int fatal_status;

static void __attribute__((noreturn))
fatal_line(const char *word, const char *msg)
{
	const struct logsink *sink = fatal_sink;

	switch (sink != NULL ? sink->target : LOGSINK_NONE) {
	case LOGSINK_STDERR:
		fprintf(stderr, "%s[%ld]: %s: %s\n", sink->progname,
			(long)getpid(), word, msg);
		fflush(stderr);
		break;
	case LOGSINK_SYSLOG:
		syslog(LOG_CRIT, "%s: %s", word, msg);
		break;
	case LOGSINK_NONE:
		break;
	}
	_exit(fatal_status);
}

static void
on_oom(size_t size)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "out of memory (%zu bytes)", size);
	fatal_line("fatal", msg);
}

static void
on_panic(const char *msg)
{
	fatal_line("panic", msg);
}

void
progfatal_install(const struct logsink *sink, int status)
{
	fatal_sink = sink;
	fatal_status = status;
	ma_set_oom_handler(on_oom);
	ma_set_panic_handler(on_panic);
}
