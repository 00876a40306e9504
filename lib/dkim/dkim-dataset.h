/*
 * dkim-dataset.h - OpenDKIM "data sets" as its KeyTable and SigningTable
 * options name them (opendkim(8) DATA SETS, opendkim.conf(5)):
 *
 *   file:PATH      a flat file of "KEY VALUE" lines (a path starting with
 *                  '/' without a prefix means the same)
 *   refile:PATH    the same lines, but each KEY is a wildcard pattern in
 *                  which '*' matches any text (see dkim-signtable.h)
 *
 * Lines: the key runs to the first white space, the value is the rest of
 * the line without surrounding white space ("If a value contains multiple
 * entries, the entries should be separated by colons").  A '#' starts a
 * comment that runs to the end of the line; blank lines are ignored.
 * Lines are at most DKIM_DATASET_MAX_LINE bytes, files at most
 * DKIM_DATASET_MAX_FILE bytes and DKIM_DATASET_MAX_ROWS rows (hostile
 * input bounds, not OpenDKIM limits).
 *
 * Other OpenDKIM data set kinds (db:, dsn:, ldap:, lua:, csl:) are
 * refused with a message naming them.
 *
 * Memory: rows and their strings are allocated from the caller's arena.
 */
#ifndef MA_DKIM_DATASET_H
#define MA_DKIM_DATASET_H

#include <stddef.h>

struct arena;

#define DKIM_DATASET_MAX_LINE 65536
#define DKIM_DATASET_MAX_FILE (16 * 1024 * 1024)
#define DKIM_DATASET_MAX_ROWS 1000000

enum dkim_dataset_kind {
	DKIM_DATASET_FILE,   /* file: exact keys */
	DKIM_DATASET_REFILE, /* refile: wildcard patterns as keys */
};

struct dkim_dataset_row {
	const char *key;
	const char *value; /* "" when the line holds only a key */
	unsigned int line;
};

/* Split "file:/x" / "refile:/x" / "/x" into kind and path (the path
 * points into spec).  -1 with a static *error_r for another kind or an
 * empty or relative path. */
int dkim_dataset_spec(const char *spec, enum dkim_dataset_kind *kind_r,
		      const char **path_r, const char **error_r);

/* Parse text (len bytes, need not be NUL-terminated) into rows.  -1 with
 * "ORIGIN:LINE: problem" (arena) in *error_r for a NUL byte, an overlong
 * line or too many rows. */
int dkim_dataset_parse(const char *origin, const char *text, size_t len,
		       struct arena *arena, struct dkim_dataset_row **rows_r,
		       size_t *count_r, const char **error_r);

/* dkim_dataset_spec() + read the file + dkim_dataset_parse().  *path_r
 * is the file's path (points into spec; the ORIGIN of the rows).  -1 with
 * "PATH: problem" or "PATH:LINE: problem" in *error_r. */
int dkim_dataset_load(const char *spec, struct arena *arena,
		      enum dkim_dataset_kind *kind_r, const char **path_r,
		      struct dkim_dataset_row **rows_r, size_t *count_r,
		      const char **error_r);

#endif
