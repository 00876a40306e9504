/*
 * progout.h - a program's standard output, checked as coreutils do: a
 * write that failed (a full disk, `> /dev/full`, a reader that went away
 * while SIGPIPE is ignored: EPIPE) makes the program say
 * "PROG: write error: REASON" on stderr and exit non-zero instead of
 * ending as if all of it was written.  A loop that writes much asks
 * progout_check() after each write and stops at the first failure.
 * Front-ends only.
 *
 * stdio drops a buffer it could not write and leaves errno to later
 * calls, so the reason is kept at the first failure seen.
 *
 * Memory: a struct progout is the caller's, zeroed (PROGOUT_INIT).
 */
#ifndef MA_PROGOUT_H
#define MA_PROGOUT_H

#include <stdbool.h>

struct progout {
	int error; /* errno of the first failed write, or 0 */
};
#define PROGOUT_INIT { 0 }

/* Right after a write to stdout: true when a write to it has failed
 * (the reason is kept in out->error); false while all is well. */
bool progout_check(struct progout *out);

/* At the end: flush stdout.  0 when everything reached it; -1 after
 * "PROGNAME: write error: REASON" on stderr. */
int progout_close(struct progout *out, const char *progname);

#endif
