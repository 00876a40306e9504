/*
 * reports-db-pg.c - the dmarc-reports database on PostgreSQL through
 * libpq (reports-db.h, reports-db-impl.h), for several MX hosts sharing
 * one database.
 *
 * Exactly once across hosts: every transaction of ours starts by taking
 * the transaction-level advisory lock REPORTS_PG_LOCK, so two `send`s
 * (or an import beside a send) run one after the other; the second
 * finds the first's reports committed (READ COMMITTED sees them) and
 * sends nothing.  Records are inserted with ON CONFLICT DO NOTHING under
 * their id.  The schema is created under the same lock, held until the
 * tables are committed, so hosts starting at once do not race on
 * CREATE TABLE.
 *
 * Memory: error texts are copies kept until the next call or close.
 */
#include "config.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "reports-db-impl.h"

/* The advisory lock key: RFC 9990. */
#define REPORTS_PG_LOCK "9990"

struct pg_db {
	PGconn *conn;
	char *error;
};

static const char schema[] =
	"SET client_min_messages TO warning;"
	"SELECT pg_advisory_xact_lock(" REPORTS_PG_LOCK ");"
	"CREATE TABLE IF NOT EXISTS records ("
	" id TEXT PRIMARY KEY, t BIGINT NOT NULL, period BIGINT NOT NULL,"
	" policy_domain TEXT NOT NULL, line TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS records_period"
	" ON records(policy_domain, period);"
	"CREATE TABLE IF NOT EXISTS reports ("
	" policy_domain TEXT NOT NULL, period BIGINT NOT NULL,"
	" report_id TEXT NOT NULL, state TEXT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0, first_try BIGINT,"
	" last_try BIGINT, PRIMARY KEY (policy_domain, period));"
	REPORTS_DB_RECEIVED_SCHEMA("BIGINT")
	REPORTS_DB_FAILURE_SCHEMA("BIGINT");

static int
pg_fail(struct pg_db *db, const PGresult *res, const char **error_r)
{
	const char *msg = res != NULL ? PQresultErrorMessage(res) : "";

	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(db->conn);
	free(db->error);
	db->error = ma_strdup(msg != NULL && *msg != '\0' ? msg :
			      "PostgreSQL error");
	/* libpq's messages end in a newline */
	if (db->error[0] != '\0' &&
	    db->error[strlen(db->error) - 1] == '\n')
		db->error[strlen(db->error) - 1] = '\0';
	*error_r = db->error;
	return -1;
}

/* Run `sql` with text parameters; the result, or NULL (error set). */
static PGresult *
pg_run(struct pg_db *db, const char *sql, int n, const char *const *params,
       ExecStatusType want, const char **error_r)
{
	PGresult *res = PQexecParams(db->conn, sql, n, NULL, params, NULL,
				     NULL, 0);

	if (PQresultStatus(res) != want) {
		(void)pg_fail(db, res, error_r);
		PQclear(res);
		return NULL;
	}
	return res;
}

static int
pg_cmd(struct pg_db *db, const char *sql, const char **error_r)
{
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		(void)pg_fail(db, res, error_r);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static int
pg_open(const char *uri, void **db_r, const char **error_r)
{
	struct pg_db *db = ma_calloc(1, sizeof(*db));

	*db_r = db;
	db->conn = PQconnectdb(uri);
	if (PQstatus(db->conn) != CONNECTION_OK)
		return pg_fail(db, NULL, error_r);
	/* a multi-statement string runs as one implicit transaction, so
	 * the transaction-level lock is held until the tables are
	 * committed (a session lock released inside it would let a second
	 * host in before the commit: duplicate key in pg_type) */
	return pg_cmd(db, schema, error_r);
}

static void
pg_close(void **db_p)
{
	struct pg_db *db = *db_p;

	*db_p = NULL;
	PQfinish(db->conn);
	free(db->error);
	free(db);
}

static int
pg_begin(void *vdb, const char **error_r)
{
	struct pg_db *db = vdb;

	if (pg_cmd(db, "BEGIN", error_r) < 0)
		return -1;
	if (pg_cmd(db, "SELECT pg_advisory_xact_lock(" REPORTS_PG_LOCK ")",
		   error_r) < 0) {
		(void)pg_cmd(db, "ROLLBACK", error_r);
		return -1;
	}
	return 0;
}

static int
pg_commit(void *vdb, const char **error_r)
{
	return pg_cmd(vdb, "COMMIT", error_r);
}

static void
pg_rollback(void *vdb)
{
	const char *err;

	(void)pg_cmd(vdb, "ROLLBACK", &err);
}

/* One multi-row INSERT: n rows of 5 parameters. */
static int
pg_add_records(void *vdb, const struct reports_db_record *recs, size_t n,
	       size_t *added_r, const char **error_r)
{
	struct pg_db *db = vdb;
	const char **params = ma_calloc(n * 5, sizeof(*params));
	char *nums = ma_calloc(n * 2, 24);
	struct buf sql = BUF_INIT;
	PGresult *res;
	size_t i;
	int ret = 0;

	buf_append_str(&sql, "INSERT INTO records (id, t, period,"
			     " policy_domain, line) VALUES ");
	for (i = 0; i < n; i++) {
		snprintf(nums + 48 * i, 24, "%" PRIu64, recs[i].t);
		snprintf(nums + 48 * i + 24, 24, "%" PRIu64, recs[i].period);
		params[5 * i] = recs[i].id;
		params[5 * i + 1] = nums + 48 * i;
		params[5 * i + 2] = nums + 48 * i + 24;
		params[5 * i + 3] = recs[i].policy_domain;
		params[5 * i + 4] = recs[i].line;
		buf_printf(&sql, "%s($%zu, $%zu, $%zu, $%zu, $%zu)",
			   i > 0 ? ", " : "", 5 * i + 1, 5 * i + 2, 5 * i + 3,
			   5 * i + 4, 5 * i + 5);
	}
	buf_append_str(&sql, " ON CONFLICT (id) DO NOTHING");
	res = pg_run(db, buf_cstr(&sql), (int)(5 * n), params,
		     PGRES_COMMAND_OK, error_r);
	if (res == NULL)
		ret = -1;
	else {
		*added_r += strtoul(PQcmdTuples(res), NULL, 10);
		PQclear(res);
	}
	buf_free(&sql);
	free(params);
	free(nums);
	return ret;
}

static int
pg_due(void *vdb, uint64_t before, reports_db_period_cb *cb, void *ctx,
       const char **error_r)
{
	struct pg_db *db = vdb;
	char bs[24];
	const char *params[1] = { bs };
	PGresult *res;
	int i, ret = 0;

	snprintf(bs, sizeof(bs), "%" PRIu64, before);
	res = pg_run(db,
		     "SELECT DISTINCT policy_domain, period FROM records r"
		     " WHERE period < $1 AND NOT EXISTS (SELECT 1 FROM reports"
		     "  p WHERE p.policy_domain = r.policy_domain AND"
		     "  p.period = r.period AND p.state IN"
		     "  ('sent', 'no-rua', 'given-up'))"
		     " ORDER BY period, policy_domain",
		     1, params, PGRES_TUPLES_OK, error_r);
	if (res == NULL)
		return -1;
	for (i = 0; ret == 0 && i < PQntuples(res); i++)
		ret = cb(ctx, PQgetvalue(res, i, 0),
			 strtoull(PQgetvalue(res, i, 1), NULL, 10));
	PQclear(res);
	return ret;
}

static int
pg_lines(void *vdb, const char *policy_domain, uint64_t period,
	 reports_db_line_cb *cb, void *ctx, const char **error_r)
{
	struct pg_db *db = vdb;
	char ps[24];
	const char *params[2] = { policy_domain, ps };
	PGresult *res;
	int i, ret = 0;

	snprintf(ps, sizeof(ps), "%" PRIu64, period);
	res = pg_run(db,
		     "SELECT line FROM records WHERE policy_domain = $1 AND"
		     " period = $2 ORDER BY t, id",
		     2, params, PGRES_TUPLES_OK, error_r);
	if (res == NULL)
		return -1;
	for (i = 0; ret == 0 && i < PQntuples(res); i++)
		ret = cb(ctx, PQgetvalue(res, i, 0));
	PQclear(res);
	return ret;
}

static int
pg_report_state(void *vdb, const char *policy_domain, uint64_t period,
		char *buf, size_t size, uint64_t *first_try_r,
		const char **error_r)
{
	struct pg_db *db = vdb;
	char ps[24];
	const char *params[2] = { policy_domain, ps };
	PGresult *res;

	buf[0] = '\0';
	*first_try_r = 0;
	snprintf(ps, sizeof(ps), "%" PRIu64, period);
	res = pg_run(db,
		     "SELECT state, coalesce(first_try, 0) FROM reports"
		     " WHERE policy_domain = $1 AND period = $2",
		     2, params, PGRES_TUPLES_OK, error_r);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
		*first_try_r = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
	}
	PQclear(res);
	return 0;
}

static int
pg_set_state(void *vdb, const char *policy_domain, uint64_t period,
	     const char *report_id, const char *state, uint64_t now,
	     const char **error_r)
{
	struct pg_db *db = vdb;
	char ps[24], ns[24];
	const char *params[5] = { policy_domain, ps, report_id, state, ns };
	PGresult *res;

	snprintf(ps, sizeof(ps), "%" PRIu64, period);
	snprintf(ns, sizeof(ns), "%" PRIu64, now);
	res = pg_run(db,
		     "INSERT INTO reports (policy_domain, period, report_id,"
		     " state, attempts, first_try, last_try)"
		     " VALUES ($1, $2, $3, $4, 1, $5, $5)"
		     " ON CONFLICT (policy_domain, period) DO UPDATE SET"
		     " state = $4, attempts = reports.attempts + 1,"
		     " last_try = $5",
		     5, params, PGRES_COMMAND_OK, error_r);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

static int
pg_summaries(void *vdb, reports_db_summary_cb *cb, void *ctx,
	     const char **error_r)
{
	struct pg_db *db = vdb;
	struct reports_db_summary sum;
	PGresult *res;
	int i, ret = 0;

	res = pg_run(db, REPORTS_DB_SUMMARY_SQL, 0, NULL, PGRES_TUPLES_OK,
		     error_r);
	if (res == NULL)
		return -1;
	for (i = 0; ret == 0 && i < PQntuples(res); i++) {
		sum.policy_domain = PQgetvalue(res, i, 0);
		sum.period = strtoull(PQgetvalue(res, i, 1), NULL, 10);
		sum.records = strtoull(PQgetvalue(res, i, 2), NULL, 10);
		sum.state = PQgetvalue(res, i, 3);
		sum.report_id = PQgetvalue(res, i, 4);
		sum.attempts = (unsigned int)strtoul(PQgetvalue(res, i, 5),
						     NULL, 10);
		ret = cb(ctx, &sum);
	}
	PQclear(res);
	return ret;
}

static int
pg_add_received(void *vdb, const struct reports_db_received *r,
		bool *added_r, const char **error_r)
{
	struct pg_db *db = vdb;
	char nums[3][24];
	char *text = ma_malloc(r->text_len + 1);
	const char *params[8] = { r->reporter, r->report_id, r->kind,
				  r->policy_domain, nums[0], nums[1],
				  nums[2], text };
	PGresult *res;

	memcpy(text, r->text, r->text_len);
	text[r->text_len] = '\0';
	snprintf(nums[0], sizeof(nums[0]), "%" PRIu64, r->begin);
	snprintf(nums[1], sizeof(nums[1]), "%" PRIu64, r->end);
	snprintf(nums[2], sizeof(nums[2]), "%" PRIu64, r->received);
	res = pg_run(db,
		     "INSERT INTO received_reports (reporter, report_id, kind,"
		     " policy_domain, begin_t, end_t, received_t, text)"
		     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
		     " ON CONFLICT (reporter, report_id) DO NOTHING",
		     8, params, PGRES_COMMAND_OK, error_r);
	free(text);
	if (res == NULL)
		return -1;
	*added_r = strtoul(PQcmdTuples(res), NULL, 10) > 0;
	PQclear(res);
	return 0;
}

static int
pg_received_each(void *vdb, const char *policy_domain, uint64_t since,
		 reports_db_text_cb *cb, void *ctx, const char **error_r)
{
	struct pg_db *db = vdb;
	char ss[24];
	const char *params[2] = { policy_domain, ss };
	PGresult *res;
	int i, n, ret = 0;

	snprintf(ss, sizeof(ss), "%" PRIu64, since);
	res = pg_run(db,
		     "SELECT text FROM received_reports WHERE ($1::text IS NULL"
		     " OR policy_domain = $1) AND end_t >= $2"
		     " ORDER BY begin_t, reporter, report_id",
		     2, params, PGRES_TUPLES_OK, error_r);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n && ret == 0; i++) {
		if (cb(ctx, PQgetvalue(res, i, 0),
		       (size_t)PQgetlength(res, i, 0)) < 0) {
			*error_r = "stopped";
			ret = -1;
		}
	}
	PQclear(res);
	return ret;
}

#define PG_EXEC_MAX_COLS 16

static int
pg_exec_sql(void *vdb, const char *sql, const char *const *params,
	    size_t nparams, reports_db_row_cb *cb, void *ctx,
	    uint64_t *changes_r, const char **error_r)
{
	struct pg_db *db = vdb;
	const char *cols[PG_EXEC_MAX_COLS];
	PGresult *res;
	ExecStatusType st;
	int i, j, n, ret = 0;

	res = PQexecParams(db->conn, sql, (int)nparams, NULL, params, NULL,
			   NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		(void)pg_fail(db, res, error_r);
		PQclear(res);
		return -1;
	}
	n = PQnfields(res) < PG_EXEC_MAX_COLS ? PQnfields(res) :
						  PG_EXEC_MAX_COLS;
	for (i = 0; cb != NULL && ret == 0 && i < PQntuples(res); i++) {
		for (j = 0; j < n; j++)
			cols[j] = PQgetvalue(res, i, j);
		ret = cb(ctx, cols, (size_t)n);
	}
	*changes_r = strtoull(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return ret;
}

const struct reports_db_ops reports_db_pg = {
	.open = pg_open,
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.add_records = pg_add_records,
	.due = pg_due,
	.lines = pg_lines,
	.report_state = pg_report_state,
	.set_state = pg_set_state,
	.summaries = pg_summaries,
	.add_received = pg_add_received,
	.received_each = pg_received_each,
	.exec = pg_exec_sql,
};
