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
#include "dmarc/dmarc-history.h"
#include "dmarc/dmarc-history-file.h"
#include "dmarc/dmarc-report.h"
#include "reports-db.h"
#include "reports.h"

#define DAY_SECONDS 86400

/* One record line: 1 added, 0 duplicate or skipped, -1 database error. */
static int
import_line(struct reports *r, const char *file, unsigned long lineno,
	    const char *line, size_t len, struct arena *arena)
{
	struct dmarc_history *h;
	const char *err;
	char *copy;
	int ret;

	if (len == 0 || line[len - 1] != '\n') {
		ma_log_warn(&r->log, "%s:%lu: record without line end "
			    "(truncated): skipped", file, lineno);
		return 0;
	}
	if (dmarc_history_parse(line, len, arena, &h, &err) < 0) {
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
	copy = arena_strndup(arena, line, len - 1);
	ret = reports_db_add_record(r->db, h->id, h->time,
				    reports_period(r, h->time),
				    h->policy_domain, copy, &err);
	if (ret < 0)
		ma_log_error(&r->log, "%s: database: %s", file, err);
	return ret;
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
	struct arena *arena = arena_new(0);
	unsigned long lineno = 0, added = 0, seen = 0;
	char *line = malloc(DMARC_HISTORY_MAX_LINE + 2);
	bool too_long;
	size_t len;
	const char *err;
	FILE *f;
	int ret = 0, rc;

	if ((f = fopen(path, "r")) == NULL) {
		ma_log_error(&r->log, "open(%s): %s", path, strerror(errno));
		arena_free(&arena);
		return -1;
	}
	if (reports_db_begin(r->db, &err) < 0) {
		ma_log_error(&r->log, "database: %s", err);
		ret = -1;
	}
	if (line == NULL)
		abort();
	while (ret == 0 && (len = read_line(f, line, &too_long)) > 0) {
		lineno++;
		if (too_long) {
			ma_log_warn(&r->log, "%s:%lu: record longer than %d "
				    "bytes: skipped", path, lineno,
				    DMARC_HISTORY_MAX_LINE);
			continue;
		}
		rc = import_line(r, path, lineno, line, len, arena);
		if (rc < 0)
			ret = -1;
		else {
			added += (unsigned long)rc;
			seen++;
		}
		arena_clear(arena);
	}
	if (ret == 0 && ferror(f)) {
		ma_log_error(&r->log, "read(%s): %s", path, strerror(errno));
		ret = -1;
	}
	fclose(f);
	free(line);
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
		ma_log_info(&r->log, "%s: %lu records, %lu new", path, seen,
			    added);
	}
	arena_free(&arena);
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
	return ret;
}
