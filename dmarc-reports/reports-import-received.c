/*
 * reports-import-received.c - `dmarc-reports import`, second half: the
 * received reports (T.RANDOM.rcvd files, msgauth-ingest.h) in
 * HistoryDir into the table received_reports, then removed.
 *
 * Idempotent and crash-safe like the history import: a report is
 * inserted under (reporter, report id) unless there (the same report
 * twice, ingested at delivery and again by `ingest`, counts once), and
 * its file is removed only after the commit.  A file that does not
 * parse is renamed NAME.bad (kept for a look, never read again).
 * reporter: the report's org_name (or its email); a failure report's
 * report id is the stable hash ingest gave it; its period is its
 * Arrival-Date (or when it was received).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/file.h"
#include "msg/msg-date.h"
#include "dmarc/dmarc-received.h"
#include "msgauth/msgauth-ingest.h"
#include "reports-db.h"
#include "reports.h"

/* Largest report text taken (a 1,000,000-row report is ~120 MB). */
#define REPORTS_RECEIVED_MAX_FILE (256u * 1024 * 1024)

static void
set_aside(struct reports *r, const char *path, const char *why)
{
	const char *bad = arena_printf(r->arena, "%s.bad", path);

	ma_log_warn(&r->log, "%s: %s: renamed %s", path, why, bad);
	if (rename(path, bad) < 0)
		ma_log_error(&r->log, "rename(%s): %s", path, strerror(errno));
}

void
reports_failure_period(struct dmarc_received *rep)
{
	const char *err;
	uint64_t t;

	if (rep->kind != DMARC_RECEIVED_FAILURE)
		return;
	rep->begin = rep->end = rep->received;
	if (rep->arrival_date != NULL &&
	    msg_date_parse(rep->arrival_date, strlen(rep->arrival_date), &t,
			   &err) == 0)
		rep->begin = rep->end = t;
}

/* The row for one report text (its first line read). */
static int
received_row(struct arena *arena, const struct ma_file *f,
	     struct reports_db_received *row, const char **error_r)
{
	const char *nl = memchr(f->data, '\n', f->len);
	struct dmarc_received *rep;

	if (nl == NULL) {
		*error_r = "no complete line";
		return -1;
	}
	if (dmarc_received_parse(f->data, (size_t)(nl + 1 - f->data), arena,
				 &rep, error_r) < 0)
		return -1;
	row->reporter = rep->org_name != NULL ? rep->org_name : rep->email;
	if (row->reporter == NULL || rep->report_id == NULL ||
	    rep->policy_domain == NULL) {
		*error_r = "no reporter, report id or policy domain";
		return -1;
	}
	reports_failure_period(rep);
	row->report_id = rep->report_id;
	row->kind = dmarc_received_kind_str(rep->kind);
	row->policy_domain = rep->policy_domain;
	row->begin = rep->begin;
	row->end = rep->end;
	row->received = rep->received;
	row->text = f->data;
	row->text_len = f->len;
	return 0;
}

/* One file in one transaction; removed after the commit. */
static int
import_received_file(struct reports *r, const char *path,
		     unsigned long *added_r)
{
	struct arena *arena = arena_new(0);
	struct reports_db_received row;
	struct ma_file f;
	const char *err;
	bool added = false;
	int ret = -1;

	if (ma_file_read(path, REPORTS_RECEIVED_MAX_FILE, MA_FILE_REGULAR,
			 &f, &err) < 0) {
		ma_log_error(&r->log, "%s: %s", path, err);
		arena_free(&arena);
		return -1;
	}
	if (received_row(arena, &f, &row, &err) < 0) {
		set_aside(r, path, err);
		ret = 0;
		goto out;
	}
	if (reports_db_begin(r->db, &err) < 0 ||
	    reports_db_add_received(r->db, &row, &added, &err) < 0 ||
	    reports_db_commit(r->db, &err) < 0) {
		ma_log_error(&r->log, "%s: database: %s", path, err);
		reports_db_rollback(r->db);
		goto out;
	}
	if (unlink(path) < 0)
		ma_log_error(&r->log, "unlink(%s): %s (imported; the next "
			     "import counts it once)", path, strerror(errno));
	*added_r += added;
	ret = 0;
out:
	ma_file_free(&f);
	arena_free(&arena);
	return ret;
}

int
reports_import_received(struct reports *r)
{
	DIR *d = opendir(r->set.history_dir);
	struct dirent *e;
	unsigned long files = 0, added = 0;
	int ret = 0;

	if (d == NULL) {
		ma_log_error(&r->log, "opendir(%s): %s", r->set.history_dir,
			     strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!msgauth_ingest_file_is(e->d_name))
			continue;
		files++;
		if (import_received_file(r, arena_printf(r->arena, "%s/%s",
							 r->set.history_dir,
							 e->d_name),
					 &added) < 0)
			ret = -1;
	}
	closedir(d);
	if (files > 0)
		ma_log_info(&r->log, "received reports: %lu files, %lu new",
			    files, added);
	return ret;
}
