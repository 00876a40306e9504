/*
 * opendmarc-oracle.c - an independent DMARC verdict from Debian's
 * libopendmarc (RFC 7489), used by check_dmarc_oracle to compare our
 * evaluation with OpenDMARC's on the cases where RFC 7489 and RFC 9989
 * agree.  Test tool only, never installed.
 *
 * stdin, one case per line, TAB-separated:
 *   RECORD  FROM-DOMAIN  ORG-DOMAIN|-  DKIM-D|-  pass|fail  SPF-D|-  pass|fail
 * ORG-DOMAIN is the domain the record was found at when it is not the
 * From domain (OpenDMARC then applies sp=).  stdout, one line per case:
 * the value of opendmarc_get_policy_to_enforce() as
 *   pass | reject | quarantine | none | absent | error
 * followed by " dkim=0|1 spf=0|1" (opendmarc_policy_fetch_alignment).
 * The Organizational Domain list is Debian's publicsuffix file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <netinet/in.h>

#include <opendmarc/dmarc.h>

#define PSL_FILE "/usr/share/publicsuffix/public_suffix_list.dat"
#define MAX_FIELDS 7

static int split(char *line, char *f[MAX_FIELDS]);
static const char *policy_token(int p);
static void one_case(char *f[MAX_FIELDS]);

static int
split(char *line, char *f[MAX_FIELDS])
{
	int n = 0;
	char *save = NULL, *tok;

	line[strcspn(line, "\n")] = '\0';
	for (tok = strtok_r(line, "\t", &save); tok != NULL && n < MAX_FIELDS;
	     tok = strtok_r(NULL, "\t", &save))
		f[n++] = tok;
	return n;
}

static const char *
policy_token(int p)
{
	switch (p) {
	case DMARC_POLICY_PASS:
		return "pass";
	case DMARC_POLICY_REJECT:
		return "reject";
	case DMARC_POLICY_QUARANTINE:
		return "quarantine";
	case DMARC_POLICY_NONE:
		return "none";
	case DMARC_POLICY_ABSENT:
		return "absent";
	}
	return "error";
}

static void
one_case(char *f[MAX_FIELDS])
{
	static u_char ip[] = "192.0.2.1", sel[] = "sel";
	DMARC_POLICY_T *pctx = opendmarc_policy_connect_init(
		ip, DMARC_POLICY_IP_TYPE_IPV4);
	int p, dkim_al = 0, spf_al = 0;
	u_char *org = strcmp(f[2], "-") == 0 ? NULL : (u_char *)f[2];

	if (pctx == NULL ||
	    opendmarc_policy_store_from_domain(pctx, (u_char *)f[1]) != 0 ||
	    opendmarc_policy_store_dmarc(pctx, (u_char *)f[0], (u_char *)f[1],
					 org) != DMARC_PARSE_OKAY) {
		printf("error\n");
		goto out;
	}
	if (strcmp(f[3], "-") != 0)
		opendmarc_policy_store_dkim(pctx, (u_char *)f[3],
			sel, strcmp(f[4], "pass") == 0 ?
			DMARC_POLICY_DKIM_OUTCOME_PASS :
			DMARC_POLICY_DKIM_OUTCOME_FAIL, NULL);
	if (strcmp(f[5], "-") != 0)
		opendmarc_policy_store_spf(pctx, (u_char *)f[5],
			strcmp(f[6], "pass") == 0 ?
			DMARC_POLICY_SPF_OUTCOME_PASS :
			DMARC_POLICY_SPF_OUTCOME_FAIL,
			DMARC_POLICY_SPF_ORIGIN_MAILFROM, NULL);
	p = opendmarc_get_policy_to_enforce(pctx);
	opendmarc_policy_fetch_alignment(pctx, &dkim_al, &spf_al);
	printf("%s dkim=%d spf=%d\n", policy_token(p),
	       dkim_al == DMARC_POLICY_DKIM_ALIGNMENT_PASS,
	       spf_al == DMARC_POLICY_SPF_ALIGNMENT_PASS);
out:
	if (pctx != NULL)
		opendmarc_policy_connect_shutdown(pctx);
}

int
main(void)
{
	OPENDMARC_LIB_T lib;
	char line[4096], *f[MAX_FIELDS];

	memset(&lib, 0, sizeof(lib));
	lib.tld_type = OPENDMARC_TLD_TYPE_MOZILLA;
	strncpy((char *)lib.tld_source_file, PSL_FILE,
		sizeof(lib.tld_source_file) - 1);
	if (opendmarc_policy_library_init(&lib) != DMARC_PARSE_OKAY) {
		fprintf(stderr, "opendmarc-oracle: library init failed\n");
		return 1;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (split(line, f) != MAX_FIELDS) {
			printf("error\n");
			continue;
		}
		one_case(f);
		fflush(stdout);
	}
	opendmarc_policy_library_shutdown(&lib);
	return 0;
}
