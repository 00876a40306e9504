/*
 * reports-db.h - the dmarc-reports database (SQLite, libsqlite3): the
 * imported history records, keyed by their id so that a record imported
 * twice counts once, and one row per (policy domain, period) report with
 * its state, so that a report is sent once.
 *
 * Tables (dmarc-reports(8), FILES):
 *   records(id PRIMARY KEY, t, period, policy_domain, line)
 *   reports(policy_domain, period, report_id, state, attempts,
 *           first_try, last_try, PRIMARY KEY(policy_domain, period))
 *   state: 'sent', 'no-rua' (nothing to send to), 'failed' (retried),
 *   'given-up' (failed for REPORTS_RETRY_SECONDS)
 *   received_reports(reporter, report_id, kind, policy_domain, begin_t,
 *           end_t, received_t, text, PRIMARY KEY(reporter, report_id))
 *   the reports other receivers sent us (dmarc-received(5) text), stored
 *   by import from the history directory's *.rcvd files
 *   failures(id PRIMARY KEY, t, policy_domain, state, attempts,
 *            first_try, last_try, sent_to)   RFC 9991 failure reports:
 *            one row per record that asked for one (reports-failure.h)
 *   failure_sends(address, t)  one row per failure report sent to an
 *            address: the rate limit's memory
 *
 * Memory: strings handed to callbacks live during the callback only.
 */
#ifndef REPORTS_DB_H
#define REPORTS_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct reports_db;

/* Open (and create the schema in) `path`.  0, or -1 with *error_r
 * (static or valid until the next call). */
int reports_db_open(const char *path, struct reports_db **db_r,
		    const char **error_r);
void reports_db_close(struct reports_db **db_p);

/* Transactions: BEGIN IMMEDIATE (a writer at a time), COMMIT, ROLLBACK. */
int reports_db_begin(struct reports_db *db, const char **error_r);
int reports_db_commit(struct reports_db *db, const char **error_r);
void reports_db_rollback(struct reports_db *db);

/* One history record as stored. */
struct reports_db_record {
	const char *id;
	uint64_t t, period;
	const char *policy_domain;
	const char *line;
	bool failure; /* a failure report may be due (fdue=): also a
			 failures row */
};
/* Insert records unless their id is there (a batch, one round trip on
 * PostgreSQL): 0 with *added_r (how many were new), or -1. */
int reports_db_add_records(struct reports_db *db,
			   const struct reports_db_record *recs, size_t n,
			   size_t *added_r, const char **error_r);

typedef int reports_db_period_cb(void *ctx, const char *policy_domain,
				 uint64_t period);
/* Every (policy domain, period) with records, whose period ended before
 * `before` and that has no report in a final state, in order. */
int reports_db_due(struct reports_db *db, uint64_t before,
		   reports_db_period_cb *cb, void *ctx, const char **error_r);

typedef int reports_db_line_cb(void *ctx, const char *line);
/* The record lines of one (policy domain, period). */
int reports_db_lines(struct reports_db *db, const char *policy_domain,
		     uint64_t period, reports_db_line_cb *cb, void *ctx,
		     const char **error_r);

/* The report's state now: NULL (none yet) or the state word, copied
 * into `buf`; *first_try_r the time of its first failed attempt. */
int reports_db_report_state(struct reports_db *db, const char *policy_domain,
			    uint64_t period, char *buf, size_t size,
			    uint64_t *first_try_r, const char **error_r);

/* One line of `show`: a (policy domain, period) with its record count
 * and its report's state ("pending" when none yet), id and attempts. */
struct reports_db_summary {
	const char *policy_domain;
	uint64_t period;
	uint64_t records;
	const char *state;
	const char *report_id; /* "" when none */
	unsigned int attempts;
};
typedef int reports_db_summary_cb(void *ctx,
				  const struct reports_db_summary *s);
/* Every (policy domain, period) in the database, in order. */
int reports_db_summaries(struct reports_db *db, reports_db_summary_cb *cb,
			 void *ctx, const char **error_r);

/* Set the report's state (insert or update), counting an attempt. */
int reports_db_set_state(struct reports_db *db, const char *policy_domain,
			 uint64_t period, const char *report_id,
			 const char *state, uint64_t now,
			 const char **error_r);

/* One received report (a dmarc-received(5) text) as stored. */
struct reports_db_received {
	const char *reporter;	   /* aggregate: org_name; failure: the
				      reporting address or "" */
	const char *report_id;	   /* aggregate: report_id; failure: a
				      stable hash of the text */
	const char *kind;	   /* "aggregate" or "failure" */
	const char *policy_domain;
	uint64_t begin, end, received;
	const char *text;
	size_t text_len;
};
/* Insert the report unless (reporter, report_id) is there: 0 with
 * *added_r, or -1. */
int reports_db_add_received(struct reports_db *db,
			    const struct reports_db_received *r,
			    bool *added_r, const char **error_r);

typedef int reports_db_text_cb(void *ctx, const char *text, size_t len);
/* The dmarc-received(5) text of every stored report about
 * `policy_domain` (NULL: all) whose date_range end >= `since`, in begin
 * order (then reporter, report id).  The callback returns 0, or -1 to
 * stop (then this returns -1 with *error_r "stopped").  0, or -1 with
 * *error_r. */
int reports_db_received_each(struct reports_db *db,
			     const char *policy_domain /* NULL: all */,
			     uint64_t since, reports_db_text_cb *cb,
			     void *ctx, const char **error_r);

/* Any other statement, for the failure reports (reports-failure-db.c):
 * `sql` with parameters $1..$n (SQLite gets them as ?1..?n: no other
 * '$' may be in the text), all passed as text
 * (SQLite's column affinity and PostgreSQL's inference type them).
 * `cb` (may be NULL) gets every result row's columns as text (NULL
 * columns as ""); *changes_r (may be NULL) the rows changed.  0, or -1
 * with *error_r, or the callback's non-zero return. */
typedef int reports_db_row_cb(void *ctx, const char *const *cols,
			      size_t ncols);
int reports_db_exec(struct reports_db *db, const char *sql,
		    const char *const *params, size_t nparams,
		    reports_db_row_cb *cb, void *ctx, uint64_t *changes_r,
		    const char **error_r);

#endif
