/*
 * dkim-bench - DKIM signing / verification throughput of libmailauth.
 *
 *   dkim-bench --op sign|verify --alg rsa-sha256|ed25519-sha256
 *       --canon H/B --key KEY.pem --selector S --domain D --keytable FILE
 *       [--runs R] [--min-time SECONDS] [--cpu-time] [--insecure-key]
 *       FILES...
 *
 * The files are read into memory first.  For verify they are signed
 * first (untimed) and the key record comes from the key table (lines
 * "SELECTOR._domainkey.DOMAIN TXT-RECORD"), so no DNS is involved.  Each
 * run processes the whole set of files as many times as fit in
 * --min-time seconds (at least once) and prints "msgs_per_s X"; the last
 * line is "median msgs_per_s X files N mean_bytes B".  Every verification
 * must pass, or the program exits 1.
 *
 * Time is wall-clock time (CLOCK_MONOTONIC), like the peers' benchmarks;
 * --cpu-time uses the process's CPU time instead, which is how `openssl
 * speed` measures its primitives, so the two compare on a busy machine.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-key.h"
#include "dkim/dkim-keystore.h"
#include "dkim/dkim-sign.h"
#include "dkim/dkim-verify.h"

struct bench {
	const char *op, *alg, *canon, *key, *selector, *domain, *keytable;
	unsigned int runs;
	double min_time;
	unsigned int key_flags;
	clockid_t clock;
	struct dkim_sign_params params;
	struct dkim_keystore *keys;
	struct buf *msgs;
	size_t nmsgs;
	unsigned long failures;
};

static void
usage(void)
{
	fprintf(stderr,
		"usage: dkim-bench --op sign|verify --alg rsa-sha256|ed25519-sha256\n"
		"         --canon H/B --key KEY.pem --selector S --domain D\n"
		"         --keytable FILE [--runs R] [--min-time SECONDS]\n"
		"         [--cpu-time] [--insecure-key] FILES...\n");
	exit(2);
}

static double
now_s(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
read_file(const char *path, struct buf *out)
{
	FILE *fp = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (fp == NULL) {
		fprintf(stderr, "dkim-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(out, chunk, n);
	fclose(fp);
	return 0;
}

/* Sign one message; with `out` the signed message is stored there. */
static void
sign_one(struct bench *b, const struct buf *msg, struct buf *out)
{
	struct dkim_sign_settings set = {0, false};
	const char *error, *fields;
	struct dkim_sign *s;
	size_t len;

	s = dkim_sign_new(&set, &b->params, 1, NULL, &error);
	if (s == NULL) {
		fprintf(stderr, "dkim-bench: %s\n", error);
		exit(1);
	}
	dkim_sign_push(s, msg->data, msg->len);
	if (dkim_sign_end(s, &fields, &len, &error) < 0) {
		fprintf(stderr, "dkim-bench: %s\n", error);
		exit(1);
	}
	if (out != NULL) {
		buf_append(out, fields, len);
		buf_append(out, msg->data, msg->len);
	}
	dkim_sign_free(&s);
}

static void
verify_one(struct bench *b, const struct buf *msg)
{
	struct dkim_verify_settings set = {0, 0, NULL, NULL, false};
	const struct dkim_verify_result *r;
	struct dkim_verify *v;
	size_t n;

	v = dkim_verify_new(&set, b->keys, NULL);
	dkim_verify_push(v, msg->data, msg->len);
	dkim_verify_end(v);
	r = dkim_verify_results(v, &n);
	if (!dkim_verify_done(v) || n != 1 || r[0].result != DKIM_RESULT_PASS)
		b->failures++;
	dkim_verify_free(&v);
}

static double
run_once(struct bench *b)
{
	double start = now_s(b->clock), elapsed;
	unsigned long count = 0;
	size_t i;

	do {
		for (i = 0; i < b->nmsgs; i++) {
			if (strcmp(b->op, "sign") == 0)
				sign_one(b, &b->msgs[i], NULL);
			else
				verify_one(b, &b->msgs[i]);
		}
		count += b->nmsgs;
		elapsed = now_s(b->clock) - start;
	} while (elapsed < b->min_time);
	return (double)count / elapsed;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
parse_args(struct bench *b, int argc, char **argv, int *first_file_r)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--insecure-key") == 0) {
			b->key_flags |= DKIM_PRIVKEY_ALLOW_INSECURE;
			continue;
		}
		if (strcmp(o, "--cpu-time") == 0) {
			b->clock = CLOCK_PROCESS_CPUTIME_ID;
			continue;
		}
		if (v == NULL)
			usage();
		i++;
		if (strcmp(o, "--op") == 0)
			b->op = v;
		else if (strcmp(o, "--alg") == 0)
			b->alg = v;
		else if (strcmp(o, "--canon") == 0)
			b->canon = v;
		else if (strcmp(o, "--key") == 0)
			b->key = v;
		else if (strcmp(o, "--selector") == 0)
			b->selector = v;
		else if (strcmp(o, "--domain") == 0)
			b->domain = v;
		else if (strcmp(o, "--keytable") == 0)
			b->keytable = v;
		else if (strcmp(o, "--runs") == 0)
			b->runs = (unsigned int)atoi(v);
		else if (strcmp(o, "--min-time") == 0)
			b->min_time = atof(v);
		else
			usage();
	}
	if (b->op == NULL || b->alg == NULL || b->key == NULL ||
	    b->selector == NULL || b->domain == NULL || i == argc ||
	    (strcmp(b->op, "sign") != 0 && strcmp(b->op, "verify") != 0) ||
	    (strcmp(b->op, "verify") == 0 && b->keytable == NULL) ||
	    b->runs == 0 || b->runs > 1000)
		usage();
	*first_file_r = i;
}

static void
setup(struct bench *b)
{
	struct arena *arena = arena_new(0); /* error text; lives to exit */
	const char *err;

	b->params.domain = b->domain;
	b->params.selector = b->selector;
	b->params.header_canon = b->params.body_canon = DKIM_CANON_RELAXED;
	if (b->canon != NULL &&
	    !dkim_canon_parse(b->canon, strlen(b->canon),
			      &b->params.header_canon, &b->params.body_canon))
		usage();
	if (!dkim_alg_parse(b->alg, strlen(b->alg), &b->params.alg) ||
	    b->params.alg == DKIM_ALG_RSA_SHA1)
		usage();
	if (dkim_privkey_load(b->key, b->key_flags, arena, &b->params.key,
			      &err) < 0) {
		fprintf(stderr, "dkim-bench: %s\n", err);
		exit(1);
	}
	if (b->keytable != NULL &&
	    dkim_keystore_new_table(b->keytable, arena, &b->keys,
				    &err) < 0) {
		fprintf(stderr, "dkim-bench: %s\n", err);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	struct bench b;
	double *rates;
	size_t total = 0, i;
	int first;

	memset(&b, 0, sizeof(b));
	b.runs = 5;
	b.clock = CLOCK_MONOTONIC;
	b.min_time = 1.0;
	parse_args(&b, argc, argv, &first);
	setup(&b);
	b.nmsgs = (size_t)(argc - first);
	b.msgs = calloc(b.nmsgs, sizeof(*b.msgs));
	for (i = 0; i < b.nmsgs; i++) {
		struct buf raw = BUF_INIT;

		if (read_file(argv[first + (int)i], &raw) < 0)
			return 1;
		if (strcmp(b.op, "verify") == 0) {
			sign_one(&b, &raw, &b.msgs[i]);
			buf_free(&raw);
		} else {
			b.msgs[i] = raw;
		}
		total += b.msgs[i].len;
	}
	rates = calloc(b.runs, sizeof(*rates));
	for (i = 0; i < b.runs; i++) {
		rates[i] = run_once(&b);
		printf("msgs_per_s %.1f\n", rates[i]);
		fflush(stdout);
	}
	qsort(rates, b.runs, sizeof(*rates), cmp_double);
	printf("median msgs_per_s %.1f files %zu mean_bytes %zu\n",
	       b.runs % 2 ? rates[b.runs / 2] :
			    (rates[b.runs / 2 - 1] + rates[b.runs / 2]) / 2,
	       b.nmsgs, total / b.nmsgs);
	if (b.failures > 0)
		fprintf(stderr, "dkim-bench: %lu verifications did not pass\n",
			b.failures);
	for (i = 0; i < b.nmsgs; i++)
		buf_free(&b.msgs[i]);
	free(b.msgs);
	free(rates);
	dkim_privkey_free(&b.params.key);
	dkim_keystore_free(&b.keys);
	return b.failures > 0 ? 1 : 0;
}
