/*
 * cmd-spf.c - `authcheck spf`: placeholder until its issue lands.
 */
#include "config.h"

#include <stdio.h>

#include "authcheck.h"

int
cmd_spf(struct authcheck *ac, int argc, char **argv)
{
	(void)ac;
	(void)argc;
	fprintf(stderr, "authcheck: %s: not implemented yet\n", argv[0]);
	return AUTHCHECK_EXIT_FAIL;
}
