/*
 * dmarc-discover.c - RFC 9989 4.10 tree walk logic and the RFC 7489
 * Public Suffix List alternative (see dmarc-discover.h, dmarc.h).
 */
#include "config.h"

#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "dmarc/dmarc-discover.h"
#include "dns/dns.h"
#include "util/xalloc.h"

/* RFC 9989 4.10 step 4: "remove ... labels ... until 7 labels remain" */
#define DMARC_WALK_SHORTENED_LABELS 7

size_t
dmarc_walk_names(const char *domain,
		 const char *names_r[DMARC_WALK_MAX_QUERIES])
{
	unsigned int x = dmarc_label_count(domain), labels;
	size_t n = 0;

	if (x == 0)
		return 0;
	names_r[n++] = domain;
	labels = x - 1;
	if (labels > DMARC_WALK_SHORTENED_LABELS)
		labels = DMARC_WALK_SHORTENED_LABELS;
	for (; labels >= 1; labels--)
		names_r[n++] = dmarc_domain_suffix(domain, labels);
	return n;
}

bool
dmarc_walk_stops(const struct dmarc_record *record)
{
	return record != NULL && record->psd != DMARC_PSD_U;
}

enum dmarc_lookup_state
dmarc_lookup_classify(const struct dns_result *res, struct arena *arena,
		      struct dmarc_record *record_r, const char **text_r)
{
	const struct dns_rr *found = NULL;
	const char *err;
	size_t i, ndmarc = 0;

	switch (res->outcome) {
	case DNS_SERVFAIL:
	case DNS_TIMEOUT:
		return DMARC_LOOKUP_TEMPERROR;
	case DNS_NODATA:
	case DNS_NXDOMAIN:
	case DNS_BADNAME:
		return DMARC_LOOKUP_NONE;
	case DNS_ANSWER:
		break;
	}
	for (i = 0; i < res->count; i++) {
		const struct dns_rr *rr = &res->rrs[i];

		if (rr->type == DNS_T_TXT &&
		    dmarc_record_is_dmarc(rr->u.txt.text, rr->u.txt.text_len)) {
			ndmarc++;
			found = rr;
		}
	}
	/* 4.10 step 2: several DMARC records are all discarded */
	if (ndmarc != 1 ||
	    dmarc_record_parse(found->u.txt.text, found->u.txt.text_len, arena,
			       record_r, &err) < 0)
		return DMARC_LOOKUP_NONE;
	*text_r = arena_memdup0(arena, found->u.txt.text,
			       found->u.txt.text_len);
	return DMARC_LOOKUP_RECORD;
}

const char *
dmarc_org_select(const struct dmarc_walk_step *steps, size_t n)
{
	const char *start = steps[0].domain, *org = NULL;
	size_t i;

	/* the walk stops at the first psd=y/n, so it is the last record */
	for (i = 0; i < n; i++) {
		const struct dmarc_record *rec = steps[i].record;

		if (rec == NULL)
			continue;
		if (rec->psd == DMARC_PSD_N)
			return steps[i].domain;
		if (rec->psd == DMARC_PSD_Y && i > 0)
			return dmarc_domain_suffix(
				start, dmarc_label_count(steps[i].domain) + 1);
		org = steps[i].domain; /* fewest labels so far */
	}
	return org != NULL ? org : start;
}

int
dmarc_policy_select(const struct dmarc_walk_step *steps, size_t n,
		    const char *org_domain)
{
	size_t i;

	if (n == 0)
		return -1;
	if (steps[0].record != NULL)
		return 0;
	for (i = 1; i < n; i++)
		if (steps[i].record != NULL &&
		    dmarc_domain_eq(steps[i].domain, org_domain))
			return (int)i;
	for (i = 1; i < n; i++)
		if (steps[i].record != NULL &&
		    steps[i].record->psd == DMARC_PSD_Y)
			return (int)i;
	return -1;
}

struct dmarc_psl {
	psl_ctx_t *ctx;
};

int
dmarc_psl_load(const char *file, struct dmarc_psl **psl_r,
	       const char **error_r)
{
	psl_ctx_t *ctx = psl_load_file(file != NULL ? file :
				       DMARC_DEBIAN_PSL_FILE);

	if (ctx == NULL) {
		*error_r = "cannot load the Public Suffix List";
		return -1;
	}
	*psl_r = ma_malloc(sizeof(**psl_r));
	(*psl_r)->ctx = ctx;
	return 0;
}

void
dmarc_psl_free(struct dmarc_psl **psl_p)
{
	if (*psl_p == NULL)
		return;
	psl_free((*psl_p)->ctx);
	free(*psl_p);
	*psl_p = NULL;
}

const char *
dmarc_psl_org_domain(const struct dmarc_psl *psl, const char *domain)
{
	const char *reg = psl_registrable_domain(psl->ctx, domain);

	return reg != NULL ? reg : domain;
}
