/*
 * dmarc-history-file.c - appending records to the history directory
 * (dmarc-history-file.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-history-file.h"

static void
safe_name(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		char c = *s;

		buf_append_char(b, (c >= 'a' && c <= 'z') ||
					   (c >= 'A' && c <= 'Z') ||
					   (c >= '0' && c <= '9') || c == '.' ||
					   c == '-' ?
				   c : '_');
	}
}

static int
fail(struct arena *arena, const char *what, const char *path, int err,
     const char **error_r)
{
	char *msg;
	size_t n = strlen(what) + strlen(path) + 64;

	msg = arena_alloc(arena, n);
	snprintf(msg, n, "%s(%s) failed: %s", what, path, strerror(err));
	*error_r = msg;
	return -1;
}

int
dmarc_history_append(const char *dir, const char *writer, uint64_t time,
		     const char *line, size_t len, struct arena *arena,
		     const char **error_r)
{
	struct buf path = BUF_INIT;
	struct stat st;
	struct tm tm;
	time_t t = (time_t)time;
	const char *p;
	ssize_t n;
	int fd, ret = 0;

	gmtime_r(&t, &tm);
	buf_printf(&path, "%s/", dir);
	safe_name(&path, writer);
	buf_printf(&path, ".%04d%02d%02d" DMARC_HISTORY_FILE_SUFFIX,
		   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	p = arena_strdup(arena, buf_cstr(&path));
	buf_free(&path);
	fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		  DMARC_HISTORY_FILE_MODE);
	if (fd < 0)
		return fail(arena, "open", p, errno, error_r);
	if (fstat(fd, &st) < 0)
		ret = fail(arena, "fstat", p, errno, error_r);
	else if ((n = write(fd, line, len)) != (ssize_t)len) {
		ret = fail(arena, "write", p, n < 0 ? errno : ENOSPC, error_r);
		/* only this process writes this file: cut the partial line */
		if (n > 0)
			(void)ftruncate(fd, st.st_size);
	}
	if (close(fd) < 0 && ret == 0)
		ret = fail(arena, "close", p, errno, error_r);
	return ret;
}

bool
dmarc_history_file_day(const char *name, uint64_t *day_r)
{
	size_t len = strlen(name), slen = strlen(DMARC_HISTORY_FILE_SUFFIX);
	const char *d;
	struct tm tm;
	int y, m, dd, i;

	if (len < slen + 10 ||
	    strcmp(name + len - slen, DMARC_HISTORY_FILE_SUFFIX) != 0)
		return false;
	d = name + len - slen - 9;
	if (d[0] != '.')
		return false;
	for (i = 1; i <= 8; i++) {
		if (d[i] < '0' || d[i] > '9')
			return false;
	}
	y = (d[1] - '0') * 1000 + (d[2] - '0') * 100 + (d[3] - '0') * 10 +
	    (d[4] - '0');
	m = (d[5] - '0') * 10 + (d[6] - '0');
	dd = (d[7] - '0') * 10 + (d[8] - '0');
	if (y < 1970 || m < 1 || m > 12 || dd < 1 || dd > 31)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = dd;
	*day_r = (uint64_t)timegm(&tm);
	return true;
}
