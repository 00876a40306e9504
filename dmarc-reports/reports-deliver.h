/*
 * reports-deliver.h - handing a finished report message over: to
 * ReportCommand (sendmail -t style, the envelope sender ReportEmail as
 * -f), or, for `send --out DIR`, into a file DIR/NAME, byte for byte
 * what would have been sent.  Shared by aggregate and failure reports.
 *
 * Memory: error texts in the reports' arena.
 */
#ifndef REPORTS_DELIVER_H
#define REPORTS_DELIVER_H

struct buf;
struct reports;

/* 0, or -1 with *error_r (the command could not run, or exited
 * non-zero). */
int reports_deliver_command(struct reports *r, const struct buf *msg,
			    const char **error_r);

/* `name` must be a plain file name.  0, or -1 with *error_r. */
int reports_deliver_file(struct reports *r, const char *dir,
			 const char *name, const struct buf *msg,
			 const char **error_r);

#endif
