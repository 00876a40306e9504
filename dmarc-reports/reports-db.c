/*
 * reports-db.c - the dmarc-reports database: the backend chosen by the
 * Database setting (reports-db.h): a postgresql:// or postgres:// URI is
 * PostgreSQL (libpq), anything else an SQLite file.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "reports-db-impl.h"

struct reports_db {
	const struct reports_db_ops *ops;
	void *impl;
};

int
reports_db_open(const char *path, struct reports_db **db_r,
		const char **error_r)
{
	struct reports_db *db = ma_calloc(1, sizeof(*db));

	db->ops = strncmp(path, "postgresql://", 13) == 0 ||
			  strncmp(path, "postgres://", 11) == 0 ?
		&reports_db_pg : &reports_db_sqlite;
	*db_r = db;
	return db->ops->open(path, &db->impl, error_r);
}

void
reports_db_close(struct reports_db **db_p)
{
	struct reports_db *db = *db_p;

	if (db == NULL)
		return;
	*db_p = NULL;
	if (db->impl != NULL)
		db->ops->close(&db->impl);
	free(db);
}

int
reports_db_begin(struct reports_db *db, const char **error_r)
{
	return db->ops->begin(db->impl, error_r);
}

int
reports_db_commit(struct reports_db *db, const char **error_r)
{
	return db->ops->commit(db->impl, error_r);
}

void
reports_db_rollback(struct reports_db *db)
{
	db->ops->rollback(db->impl);
}

int
reports_db_add_records(struct reports_db *db,
		       const struct reports_db_record *recs, size_t n,
		       size_t *added_r, const char **error_r)
{
	*added_r = 0;
	if (n == 0)
		return 0;
	return db->ops->add_records(db->impl, recs, n, added_r, error_r);
}

int
reports_db_due(struct reports_db *db, uint64_t before,
	       reports_db_period_cb *cb, void *ctx, const char **error_r)
{
	return db->ops->due(db->impl, before, cb, ctx, error_r);
}

int
reports_db_lines(struct reports_db *db, const char *policy_domain,
		 uint64_t period, reports_db_line_cb *cb, void *ctx,
		 const char **error_r)
{
	return db->ops->lines(db->impl, policy_domain, period, cb, ctx,
			      error_r);
}

int
reports_db_report_state(struct reports_db *db, const char *policy_domain,
			uint64_t period, char *buf, size_t size,
			uint64_t *first_try_r, const char **error_r)
{
	return db->ops->report_state(db->impl, policy_domain, period, buf,
				     size, first_try_r, error_r);
}

int
reports_db_set_state(struct reports_db *db, const char *policy_domain,
		     uint64_t period, const char *report_id,
		     const char *state, uint64_t now, const char **error_r)
{
	return db->ops->set_state(db->impl, policy_domain, period, report_id,
				  state, now, error_r);
}

int
reports_db_summaries(struct reports_db *db, reports_db_summary_cb *cb,
		     void *ctx, const char **error_r)
{
	return db->ops->summaries(db->impl, cb, ctx, error_r);
}

int
reports_db_add_received(struct reports_db *db,
			const struct reports_db_received *r, bool *added_r,
			const char **error_r)
{
	*added_r = false;
	return db->ops->add_received(db->impl, r, added_r, error_r);
}

int
reports_db_received_each(struct reports_db *db, const char *policy_domain,
			 uint64_t since, reports_db_text_cb *cb, void *ctx,
			 const char **error_r)
{
	return db->ops->received_each(db->impl, policy_domain, since, cb, ctx,
				      error_r);
}

int
reports_db_exec(struct reports_db *db, const char *sql,
		const char *const *params, size_t nparams,
		reports_db_row_cb *cb, void *ctx, uint64_t *changes_r,
		const char **error_r)
{
	uint64_t changes = 0;
	int ret = db->ops->exec(db->impl, sql, params, nparams, cb, ctx,
				&changes, error_r);

	if (changes_r != NULL)
		*changes_r = changes;
	return ret;
}
