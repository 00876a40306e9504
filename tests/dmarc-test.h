/*
 * dmarc-test.h - shared helpers of the DMARC test programs: a libunbound
 * resolver serving local zone data (no server; the real libunbound code
 * answers from local-zone / local-data), and a log hook that records the
 * _dmarc names a check queried, in order.
 */
#ifndef DMARC_TEST_H
#define DMARC_TEST_H

#include <stddef.h>

#include "dmarc/dmarc.h"

/* Zones every test resolver declares static (so nothing leaves the
 * machine): com, net, org, example. */
struct dns_resolver *dmarc_test_resolver(const char *local_data);

#define DMARC_TEST_MAX_NAMES 32
struct dmarc_test_trace {
	char names[DMARC_TEST_MAX_NAMES][256];
	size_t count;
};

/* Evaluate: From value `from` (NULL = no From), DKIM results, SPF.
 * The verdict's strings are copied to static storage of the caller's
 * arena. */
void dmarc_test_eval(struct dns_resolver *r, const struct dmarc_settings *set,
		     const char *from, const struct dmarc_dkim *dkim,
		     size_t ndkim, const char *spf_domain, bool spf_pass,
		     struct arena *arena, struct dmarc_verdict *v,
		     struct dmarc_test_trace *trace);

#endif
