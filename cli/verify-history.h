/*
 * verify-history.h - `authcheck verify --dmarc-history DIR`: append the
 * message's DMARC history record (dmarc-history(5)) as the dkimcheck
 * plugin does at delivery, so records can be made from real verdicts
 * without a Dovecot (tests, and admins replaying a message).
 *
 *   --dmarc-history DIR   append the record to DIR
 *   --rcpt-to DOMAIN      the envelope recipient's domain
 *   --applied WORD        what was done: none, quarantine (Junk) or
 *                         reject; default: the DMARC disposition
 *   --record-id ID        the record's id (default: time.pid.n@host)
 *
 * Memory: plain data; strings point into argv.
 */
#ifndef VERIFY_HISTORY_H
#define VERIFY_HISTORY_H

#include <stdbool.h>
#include <time.h>

struct msgauth;

struct verify_history {
	const char *dir;
	const char *rcpt_domain;
	const char *applied; /* NULL: the DMARC disposition */
	const char *id;
	const char *sender; /* --envelope-sender */
	bool psl;
};

/* 1 consumed (with its value), 0 not ours, -1 bad (message printed). */
int verify_history_option(struct verify_history *vh, int argc, char **argv,
			  int *i);
extern const char verify_history_usage[];

/* After the verdicts: append the record if a directory was given and the
 * From domain has a DMARC policy.  0, or -1 with the error printed. */
int verify_history_write(const struct verify_history *vh,
			 const struct msgauth *ma, time_t now,
			 const char *host);

#endif
