/*
 * reports-db-sqlite.c - the dmarc-reports database on SQLite, the
 * embedded default (reports-db.h, reports-db-impl.h).  One writer at a
 * time: BEGIN IMMEDIATE, with a busy timeout for the others.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "reports-db-impl.h"

struct sqlite_db {
	sqlite3 *db;
	sqlite3_stmt *add;
};

/* Writers wait this long for each other (import beside send). */
#define REPORTS_DB_BUSY_MS 30000

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"CREATE TABLE IF NOT EXISTS records ("
	" id TEXT PRIMARY KEY, t INTEGER NOT NULL, period INTEGER NOT NULL,"
	" policy_domain TEXT NOT NULL, line TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS records_period"
	" ON records(policy_domain, period);"
	"CREATE TABLE IF NOT EXISTS reports ("
	" policy_domain TEXT NOT NULL, period INTEGER NOT NULL,"
	" report_id TEXT NOT NULL, state TEXT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0, first_try INTEGER,"
	" last_try INTEGER, PRIMARY KEY (policy_domain, period));"
	REPORTS_DB_RECEIVED_SCHEMA("INTEGER")
	REPORTS_DB_FAILURE_SCHEMA("INTEGER");

static int
db_fail(struct sqlite_db *db, const char **error_r)
{
	*error_r = sqlite3_errmsg(db->db);
	return -1;
}

static int
sqlite_open(const char *path, struct sqlite_db **db_r,
		const char **error_r)
{
	struct sqlite_db *db = ma_calloc(1, sizeof(*db));

	if (sqlite3_open_v2(path, &db->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db->db, REPORTS_DB_BUSY_MS) != SQLITE_OK ||
	    sqlite3_exec(db->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->db,
			       "INSERT OR IGNORE INTO records"
			       " (id, t, period, policy_domain, line)"
			       " VALUES (?, ?, ?, ?, ?)",
			       -1, &db->add, NULL) != SQLITE_OK) {
		*error_r = db->db != NULL ? sqlite3_errmsg(db->db) :
					    "out of memory";
		*db_r = db;
		return -1;
	}
	*db_r = db;
	return 0;
}

static void
sqlite_close(struct sqlite_db **db_p)
{
	struct sqlite_db *db = *db_p;

	if (db == NULL)
		return;
	*db_p = NULL;
	sqlite3_finalize(db->add);
	sqlite3_close(db->db);
	free(db);
}

static int
sqlite_begin(void *vdb, const char **error_r)
{
	struct sqlite_db *db = vdb;

	if (sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return db_fail(db, error_r);
	return 0;
}

static int
sqlite_commit(void *vdb, const char **error_r)
{
	struct sqlite_db *db = vdb;

	if (sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, error_r);
	return 0;
}

static void
sqlite_rollback(void *vdb)
{
	struct sqlite_db *db = vdb;

	(void)sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
sqlite_add_records(void *vdb, const struct reports_db_record *recs, size_t n,
		   size_t *added_r, const char **error_r)
{
	struct sqlite_db *db = vdb;
	size_t i;

	for (i = 0; i < n; i++) {
		sqlite3_reset(db->add);
		sqlite3_bind_text(db->add, 1, recs[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(db->add, 2, (sqlite3_int64)recs[i].t);
		sqlite3_bind_int64(db->add, 3, (sqlite3_int64)recs[i].period);
		sqlite3_bind_text(db->add, 4, recs[i].policy_domain, -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(db->add, 5, recs[i].line, -1, SQLITE_STATIC);
		if (sqlite3_step(db->add) != SQLITE_DONE)
			return db_fail(db, error_r);
		*added_r += (size_t)sqlite3_changes(db->db);
	}
	sqlite3_reset(db->add);
	return 0;
}

static int
sqlite_due(void *vdb, uint64_t before,
	       reports_db_period_cb *cb, void *ctx, const char **error_r)
{
	struct sqlite_db *db = vdb;
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(
		    db->db,
		    "SELECT DISTINCT policy_domain, period FROM records r"
		    " WHERE period < ? AND NOT EXISTS (SELECT 1 FROM reports"
		    "  p WHERE p.policy_domain = r.policy_domain AND"
		    "  p.period = r.period AND p.state IN"
		    "  ('sent', 'no-rua', 'given-up'))"
		    " ORDER BY period, policy_domain",
		    -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, error_r);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)before);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret = cb(ctx, (const char *)sqlite3_column_text(st, 0),
			 (uint64_t)sqlite3_column_int64(st, 1));
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = db_fail(db, error_r);
	sqlite3_finalize(st);
	return ret;
}

static int
sqlite_lines(void *vdb, const char *policy_domain,
		 uint64_t period, reports_db_line_cb *cb, void *ctx,
		 const char **error_r)
{
	struct sqlite_db *db = vdb;
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(db->db,
			       "SELECT line FROM records WHERE"
			       " policy_domain = ? AND period = ? ORDER BY t, id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, error_r);
	sqlite3_bind_text(st, 1, policy_domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)period);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ret = cb(ctx, (const char *)sqlite3_column_text(st, 0));
	if (ret == 0 && rc != SQLITE_DONE)
		ret = db_fail(db, error_r);
	sqlite3_finalize(st);
	return ret;
}

static int
sqlite_report_state(void *vdb, const char *policy_domain,
			uint64_t period, char *buf, size_t size,
			uint64_t *first_try_r, const char **error_r)
{
	struct sqlite_db *db = vdb;
	sqlite3_stmt *st;
	int rc;

	buf[0] = '\0';
	*first_try_r = 0;
	if (sqlite3_prepare_v2(db->db,
			       "SELECT state, first_try FROM reports WHERE"
			       " policy_domain = ? AND period = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, error_r);
	sqlite3_bind_text(st, 1, policy_domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)period);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(buf, size, "%s",
			 (const char *)sqlite3_column_text(st, 0));
		*first_try_r = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, error_r);
	return 0;
}

static int
sqlite_set_state(void *vdb, const char *policy_domain,
		     uint64_t period, const char *report_id,
		     const char *state, uint64_t now, const char **error_r)
{
	struct sqlite_db *db = vdb;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(
		    db->db,
		    "INSERT INTO reports (policy_domain, period, report_id,"
		    " state, attempts, first_try, last_try)"
		    " VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)"
		    " ON CONFLICT (policy_domain, period) DO UPDATE SET"
		    " state = ?4, attempts = attempts + 1, last_try = ?5",
		    -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, error_r);
	sqlite3_bind_text(st, 1, policy_domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)period);
	sqlite3_bind_text(st, 3, report_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, error_r);
	return 0;
}

static int
sqlite_summaries(void *vdb, reports_db_summary_cb *cb, void *ctx,
		 const char **error_r)
{
	struct sqlite_db *db = vdb;
	struct reports_db_summary sum;
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(db->db, REPORTS_DB_SUMMARY_SQL, -1, &st,
			       NULL) != SQLITE_OK)
		return db_fail(db, error_r);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sum.policy_domain = (const char *)sqlite3_column_text(st, 0);
		sum.period = (uint64_t)sqlite3_column_int64(st, 1);
		sum.records = (uint64_t)sqlite3_column_int64(st, 2);
		sum.state = (const char *)sqlite3_column_text(st, 3);
		sum.report_id = (const char *)sqlite3_column_text(st, 4);
		sum.attempts = (unsigned int)sqlite3_column_int(st, 5);
		ret = cb(ctx, &sum);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = db_fail(db, error_r);
	sqlite3_finalize(st);
	return ret;
}

#define SQLITE_EXEC_MAX_COLS 16

static int
sqlite_exec_sql(void *vdb, const char *sql, const char *const *params,
		size_t nparams, reports_db_row_cb *cb, void *ctx,
		uint64_t *changes_r, const char **error_r)
{
	struct sqlite_db *db = vdb;
	const char *cols[SQLITE_EXEC_MAX_COLS];
	sqlite3_stmt *st;
	size_t i, n;
	int rc, ret = 0;
	char *q = ma_strdup(sql), *p;

	/* PostgreSQL's $N is SQLite's ?N (the same index) */
	for (p = q; (p = strchr(p, '$')) != NULL; p++)
		*p = '?';
	rc = sqlite3_prepare_v2(db->db, q, -1, &st, NULL);
	free(q);
	if (rc != SQLITE_OK)
		return db_fail(db, error_r);
	for (i = 0; i < nparams; i++)
		sqlite3_bind_text(st, (int)i + 1, params[i], -1,
				  SQLITE_TRANSIENT);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		n = (size_t)sqlite3_column_count(st);
		if (n > SQLITE_EXEC_MAX_COLS)
			n = SQLITE_EXEC_MAX_COLS;
		for (i = 0; i < n; i++) {
			cols[i] = (const char *)sqlite3_column_text(st, (int)i);
			if (cols[i] == NULL)
				cols[i] = "";
		}
		if (cb != NULL)
			ret = cb(ctx, cols, n);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = db_fail(db, error_r);
	else if (ret == 0)
		*changes_r = (uint64_t)sqlite3_changes(db->db);
	sqlite3_finalize(st);
	return ret;
}

static int
sqlite_add_received(void *vdb, const struct reports_db_received *r,
		    bool *added_r, const char **error_r)
{
	struct sqlite_db *db = vdb;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(
		    db->db,
		    "INSERT OR IGNORE INTO received_reports (reporter,"
		    " report_id, kind, policy_domain, begin_t, end_t,"
		    " received_t, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, error_r);
	sqlite3_bind_text(st, 1, r->reporter, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->report_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->policy_domain, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)r->begin);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)r->end);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)r->received);
	sqlite3_bind_text(st, 8, r->text, (int)r->text_len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, error_r);
	*added_r = sqlite3_changes(db->db) > 0;
	return 0;
}

static int
sqlite_received_each(void *vdb, const char *policy_domain, uint64_t since,
		     reports_db_text_cb *cb, void *ctx, const char **error_r)
{
	struct sqlite_db *db = vdb;
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(
		    db->db,
		    "SELECT text FROM received_reports WHERE (?1 IS NULL OR"
		    " policy_domain = ?1) AND end_t >= ?2"
		    " ORDER BY begin_t, reporter, report_id",
		    -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, error_r);
	if (policy_domain != NULL)
		sqlite3_bind_text(st, 1, policy_domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(ctx, (const char *)sqlite3_column_text(st, 0),
		       (size_t)sqlite3_column_bytes(st, 0)) < 0) {
			*error_r = "stopped";
			ret = -1;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = db_fail(db, error_r);
	sqlite3_finalize(st);
	return ret;
}

static int
sqlite_open_any(const char *uri, void **db_r, const char **error_r)
{
	struct sqlite_db *db;
	int ret = sqlite_open(uri, &db, error_r);

	*db_r = db;
	return ret;
}

static void
sqlite_close_any(void **db_p)
{
	struct sqlite_db *db = *db_p;

	*db_p = NULL;
	sqlite_close(&db);
}

const struct reports_db_ops reports_db_sqlite = {
	.open = sqlite_open_any,
	.close = sqlite_close_any,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.add_records = sqlite_add_records,
	.due = sqlite_due,
	.lines = sqlite_lines,
	.report_state = sqlite_report_state,
	.set_state = sqlite_set_state,
	.summaries = sqlite_summaries,
	.add_received = sqlite_add_received,
	.received_each = sqlite_received_each,
	.exec = sqlite_exec_sql,
};
