/*
 * reports-import.c - `dmarc-reports import`: the history files of ended
 * days (dmarc-history-file.h) into the database, then removed.
 *
 * Idempotent: each record is inserted under its id (INSERT OR IGNORE),
 * and a file is removed only after the transaction holding its records
 * has committed.  A crash between commit and unlink leaves the file,
 * whose records the next import finds already there: nothing is lost,
 * nothing counted twice.  A line that does not parse (truncated,
 * garbage, another version) is skipped with a log line naming the file
 * and line; the rest of the file is imported.
 *
 * Only files whose UTC day has ended are taken: no writer appends to them
 * any more (a writer picks the file by the day of its record's time).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/xalloc.h"
#include "dmarc/dmarc-history.h"
#include "dmarc/dmarc-history-file.h"
#include "dmarc/dmarc-report.h"
#include "util/buf.h"
#include "reports-db.h"
#include "reports-failure-db.h"
#include "reports.h"

#define DAY_SECONDS 86400

/* Records inserted per database call (one round trip on PostgreSQL). */
#define REPORTS_IMPORT_BATCH 500

struct batch {
	struct reports_db_record recs[REPORTS_IMPORT_BATCH];
	size_t n;
	struct arena *arena; /* their strings; cleared after each flush */
	struct arena *scratch; /* one line's parse; cleared per line */
	unsigned long added;
};

/* Insert what is queued: 0, or -1 (logged). */
static int
flush(struct reports *r, const char *file, struct batch *b)
{
	const char *err;
	size_t added;

	if (reports_db_add_records(r->db, b->recs, b->n, &added, &err) < 0) {
		ma_log_error(&r->log, "%s: database: %s", file, err);
		return -1;
	}
	for (size_t i = 0; i < b->n; i++) {
		if (b->recs[i].failure &&
		    reports_failure_db_add(r->db, b->recs[i].id, b->recs[i].t,
					   b->recs[i].policy_domain,
					   &err) < 0) {
			ma_log_error(&r->log, "%s: database: %s", file, err);
			return -1;
		}
	}
	b->added += added;
	b->n = 0;
	arena_clear(b->arena);
	return 0;
}

/* FailureReports no: the record without its failure report data (the
 * message header is not kept where nobody will send it). */
static const char *
without_failure(struct arena *arena, struct dmarc_history *h)
{
	struct buf b = BUF_INIT;
	const char *line;

	h->failure_due = 0;
	dmarc_history_format(h, &b);
	line = arena_strndup(arena, b.data, b.len - 1); /* no '\n' */
	buf_free(&b);
	return line;
}

/* One record line: queued (flushed when the batch is full), or skipped
 * with a log line.  0, or -1 on a database error. */
static int
import_line(struct reports *r, const char *file, unsigned long lineno,
	    const char *line, size_t len, struct batch *b)
{
	struct reports_db_record *rec;
	struct dmarc_history *h;
	const char *err;

	if (len == 0 || line[len - 1] != '\n') {
		ma_log_warn(&r->log, "%s:%lu: record without line end "
			    "(truncated): skipped", file, lineno);
		return 0;
	}
	arena_clear(b->scratch);
	if (dmarc_history_parse(line, len, b->scratch, &h, &err) < 0) {
		ma_log_warn(&r->log, "%s:%lu: %s: skipped", file, lineno, err);
		return 0;
	}
	/* what reaches a Subject, a file name or the report must be a
	 * host name (RFC 9990 3.2.1 domain-name) */
	if (!dmarc_report_domain_valid(h->policy_domain) ||
	    !dmarc_report_domain_valid(h->header_from)) {
		ma_log_warn(&r->log, "%s:%lu: policy or From domain is not a "
			    "host name: skipped", file, lineno);
		return 0;
	}
	rec = &b->recs[b->n++];
	rec->id = arena_strdup(b->arena, h->id);
	rec->t = h->time;
	rec->period = reports_period(r, h->time);
	rec->policy_domain = arena_strdup(b->arena, h->policy_domain);
	rec->failure = h->failure_due != 0 && r->set.failure_reports;
	if (h->failure_due != 0 && !r->set.failure_reports)
		rec->line = without_failure(b->arena, h);
	else
		rec->line = arena_strndup(b->arena, line, len - 1);
	return b->n == REPORTS_IMPORT_BATCH ? flush(r, file, b) : 0;
}

/* The next line of f into buf (at most DMARC_HISTORY_MAX_LINE + 1
 * bytes kept, '\n' included): its length, 0 at the end.  A longer line
 * is read to its end in constant memory and reported as *too_long_r
 * (hostile input never grows memory). */
static size_t
read_line(FILE *f, char *buf, bool *too_long_r)
{
	size_t n = 0;
	int c;

	*too_long_r = false;
	while ((c = getc(f)) != EOF) {
		if (n <= DMARC_HISTORY_MAX_LINE)
			buf[n] = (char)c;
		else
			*too_long_r = true;
		n++;
		if (c == '\n')
			break;
	}
	return n;
}

/* One file in one transaction; removed after the commit. */
static int
import_file(struct reports *r, const char *path)
{
	struct batch *b = ma_calloc(1, sizeof(*b));
	unsigned long lineno = 0;
	char *line = ma_malloc(DMARC_HISTORY_MAX_LINE + 2);
	bool too_long;
	size_t len;
	const char *err;
	FILE *f;
	int ret = 0;

	b->arena = arena_new(0);
	b->scratch = arena_new(0);
	if ((f = fopen(path, "r")) == NULL) {
		ma_log_error(&r->log, "open(%s): %s", path, strerror(errno));
		ret = -1;
		goto out;
	}
	if (reports_db_begin(r->db, &err) < 0) {
		ma_log_error(&r->log, "database: %s", err);
		fclose(f);
		ret = -1;
		goto out;
	}
	while (ret == 0 && (len = read_line(f, line, &too_long)) > 0) {
		lineno++;
		if (too_long)
			ma_log_warn(&r->log, "%s:%lu: record longer than %d "
				    "bytes: skipped", path, lineno,
				    DMARC_HISTORY_MAX_LINE);
		else if (import_line(r, path, lineno, line, len, b) < 0)
			ret = -1;
	}
	if (ret == 0 && ferror(f)) {
		ma_log_error(&r->log, "read(%s): %s", path, strerror(errno));
		ret = -1;
	}
	fclose(f);
	if (ret == 0)
		ret = flush(r, path, b);
	if (ret == 0 && reports_db_commit(r->db, &err) < 0) {
		ma_log_error(&r->log, "database: %s", err);
		ret = -1;
	}
	if (ret < 0)
		reports_db_rollback(r->db);
	else {
		if (unlink(path) < 0)
			ma_log_error(&r->log, "unlink(%s): %s (imported; "
				     "the next import skips its records)",
				     path, strerror(errno));
		ma_log_info(&r->log, "%s: %lu records, %lu new", path, lineno,
			    b->added);
	}
out:
	arena_free(&b->arena);
	arena_free(&b->scratch);
	free(b);
	free(line);
	return ret;
}

int
reports_import(struct reports *r)
{
	DIR *d = opendir(r->set.history_dir);
	struct dirent *e;
	uint64_t day;
	char *path;
	int ret = 0;

	if (d == NULL) {
		ma_log_error(&r->log, "opendir(%s): %s", r->set.history_dir,
			     strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!dmarc_history_file_day(e->d_name, &day) ||
		    day + DAY_SECONDS > r->now)
			continue;
		path = arena_printf(r->arena, "%s/%s", r->set.history_dir,
				    e->d_name);
		if (import_file(r, path) < 0)
			ret = -1;
	}
	closedir(d);
	if (reports_import_received(r) < 0)
		ret = -1;
	return ret;
}
