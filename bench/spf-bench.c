/*
 * spf-bench.c - check_host() throughput of the SPF engine: COUNT
 * evaluations, CONCURRENCY of them in flight on one resolver and one
 * thread, over a list of "IP MAIL-FROM HELO" lines repeated in turn.
 * Prints numbers; asserts nothing (bench/spf-bench.sh runs it next to
 * pyspf on the same DNS server).
 *
 * usage: spf-bench RESOLVER-CONFIG WORKLOAD COUNT CONCURRENCY
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/dns.h"
#include "spf/spf.h"

#define BENCH_MAX_LINES 1024

struct bench {
	struct dns_resolver *resolver;
	struct spf_request reqs[BENCH_MAX_LINES];
	size_t nreqs, started, done, count;
	unsigned long results[SPF_PERMERROR + 1];
};

static void start_one(struct bench *b);

static void
on_verdict(const struct spf_verdict *v, void *context)
{
	struct bench *b = context;

	b->results[v->result]++;
	b->done++;
	if (b->started < b->count)
		start_one(b);
}

static void
start_one(struct bench *b)
{
	const struct spf_request *req = &b->reqs[b->started % b->nreqs];
	struct spf_check *check;
	const char *error;

	b->started++;
	if (spf_check_start(b->resolver, NULL, req, NULL, on_verdict, b, &check,
	                    &error) < 0) {
		fprintf(stderr, "spf-bench: %s\n", error);
		exit(1);
	}
}

static int
read_workload(struct bench *b, const char *path)
{
	char line[1024], ip[256], mf[512], helo[256];
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return -1;
	while (b->nreqs < BENCH_MAX_LINES && fgets(line, sizeof(line), fp)) {
		struct spf_request *r = &b->reqs[b->nreqs];

		if (sscanf(line, "%255s %511s %255s", ip, mf, helo) != 3)
			continue;
		r->identity = SPF_IDENTITY_MAILFROM;
		r->client_ip = strdup(ip);
		r->mail_from = strdup(strcmp(mf, "<>") == 0 ? "" : mf);
		r->helo = strdup(helo);
		b->nreqs++;
	}
	fclose(fp);
	return b->nreqs > 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static struct bench b;
	struct dns_settings set;
	struct timespec t0, t1;
	const char *error;
	double secs;
	size_t i, conc;

	if (argc != 5 || read_workload(&b, argv[2]) < 0) {
		fprintf(stderr, "usage: spf-bench CONFIG WORKLOAD COUNT "
		                "CONCURRENCY\n");
		return 2;
	}
	memset(&set, 0, sizeof(set));
	set.resolver_config = argv[1];
	b.count = strtoul(argv[3], NULL, 10);
	conc = strtoul(argv[4], NULL, 10);
	if (dns_resolver_new(&set, NULL, NULL, &b.resolver, &error) < 0) {
		fprintf(stderr, "spf-bench: %s\n", error);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < conc && b.started < b.count; i++)
		start_one(&b);
	dns_resolver_run(b.resolver);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("mailauth spf: %zu checks, concurrency %zu: %.2f s, %.0f "
	       "checks/s (pass %lu fail %lu softfail %lu neutral %lu none %lu "
	       "temperror %lu permerror %lu)\n",
	       b.done, conc, secs, (double)b.done / secs, b.results[SPF_PASS],
	       b.results[SPF_FAIL], b.results[SPF_SOFTFAIL],
	       b.results[SPF_NEUTRAL], b.results[SPF_NONE],
	       b.results[SPF_TEMPERROR], b.results[SPF_PERMERROR]);
	dns_resolver_free(&b.resolver);
	return 0;
}
