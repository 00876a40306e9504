/*
 * file.c - the bounded file reader (see file.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "util/xalloc.h"

/* First allocation when the size is not known (pipes, /proc). */
#define FILE_READ_CHUNK 8192

/* Zero memory the compiler may not optimise away (key material). */
static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* Make room for one more byte beyond len (and the NUL after it). */
static void
file_grow(struct ma_file *f, size_t max)
{
	size_t size = f->size * 2;

	if (size > max + 1)
		size = max + 1;
	f->data = ma_realloc(f->data, size + 1);
	f->size = size;
}

static int
file_read_fd(int fd, size_t max, struct ma_file *f, const char **error_r)
{
	ssize_t n;

	for (;;) {
		/* read one byte more than max: that one says "too large" */
		if (f->len == f->size) {
			if (f->size > max) {
				*error_r = "file too large";
				return -1;
			}
			file_grow(f, max);
		}
		n = read(fd, f->data + f->len, f->size - f->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*error_r = strerror(errno);
			return -1;
		}
		if (n == 0)
			break;
		f->len += (size_t)n;
	}
	if (f->len > max) {
		*error_r = "file too large";
		return -1;
	}
	f->data[f->len] = '\0';
	return 0;
}

int
ma_file_read(const char *path, size_t max, unsigned int flags,
	     struct ma_file *file_r, const char **error_r)
{
	struct stat st;
	size_t first;
	int fd;

	memset(file_r, 0, sizeof(*file_r));
	file_r->flags = flags;
	/* MA_FILE_REGULAR: O_NONBLOCK, so that opening a FIFO does not
	   block before fstat() can refuse it (reads of a regular file are
	   not affected) */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC |
		       ((flags & MA_FILE_REGULAR) != 0 ? O_NONBLOCK : 0))) < 0 ||
	    fstat(fd, &st) < 0) {
		*error_r = strerror(errno);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	file_r->mode = st.st_mode;
	if ((flags & MA_FILE_REGULAR) != 0 && !S_ISREG(st.st_mode)) {
		*error_r = "not a regular file";
		close(fd);
		return -1;
	}
	/* secrets: one buffer, never moved; others: the size fstat says */
	if ((flags & MA_FILE_SECRET) != 0)
		first = max + 1;
	else if (S_ISREG(st.st_mode) && st.st_size > 0 &&
		 (unsigned long long)st.st_size <= max)
		first = (size_t)st.st_size + 1;
	else
		first = max < FILE_READ_CHUNK ? max + 1 : FILE_READ_CHUNK;
	file_r->data = ma_malloc(first + 1);
	file_r->size = first;
	if (file_read_fd(fd, max, file_r, error_r) < 0) {
		close(fd);
		ma_file_free(file_r);
		file_r->flags = flags;
		return -1;
	}
	close(fd);
	return 0;
}

void
ma_file_free(struct ma_file *file)
{
	if (file->data != NULL && (file->flags & MA_FILE_SECRET) != 0)
		wipe(file->data, file->len + 1); /* never written past len */
	free(file->data);
	memset(file, 0, sizeof(*file));
}
