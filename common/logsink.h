/*
 * logsink.h - where the daemons and the CLI send lib/'s log lines: stderr
 * or syslog, in Postfix style ("prog[pid]: warning: text" on stderr;
 * syslog adds the program name and pid itself).  Front-ends only: lib/
 * never includes this.
 *
 * Memory: the sink keeps a pointer to `progname`, which must stay valid.
 */
#ifndef MA_LOGSINK_H
#define MA_LOGSINK_H

#include <stdbool.h>

#include "util/log.h"

struct buf;

enum logsink_target {
	LOGSINK_STDERR,
	LOGSINK_SYSLOG,
	LOGSINK_NONE, /* spawn(8): stdout/stderr are the policy socket */
};

struct logsink {
	const char *progname;
	enum logsink_target target;
};

/* Set up the sink and return the struct ma_log to hand to lib/.
 * `facility` is a syslog facility name ("mail" by default when NULL). */
void logsink_init(struct logsink *sink, struct ma_log *log,
		  const char *progname, enum logsink_target target,
		  const char *facility, bool verbose);

/* The hook itself (exposed for front-ends that log their own lines).
 * The text goes out through logsink_escape(). */
void logsink_write(void *context, enum ma_log_level level, const char *msg);

/* Append `msg` to `out` fit for a log line: every octet outside
 * printable US-ASCII (control characters such as ESC, CR, LF, DEL, and
 * 8-bit octets) as \xHH, and '\' as "\\", so that text taken from a
 * message (a From address) can neither start a fake line nor send
 * terminal escapes, and the escaping stays unambiguous (probe 2026-12
 * F12). */
void logsink_escape(struct buf *out, const char *msg);

#endif
