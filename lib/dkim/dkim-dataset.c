/*
 * dkim-dataset.c - OpenDKIM flat-file data sets (dkim-dataset.h).
 */
#include "config.h"

#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim-dataset.h"
#include "util/file.h"
#include "util/strparse.h"

int
dkim_dataset_spec(const char *spec, enum dkim_dataset_kind *kind_r,
		  const char **path_r, const char **error_r)
{
	const char *colon = strchr(spec, ':');

	*kind_r = DKIM_DATASET_FILE;
	if (spec[0] == '/') {
		*path_r = spec;
		return 0;
	}
	if (strncmp(spec, "file:", 5) == 0) {
		*path_r = spec + 5;
	} else if (strncmp(spec, "refile:", 7) == 0) {
		*kind_r = DKIM_DATASET_REFILE;
		*path_r = spec + 7;
	} else {
		*error_r = colon != NULL ?
			"data set kind not supported (use file: or refile:)" :
			"not a data set (use file:/PATH or refile:/PATH)";
		return -1;
	}
	if ((*path_r)[0] != '/') {
		*error_r = "data set path must be absolute";
		return -1;
	}
	return 0;
}

static bool
is_key_char(unsigned char c)
{
	return c != ' ' && c != '\t' && c != '\r';
}

/* One physical line (comment already cut) into a row; 1 if blank. */
static int
dataset_row(struct sp_slice line, struct arena *arena,
	    struct dkim_dataset_row *row)
{
	struct strparse sp;
	struct sp_slice key, value;

	line = sp_slice_trim(line);
	if (line.len == 0)
		return 1;
	sp_init(&sp, line.p, line.len);
	sp_span(&sp, is_key_char, 0, &key);
	value.p = sp.p;
	value.len = sp_left(&sp);
	value = sp_slice_trim(value);
	row->key = arena_strndup(arena, key.p, key.len);
	row->value = arena_strndup(arena, value.p, value.len);
	return 0;
}

int
dkim_dataset_parse(const char *origin, const char *text, size_t len,
		   struct arena *arena, struct dkim_dataset_row **rows_r,
		   size_t *count_r, const char **error_r)
{
	struct strparse sp;
	struct sp_slice line;
	struct buf rows = BUF_INIT;
	struct dkim_dataset_row row;
	unsigned int lineno = 0;
	size_t n = 0;

	if (memchr(text, '\0', len) != NULL) {
		*error_r = arena_printf(arena, "%s: NUL byte in file", origin);
		return -1;
	}
	sp_init(&sp, text, len);
	while (!sp_eof(&sp)) {
		sp_until(&sp, "\n", &line);
		sp_char(&sp, '\n');
		lineno++;
		if (line.len > DKIM_DATASET_MAX_LINE) {
			*error_r = arena_printf(arena, "%s:%u: line too long",
						origin, lineno);
			goto fail;
		}
		const char *hash = memchr(line.p, '#', line.len);
		if (hash != NULL)
			line.len = (size_t)(hash - line.p);
		if (dataset_row(line, arena, &row) != 0)
			continue;
		if (n == DKIM_DATASET_MAX_ROWS) {
			*error_r = arena_printf(arena, "%s:%u: too many lines",
						origin, lineno);
			goto fail;
		}
		row.line = lineno;
		buf_append(&rows, &row, sizeof(row));
		n++;
	}
	*rows_r = arena_alloc(arena, (n + 1) * sizeof(row));
	if (n > 0)
		memcpy(*rows_r, rows.data, n * sizeof(row));
	*count_r = n;
	buf_free(&rows);
	return 0;
fail:
	buf_free(&rows);
	return -1;
}

int
dkim_dataset_load(const char *spec, struct arena *arena,
		  enum dkim_dataset_kind *kind_r, const char **path_r,
		  struct dkim_dataset_row **rows_r, size_t *count_r,
		  const char **error_r)
{
	struct ma_file file;
	const char *path, *err;
	int ret;

	if (dkim_dataset_spec(spec, kind_r, &path, &err) < 0) {
		*error_r = arena_printf(arena, "%s: %s", spec, err);
		return -1;
	}
	*path_r = path;
	if (ma_file_read(path, DKIM_DATASET_MAX_FILE, MA_FILE_REGULAR, &file,
			 &err) < 0) {
		*error_r = arena_printf(arena, "%s: %s", path, err);
		return -1;
	}
	ret = dkim_dataset_parse(path, file.data, file.len, arena, rows_r,
				 count_r, error_r);
	ma_file_free(&file);
	return ret;
}
