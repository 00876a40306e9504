/*
 * progopt.h - the command line of the programs: the option tables their
 * argument loops switch on (progopt_find), and the two options every
 * mailauth-pack program answers the same way: `PROG --version` prints
 * "PROG (mailauth-pack) VERSION" and `PROG --help` prints the program's
 * usage, both on standard output, and the program then exits 0.
 * Front-ends only.
 *
 * Memory: nothing is kept.
 */
#ifndef MA_PROGOPT_H
#define MA_PROGOPT_H

#include <stdio.h>

/* If argv is exactly `PROG --version` or `PROG --help`, print the
 * answer (usage() is called with stdout) and return 1: the caller exits
 * 0.  Otherwise return 0 and print nothing. */
int progopt_version_help(int argc, char **argv, const char *progname,
			 void (*usage)(FILE *fp));

/* One option of a program's command line: its exact spelling and whether
 * it takes the next argument as its value.  A table ends with a NULL
 * name; a program's loop switches on the index progopt_find() returns. */
struct progopt_def {
	const char *name;
	int has_value;
};

#define PROGOPT_NOT_OURS (-1)  /* argv[*i] is not in the table */
#define PROGOPT_NO_VALUE (-2)  /* in the table, but its value is missing */

/* Look argv[*i] up in `table`: its index (and for an option with a value
 * *value_r = argv[*i + 1], *i advanced past it), PROGOPT_NOT_OURS, or
 * PROGOPT_NO_VALUE when it is the last argument.  *value_r is NULL for
 * an option without a value. */
int progopt_find(const struct progopt_def *table, int argc, char **argv,
		 int *i, const char **value_r);

/* The --version answer itself, "PROG (mailauth-pack) VERSION" on stdout,
 * for programs that recognise --version in their own argument loop. */
void progopt_version(const char *progname);

#endif
