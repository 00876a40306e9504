/*
 * dkimcheck-ingest.h - dkimcheck_report_ingest: the DMARC reports in one
 * delivered message (aggregate reports, RFC 9990 / RFC 7489 appendix C;
 * failure reports, RFC 6591 / RFC 9991) read with msgauth_ingest
 * (lib/msgauth/msgauth-ingest.h) and each stored as its own
 * dmarc-received(5) file in the dkimcheck_dmarc_history directory, for
 * `dmarc-reports import`.
 *
 * Plain C like dkimcheck-verify.h and dkimcheck-history.h: no Dovecot
 * and no libmailauth types here; dkimcheck-ingest.c is the third bridge
 * to libmailauth.  The message is pushed in pieces as read from the
 * LMTP DATA stream (no copy of the message is kept); the time and
 * memory one message costs are bounded by the delivery's limits
 * (dkimcheck-ingest.c, dkimcheck(7): tighter than
 * msgauth_ingest_limits_default()'s), and at most 10 refusals per
 * message are logged one by one.
 *
 * Never fails a delivery: what was stored and what was refused (with
 * the reason) goes to the log function; the caller has delivered the
 * message already and goes on whatever happens here.  Strings from the
 * message (reporter, report id, attachment names) reach the log only
 * made printable (bytes outside printable ASCII become '?') and cut.
 *
 * Memory: the context owns everything; free it with
 * dkimcheck_ingest_free().
 */
#ifndef DKIMCHECK_INGEST_H
#define DKIMCHECK_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "dkimcheck-verify.h"

struct dkimcheck_ingest;

struct dkimcheck_ingest_counts {
	unsigned int stored;  /* reports written into the directory */
	unsigned int refused; /* parts that looked like reports, refused */
	unsigned int failed;  /* reports read but not written (the error is
				 logged) */
};

/* A context for one message whose reports go into `dir` (copied);
 * `now` is the receive time (UTC seconds).  Log lines go to `fn` with
 * `context` (info: a report stored; warning: a report refused or not
 * written). */
struct dkimcheck_ingest *
dkimcheck_ingest_new(const char *dir, uint64_t now, dkimcheck_log_func_t *fn,
		     void *context);
/* The next piece of the message as received.  Returns whether more is
 * looked at (false: the rest of the message need not be read). */
bool dkimcheck_ingest_push(struct dkimcheck_ingest *in, const void *data,
			   size_t len);
/* The end of the message: the reports still pending are stored. */
void dkimcheck_ingest_finish(struct dkimcheck_ingest *in,
			     struct dkimcheck_ingest_counts *counts_r);
void dkimcheck_ingest_free(struct dkimcheck_ingest **in_p);

#endif
