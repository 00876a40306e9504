/*
 * reports-failure-db.h - the failure report tables of the dmarc-reports
 * database (reports-db.h: failures, failure_sends), the same SQL on
 * SQLite and PostgreSQL through reports_db_exec().
 *
 * A failures row names a record (records.id) whose message asked for a
 * failure report (dmarc-history(5) fdue=).  Its state: 'pending' (new),
 * 'sent', 'failed' (retried), 'given-up' (failed for
 * REPORTS_RETRY_SECONDS), 'no-ruf' (no ruf, or none authorized, when
 * sending), 'psd' (the record has psd=y: RFC 9991 section 2),
 * 'rate-limited' (every destination had its FailureReportRate: RFC 9991
 * 8.1 "the remainder discarded"), 'bad-record' (unreadable).
 *
 * Memory: strings handed to callbacks live during the callback only.
 */
#ifndef REPORTS_FAILURE_DB_H
#define REPORTS_FAILURE_DB_H

#include <stdint.h>

struct reports_db;

/* A failures row for the record `id`, unless there is one (import is
 * idempotent).  0, or -1 with *error_r. */
int reports_failure_db_add(struct reports_db *db, const char *id,
			   uint64_t t, const char *policy_domain,
			   const char **error_r);

/* Every failure not in a final state ('pending', 'failed'), oldest
 * first, with its record line and first failed try (0: none). */
typedef int reports_failure_due_cb(void *ctx, const char *id,
				   const char *line, uint64_t first_try);
int reports_failure_db_due(struct reports_db *db, reports_failure_due_cb *cb,
			   void *ctx, const char **error_r);

/* How many failure reports went to `address` at or after `since`. */
int reports_failure_db_recent(struct reports_db *db, const char *address,
			      uint64_t since, uint64_t *count_r,
			      const char **error_r);
/* One report sent to `address` at `t`. */
int reports_failure_db_note_sent(struct reports_db *db, const char *address,
				 uint64_t t, const char **error_r);

/* The new state of a failure, counting an attempt; `sent_to` the
 * addresses ("" for none). */
int reports_failure_db_set_state(struct reports_db *db, const char *id,
				 const char *state, uint64_t now,
				 const char *sent_to, const char **error_r);

/* `show`: every failure, oldest first. */
struct reports_failure_summary {
	const char *id;
	uint64_t t;
	const char *policy_domain;
	const char *state;
	unsigned int attempts;
	const char *sent_to;
};
typedef int reports_failure_summary_cb(
	void *ctx, const struct reports_failure_summary *s);
int reports_failure_db_summaries(struct reports_db *db,
				 reports_failure_summary_cb *cb, void *ctx,
				 const char **error_r);

#endif
