/*
 * dmarc-history-file.h - the history directory (dmarc-history(5)): where
 * delivery appends DMARC history records (dmarc-history.h) and
 * `dmarc-reports import` takes them from.
 *
 * One file per writer process and UTC day, named
 *   WRITER.YYYYMMDD.dmarc     WRITER = host name "." pid
 * so no two processes ever append to the same file.  A record is one
 * write() of one whole line on a descriptor opened with O_APPEND: lines
 * never interleave.  If the write is short (disk full), the file is cut
 * back to where it was, so a partial line never stays in front of the
 * next record.  A file whose day has ended (in UTC) is never written
 * again and can be imported and removed.
 *
 * Memory: error texts are static or in the arena given.
 */
#ifndef MA_DMARC_HISTORY_FILE_H
#define MA_DMARC_HISTORY_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

#define DMARC_HISTORY_FILE_SUFFIX ".dmarc"
/* New files: group-writable is up to the directory's setgid/umask. */
#define DMARC_HISTORY_FILE_MODE 0660

/* Append `line` (one record, '\n'-terminated) to DIR/WRITER.DAY.dmarc
 * where DAY is the UTC day of `time`.  `writer` is made file-name-safe
 * (anything but letters, digits, '.', '-' becomes '_').  0, or -1 with
 * *error_r (arena) naming the file and the system error; the file then
 * holds no part of the line. */
int dmarc_history_append(const char *dir, const char *writer, uint64_t time,
			 const char *line, size_t len, struct arena *arena,
			 const char **error_r);

/* For a file name (no directory) of the form above: true with the UTC
 * start of its day in *day_r; false for any other name. */
bool dmarc_history_file_day(const char *name, uint64_t *day_r);

#endif
