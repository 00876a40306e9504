/*
 * dmarc-bench - DMARC evaluation throughput of libmailauth, next to
 * OpenDMARC's library (Debian libopendmarc) in the same run.
 *
 *   dmarc-bench [--min-time SECONDS]
 *
 * Three measurements, each repeated for at least --min-time seconds
 * (default 1), printed as "NAME per_s X":
 *   ours_policy      From field -> Author Domain, record parse, relaxed
 *                    DKIM and SPF alignment by the Public Suffix List,
 *                    policy: the no-DNS part of an evaluation
 *   opendmarc_policy the same inputs through libopendmarc (store_from,
 *                    store_dmarc, store_dkim, store_spf,
 *                    get_policy_to_enforce), which also needs no DNS
 *   ours_tree_walk   a whole RFC 9989 evaluation (tree walk of a 3-label
 *                    Author Domain, DKIM d= a subdomain) through the
 *                    real libunbound code answering from local-data
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "util/arena.h"
#include "dmarc/dmarc.h"
#include "dns/dns.h"
#include "dmarc-bench.h"

static const char from_value[] = " \"Joe Q. Public\" <joe@mail.example.com>";
static const char record[] = "v=DMARC1; p=reject; sp=quarantine; "
			     "rua=mailto:dmarc@example.com; adkim=r; aspf=r";

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long
ours_policy_once(const struct dmarc_psl *psl, struct arena *a)
{
	const char *v = from_value, *domain, *err;
	struct dmarc_record rec;
	const char *org;
	bool aligned;

	if (msg_address_author_domain(&v, NULL, 1, a, &domain, &err) !=
	    MSG_AUTHOR_OK ||
	    dmarc_record_parse(record, sizeof(record) - 1, a, &rec, &err) < 0)
		return 0;
	org = dmarc_psl_org_domain(psl, domain);
	aligned = dmarc_domain_eq(dmarc_psl_org_domain(psl, "d.example.com"),
				  org) ||
		dmarc_domain_eq(dmarc_psl_org_domain(psl, "bounce.example.com"),
				org);
	return aligned && dmarc_record_effective_policy(&rec, true, false) ==
		DMARC_POLICY_QUARANTINE;
}

static struct dns_resolver *
local_resolver(void)
{
	char path[] = "/tmp/dmarc-bench-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct dns_settings set;
	struct dns_resolver *r = NULL;
	const char *err;

	if (fp == NULL)
		return NULL;
	fprintf(fp, "server:\n\tlocal-zone: \"com.\" static\n"
		    "\tlocal-data: '_dmarc.example.com. 300 IN TXT \"%s\"'\n"
		    "\tlocal-data: 'mail.example.com. 300 IN A 192.0.2.1'\n",
		record);
	fclose(fp);
	memset(&set, 0, sizeof(set));
	set.resolver_config = path;
	if (dns_resolver_new(&set, NULL, NULL, &r, &err) < 0)
		fprintf(stderr, "dmarc-bench: %s\n", err);
	unlink(path);
	return r;
}

static unsigned long
ours_walk_once(struct dns_resolver *r, struct arena *a)
{
	static const struct dmarc_settings set = { DMARC_ORG_TREE_WALK, NULL,
						   false };
	const char *v = from_value, *err;
	struct dmarc_dkim dkim = {
		.domain = "d.example.com", .selector = "s",
		.pass = true };
	struct dmarc_request req;
	struct dmarc_verdict verdict;

	memset(&req, 0, sizeof(req));
	req.dkim = &dkim;
	req.ndkim = 1;
	req.spf_result = SPF_PASS;
	req.spf_domain = "bounce.example.com";
	if (dmarc_check_run(r, &set, &v, 1, &req, NULL, a, &verdict, &err) < 0)
		return 0;
	return verdict.result == DMARC_RESULT_PASS;
}

enum which { OURS_POLICY, OPENDMARC_POLICY, OURS_WALK };

static void
measure(const char *name, enum which w, double min_time,
	const struct dmarc_psl *psl, struct dns_resolver *r)
{
	struct arena *a = arena_new(0);
	unsigned long n = 0, ok = 0;
	double start = now_s(), el;

	do {
		for (int i = 0; i < 100; i++, n++) {
			ok += w == OURS_POLICY ? ours_policy_once(psl, a) :
				w == OPENDMARC_POLICY ? opendmarc_bench_once() :
				ours_walk_once(r, a);
			arena_clear(a);
		}
		el = now_s() - start;
	} while (el < min_time);
	printf("%-16s per_s %.0f%s\n", name, (double)n / el,
	       ok == n ? "" : "  (WRONG VERDICTS)");
	arena_free(&a);
}

int
main(int argc, char **argv)
{
	struct dmarc_psl *psl = NULL;
	struct dns_resolver *r;
	double min_time = 1.0;
	const char *err;

	if (argc == 3 && strcmp(argv[1], "--min-time") == 0)
		min_time = atof(argv[2]);
	if (opendmarc_bench_init(DMARC_DEBIAN_PSL_FILE, record) < 0 ||
	    dmarc_psl_load(NULL, &psl, &err) < 0 ||
	    (r = local_resolver()) == NULL) {
		fprintf(stderr, "dmarc-bench: setup failed\n");
		return 1;
	}
	measure("ours_policy", OURS_POLICY, min_time, psl, r);
	measure("opendmarc_policy", OPENDMARC_POLICY, min_time, psl, r);
	measure("ours_tree_walk", OURS_WALK, min_time, psl, r);
	dns_resolver_free(&r);
	dmarc_psl_free(&psl);
	opendmarc_bench_shutdown();
	return 0;
}
