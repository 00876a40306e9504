/*
 * reports-db-impl.h - what a database backend of dmarc-reports provides
 * (reports-db.h is the interface the subcommands use): SQLite
 * (reports-db-sqlite.c) and PostgreSQL (reports-db-pg.c).  Each function
 * has the meaning of its reports_db_* counterpart; `db` is the
 * backend's own handle.
 */
#ifndef REPORTS_DB_IMPL_H
#define REPORTS_DB_IMPL_H

#include "reports-db.h"

typedef int reports_db_begin_fn(void *db, const char **error_r);
typedef void reports_db_rollback_fn(void *db);
typedef int reports_db_add_fn(void *db, const struct reports_db_record *recs,
			      size_t n, size_t *added_r,
			      const char **error_r);
typedef int reports_db_due_fn(void *db, uint64_t before,
			      reports_db_period_cb *cb, void *ctx,
			      const char **error_r);
typedef int reports_db_lines_fn(void *db, const char *policy_domain,
				uint64_t period, reports_db_line_cb *cb,
				void *ctx, const char **error_r);
typedef int reports_db_state_fn(void *db, const char *policy_domain,
				uint64_t period, char *buf, size_t size,
				uint64_t *first_try_r, const char **error_r);
typedef int reports_db_set_state_fn(void *db, const char *policy_domain,
				    uint64_t period, const char *report_id,
				    const char *state, uint64_t now,
				    const char **error_r);

typedef int reports_db_summaries_fn(void *db, reports_db_summary_cb *cb,
				    void *ctx, const char **error_r);

typedef int reports_db_add_received_fn(void *db,
				       const struct reports_db_received *r,
				       bool *added_r, const char **error_r);
typedef int reports_db_received_each_fn(void *db, const char *policy_domain,
					uint64_t since,
					reports_db_text_cb *cb, void *ctx,
					const char **error_r);
typedef int reports_db_exec_fn(void *db, const char *sql,
			       const char *const *params, size_t nparams,
			       reports_db_row_cb *cb, void *ctx,
			       uint64_t *changes_r, const char **error_r);

struct reports_db_ops {
	int (*open)(const char *uri, void **db_r, const char **error_r);
	void (*close)(void **db_p);
	/* begin: a transaction in which this process is the only sender
	 * (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-level
	 * advisory lock) */
	reports_db_begin_fn *begin;
	reports_db_begin_fn *commit;
	reports_db_rollback_fn *rollback;
	reports_db_add_fn *add_records;
	reports_db_due_fn *due;
	reports_db_lines_fn *lines;
	reports_db_state_fn *report_state;
	reports_db_set_state_fn *set_state;
	reports_db_summaries_fn *summaries;
	reports_db_add_received_fn *add_received;
	reports_db_received_each_fn *received_each;
	reports_db_exec_fn *exec;
};

/* The received_reports table (reports-db.h), the same for both. */
#define REPORTS_DB_RECEIVED_SCHEMA(INT)                                      \
	"CREATE TABLE IF NOT EXISTS received_reports ("                      \
	" reporter TEXT NOT NULL, report_id TEXT NOT NULL,"                  \
	" kind TEXT NOT NULL, policy_domain TEXT NOT NULL,"                  \
	" begin_t " INT " NOT NULL, end_t " INT " NOT NULL,"                 \
	" received_t " INT " NOT NULL, text TEXT NOT NULL,"                  \
	" PRIMARY KEY (reporter, report_id));"                               \
	"CREATE INDEX IF NOT EXISTS received_reports_domain"                 \
	" ON received_reports(policy_domain, end_t);"

/* The failure report tables (reports-db.h), INTEGER being the type of a
 * time: SQLite's INTEGER, PostgreSQL's BIGINT. */
#define REPORTS_DB_FAILURE_SCHEMA(INTEGER)                                   \
	"CREATE TABLE IF NOT EXISTS failures ("                              \
	" id TEXT PRIMARY KEY, t " INTEGER " NOT NULL,"                      \
	" policy_domain TEXT NOT NULL,"                                      \
	" state TEXT NOT NULL DEFAULT 'pending',"                            \
	" attempts INTEGER NOT NULL DEFAULT 0, first_try " INTEGER ","       \
	" last_try " INTEGER ", sent_to TEXT NOT NULL DEFAULT '');"          \
	"CREATE INDEX IF NOT EXISTS failures_state ON failures(state, t);"   \
	"CREATE TABLE IF NOT EXISTS failure_sends ("                         \
	" address TEXT NOT NULL, t " INTEGER " NOT NULL);"                   \
	"CREATE INDEX IF NOT EXISTS failure_sends_address"                   \
	" ON failure_sends(address, t);"

/* The query behind reports_db_summaries(), the same for both. */
#define REPORTS_DB_SUMMARY_SQL                                               \
	"SELECT r.policy_domain, r.period, count(*),"                        \
	" coalesce(p.state, 'pending'), coalesce(p.report_id, ''),"          \
	" coalesce(p.attempts, 0) FROM records r LEFT JOIN reports p"        \
	" ON p.policy_domain = r.policy_domain AND p.period = r.period"      \
	" GROUP BY r.policy_domain, r.period, p.state, p.report_id,"         \
	" p.attempts ORDER BY r.period, r.policy_domain"

extern const struct reports_db_ops reports_db_sqlite;
extern const struct reports_db_ops reports_db_pg;

#endif
