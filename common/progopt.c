/*
 * progopt.c - `--version` and `--help` for the front-ends (progopt.h).
 */
#include "config.h"

#include <string.h>

#include "progopt.h"

int
progopt_version_help(int argc, char **argv, const char *progname,
		     void (*usage)(FILE *fp))
{
	if (argc != 2)
		return 0;
	if (strcmp(argv[1], "--version") == 0) {
		progopt_version(progname);
		return 1;
	}
	if (strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 1;
	}
	return 0;
}

void
progopt_version(const char *progname)
{
	printf("%s (%s) %s\n", progname, PACKAGE_NAME, PACKAGE_VERSION);
}
