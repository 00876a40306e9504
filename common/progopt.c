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

int
progopt_find(const struct progopt_def *table, int argc, char **argv,
	     int *i, const char **value_r)
{
	int n;

	*value_r = NULL;
	for (n = 0; table[n].name != NULL; n++) {
		if (strcmp(argv[*i], table[n].name) != 0)
			continue;
		if (!table[n].has_value)
			return n;
		if (*i + 1 >= argc)
			return PROGOPT_NO_VALUE;
		*value_r = argv[++*i];
		return n;
	}
	return PROGOPT_NOT_OURS;
}
