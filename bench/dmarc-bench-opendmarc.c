/*
 * dmarc-bench-opendmarc.c - libopendmarc calls for dmarc-bench (see
 * dmarc-bench.h): the same inputs as ours_policy.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/types.h>

#include <opendmarc/dmarc.h>

#include "dmarc-bench.h"

static OPENDMARC_LIB_T lib;
static u_char rec[512];

int
opendmarc_bench_init(const char *psl_file, const char *record)
{
	memset(&lib, 0, sizeof(lib));
	lib.tld_type = OPENDMARC_TLD_TYPE_MOZILLA;
	strncpy((char *)lib.tld_source_file, psl_file,
		sizeof(lib.tld_source_file) - 1);
	strncpy((char *)rec, record, sizeof(rec) - 1);
	return opendmarc_policy_library_init(&lib) == DMARC_PARSE_OKAY ? 0 : -1;
}

unsigned long
opendmarc_bench_once(void)
{
	static u_char ip[] = "192.0.2.1", from[] = "mail.example.com",
		      org[] = "example.com", d[] = "d.example.com",
		      sel[] = "s", spf[] = "bounce.example.com";
	DMARC_POLICY_T *p = opendmarc_policy_connect_init(
		ip, DMARC_POLICY_IP_TYPE_IPV4);
	int r;

	opendmarc_policy_store_from_domain(p, from);
	opendmarc_policy_store_dmarc(p, rec, from, org);
	opendmarc_policy_store_dkim(p, d, sel, DMARC_POLICY_DKIM_OUTCOME_PASS,
				    NULL);
	opendmarc_policy_store_spf(p, spf, DMARC_POLICY_SPF_OUTCOME_PASS,
				   DMARC_POLICY_SPF_ORIGIN_MAILFROM, NULL);
	r = opendmarc_get_policy_to_enforce(p);
	opendmarc_policy_connect_shutdown(p);
	return r == DMARC_POLICY_PASS;
}

void
opendmarc_bench_shutdown(void)
{
	opendmarc_policy_library_shutdown(&lib);
}
