/*
 * progout.c - write errors on stdout reported as coreutils do
 * (progout.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "progout.h"

bool
progout_check(struct progout *out)
{
	if (!ferror(stdout))
		return false;
	/* errno is the failed write's only right after it; EIO when it
	 * is gone already */
	if (out->error == 0)
		out->error = errno != 0 ? errno : EIO;
	return true;
}

int
progout_close(struct progout *out, const char *progname)
{
	errno = 0;
	if (fflush(stdout) != 0 && out->error == 0)
		out->error = errno != 0 ? errno : EIO;
	if (!progout_check(out))
		return 0;
	fprintf(stderr, "%s: write error: %s\n", progname,
		strerror(out->error));
	return -1;
}
