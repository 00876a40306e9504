/*
 * progopt.h - the two options every mailauth-pack program answers the
 * same way: `PROG --version` prints "PROG (mailauth-pack) VERSION" and
 * `PROG --help` prints the program's usage, both on standard output,
 * and the program then exits 0.  Front-ends only.
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

/* The --version answer itself, "PROG (mailauth-pack) VERSION" on stdout,
 * for programs that recognise --version in their own argument loop. */
void progopt_version(const char *progname);

#endif
