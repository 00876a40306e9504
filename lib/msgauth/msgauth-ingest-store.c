/*
 * msgauth-ingest-store.c - a received report's text into the history
 * directory as its own T.RANDOM.rcvd file (msgauth-ingest.h): written
 * under a temporary ".rcvd-XXXXXX" name (mkstemp), flushed to disk, then
 * linked to its final name (link() fails rather than replace an
 * existing file) and the temporary name removed.  A crash leaves at
 * worst a temporary file, which import never reads.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"
#include "dmarc/dmarc-history-file.h"
#include "msgauth/msgauth-ingest.h"

static int
write_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

int
msgauth_ingest_store(const char *dir, const char *text, size_t len,
		     const char **error_r)
{
	size_t dlen = strlen(dir);
	char *tmp = ma_malloc(dlen + 16), *final = ma_malloc(dlen + 48);
	int fd, ret = -1;

	snprintf(tmp, dlen + 16, "%s/.rcvd-XXXXXX", dir);
	if ((fd = mkstemp(tmp)) < 0) {
		*error_r = strerror(errno);
		goto out;
	}
	if (fchmod(fd, DMARC_HISTORY_FILE_MODE) < 0 ||
	    write_all(fd, text, len) < 0 || fsync(fd) < 0) {
		*error_r = errno != 0 ? strerror(errno) : "short write";
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0) {
		*error_r = strerror(errno);
		unlink(tmp);
		goto out;
	}
	snprintf(final, dlen + 48, "%s/%llu.%s" MSGAUTH_INGEST_FILE_SUFFIX,
		 dir, (unsigned long long)time(NULL), tmp + dlen + 7);
	if (link(tmp, final) < 0) {
		*error_r = strerror(errno);
		unlink(tmp);
		goto out;
	}
	unlink(tmp);
	ret = 0;
out:
	free(tmp);
	free(final);
	return ret;
}

bool
msgauth_ingest_file_is(const char *name)
{
	size_t n = strlen(name), m = strlen(MSGAUTH_INGEST_FILE_SUFFIX);

	return name[0] != '.' && n > m &&
		strcmp(name + n - m, MSGAUTH_INGEST_FILE_SUFFIX) == 0;
}
