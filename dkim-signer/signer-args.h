/*
 * signer-args.h - the command line dkim-signer and dkim-signer-client
 * share: [-c FILE] [-o Name=value]... [-q QUEUEID] [-t UNIXTIME]
 * [--stdout] -f SENDER -- RECIPIENT..., -n, --serve.
 *
 * Memory: the strings point into argv.
 */
#ifndef SIGNER_ARGS_H
#define SIGNER_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define SIGNER_MAX_OVERRIDES 32
#define SIGNER_DEFAULT_CONFIG "/etc/mailauth/dkim-signer.conf"

struct signer_args {
	const char *config, *queue_id, *sender;
	const char *overrides[SIGNER_MAX_OVERRIDES + 1];
	const char *const *recipients;
	size_t nrecipients, noverrides;
	bool check, to_stdout, serve;
	time_t now;
	int options_end; /* argv index of "--" or the first recipient */
};

/* Parse argv into *a (overrides NULL-terminated).  -1 for a usage
 * error. */
int signer_args_parse(int argc, char **argv, struct signer_args *a);

/* The usage text, on fp. */
void signer_args_usage(FILE *fp);

#endif
