/*
 * dkimcheck-history.h - dkimcheck_dmarc_history: one DMARC history record
 * per LMTP transaction (dmarc-history(5)), appended to the history
 * directory for `dmarc-reports import` (RFC 9990 aggregate reports).
 *
 * Plain C like dkimcheck-verify.h (no Dovecot and no libmailauth types):
 * dkimcheck-history.c is the second bridge to libmailauth.  The record
 * is made with msgauth_history_record() (lib/msgauth/msgauth-history.h)
 * from the check's verdicts and written by dmarc_history_append()
 * (lib/dmarc/dmarc-history-file.h): one write() with O_APPEND into a
 * file of this process and UTC day.  Nothing is written for a message
 * whose From domain has no DMARC policy.  When a DMARC failure report
 * may be due (msgauth-history.h), the record carries the header the check
 * kept (dkimcheck_check_new() keep_header) and the MAIL FROM address.
 *
 * Never fails a delivery: an error is returned for the caller to log,
 * and the caller delivers as it would have.
 */
#ifndef DKIMCHECK_HISTORY_H
#define DKIMCHECK_HISTORY_H

#include <time.h>

#include "dkimcheck-verify.h"

struct dkimcheck_history_input {
	const char *dir;	 /* dkimcheck_dmarc_history */
	const char *hostname;	 /* writer id and record id */
	unsigned long pid;
	time_t now;
	const char *envelope_to; /* first recipient's domain, or NULL */
	const char *mail_from;	 /* MAIL FROM address, or NULL */
	/* what was done: none (INBOX, dry run, opted out), quarantine
	 * (Junk), reject (LMTP 550) */
	enum dkimcheck_disposition applied;
};

/* Append the record for `check` (after dkimcheck_check_finish()).  0
 * (written, or nothing to record), or -1 with *error_r (valid until the
 * check is freed). */
int dkimcheck_history_write(struct dkimcheck_check *check,
			    const struct dkimcheck_history_input *in,
			    const char **error_r);

#endif
