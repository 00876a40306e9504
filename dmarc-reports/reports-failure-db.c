/*
 * reports-failure-db.c - the failure report tables (reports-failure-db.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "reports-db.h"
#include "reports-failure-db.h"

#define NUM(buf, v) snprintf(buf, sizeof(buf), "%" PRIu64, (uint64_t)(v))

int
reports_failure_db_add(struct reports_db *db, const char *id, uint64_t t,
		       const char *policy_domain, const char **error_r)
{
	char ts[24];
	const char *params[3] = { id, ts, policy_domain };

	NUM(ts, t);
	return reports_db_exec(db,
			       "INSERT INTO failures (id, t, policy_domain)"
			       " VALUES ($1, $2, $3)"
			       " ON CONFLICT (id) DO NOTHING",
			       params, 3, NULL, NULL, NULL, error_r);
}

struct due_ctx {
	reports_failure_due_cb *cb;
	void *ctx;
};

static int
due_row(void *ctx, const char *const *cols, size_t n)
{
	struct due_ctx *d = ctx;

	if (n < 3)
		return -1;
	return d->cb(d->ctx, cols[0], cols[1], strtoull(cols[2], NULL, 10));
}

int
reports_failure_db_due(struct reports_db *db, reports_failure_due_cb *cb,
		       void *ctx, const char **error_r)
{
	struct due_ctx d = { cb, ctx };

	return reports_db_exec(db,
			       "SELECT f.id, r.line, coalesce(f.first_try, 0)"
			       " FROM failures f JOIN records r ON r.id = f.id"
			       " WHERE f.state IN ('pending', 'failed')"
			       " ORDER BY f.t, f.id",
			       NULL, 0, due_row, &d, NULL, error_r);
}

static int
count_row(void *ctx, const char *const *cols, size_t n)
{
	if (n > 0)
		*(uint64_t *)ctx = strtoull(cols[0], NULL, 10);
	return 0;
}

int
reports_failure_db_recent(struct reports_db *db, const char *address,
			  uint64_t since, uint64_t *count_r,
			  const char **error_r)
{
	char ss[24];
	const char *params[2] = { address, ss };

	NUM(ss, since);
	*count_r = 0;
	return reports_db_exec(db,
			       "SELECT count(*) FROM failure_sends"
			       " WHERE address = $1 AND t >= $2",
			       params, 2, count_row, count_r, NULL, error_r);
}

int
reports_failure_db_note_sent(struct reports_db *db, const char *address,
			     uint64_t t, const char **error_r)
{
	char ts[24];
	const char *params[2] = { address, ts };

	NUM(ts, t);
	return reports_db_exec(db,
			       "INSERT INTO failure_sends (address, t)"
			       " VALUES ($1, $2)",
			       params, 2, NULL, NULL, NULL, error_r);
}

int
reports_failure_db_set_state(struct reports_db *db, const char *id,
			     const char *state, uint64_t now,
			     const char *sent_to, const char **error_r)
{
	char ns[24];
	const char *params[4] = { id, state, ns, sent_to };

	NUM(ns, now);
	return reports_db_exec(db,
			       "UPDATE failures SET state = $2,"
			       " attempts = attempts + 1,"
			       " first_try = coalesce(first_try, $3),"
			       " last_try = $3, sent_to = $4 WHERE id = $1",
			       params, 4, NULL, NULL, NULL, error_r);
}

struct sum_ctx {
	reports_failure_summary_cb *cb;
	void *ctx;
};

static int
sum_row(void *ctx, const char *const *cols, size_t n)
{
	struct sum_ctx *c = ctx;
	struct reports_failure_summary s;

	if (n < 6)
		return -1;
	s.id = cols[0];
	s.t = strtoull(cols[1], NULL, 10);
	s.policy_domain = cols[2];
	s.state = cols[3];
	s.attempts = (unsigned int)strtoul(cols[4], NULL, 10);
	s.sent_to = cols[5];
	return c->cb(c->ctx, &s);
}

int
reports_failure_db_summaries(struct reports_db *db,
			     reports_failure_summary_cb *cb, void *ctx,
			     const char **error_r)
{
	struct sum_ctx c = { cb, ctx };

	return reports_db_exec(db,
			       "SELECT id, t, policy_domain, state, attempts,"
			       " sent_to FROM failures ORDER BY t, id",
			       NULL, 0, sum_row, &c, NULL, error_r);
}
