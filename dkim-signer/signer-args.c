/*
 * signer-args.c - dkim-signer's command line (signer-args.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "progopt.h"
#include "signer-args.h"
#include "signer-log.h"

void
signer_args_usage(FILE *fp)
{
	fprintf(fp,
		"usage: " SIGNER_PROGNAME " [-c FILE] [-o Name=value] [-q QUEUEID] "
		"[-t UNIXTIME] [--stdout]\n"
		"                   -f SENDER -- RECIPIENT...\n"
		"       " SIGNER_PROGNAME " -n [-c FILE] [-o Name=value]\n"
		"       " SIGNER_PROGNAME " --serve [-c FILE] [-o Name=value]\n"
		"       " SIGNER_PROGNAME " --version | --help\n");
}

int
signer_args_parse(int argc, char **argv, struct signer_args *a)
{
	enum { END, CHECK, TO_STDOUT, SERVE, CONFIG, SENDER, QUEUE_ID, NOW,
	       OVERRIDE };
	static const struct progopt_def opts[] = {
		[END] = {"--", 0},
		[CHECK] = {"-n", 0},
		[TO_STDOUT] = {"--stdout", 0},
		[SERVE] = {"--serve", 0},
		[CONFIG] = {"-c", 1},
		[SENDER] = {"-f", 1},
		[QUEUE_ID] = {"-q", 1},
		[NOW] = {"-t", 1},
		[OVERRIDE] = {"-o", 1},
		{NULL, 0},
	};
	const char *v;
	int i;

	memset(a, 0, sizeof(*a));
	a->config = SIGNER_DEFAULT_CONFIG;
	for (i = 1; i < argc; i++) {
		int opt = progopt_find(opts, argc, argv, &i, &v);

		if (opt == END) {
			a->options_end = i++;
			break;
		}
		switch (opt) {
		case CHECK: a->check = true; break;
		case TO_STDOUT: a->to_stdout = true; break;
		case SERVE: a->serve = true; break;
		case CONFIG: a->config = v; break;
		case SENDER: a->sender = v; break;
		case QUEUE_ID: a->queue_id = v; break;
		case NOW: a->now = (time_t)strtoll(v, NULL, 10); break;
		case OVERRIDE:
			if (a->noverrides >= SIGNER_MAX_OVERRIDES)
				return -1;
			a->overrides[a->noverrides++] = v;
			break;
		default: /* unknown, or the value missing */
			return -1;
		}
	}
	if (a->options_end == 0)
		a->options_end = i;
	a->overrides[a->noverrides] = NULL;
	a->recipients = (const char *const *)argv + i;
	a->nrecipients = (size_t)(argc - i);
	if (a->check || a->serve)
		return a->check && a->serve ? -1 : 0;
	if (a->sender == NULL || (a->nrecipients == 0 && !a->to_stdout))
		return -1;
	return 0;
}

