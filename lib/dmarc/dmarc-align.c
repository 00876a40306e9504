/*
 * dmarc-align.c - domain comparisons for Identifier Alignment, RFC 9989
 * 3.2.10 and 4.4 (see dmarc-align.h).  Organizational Domains themselves come
 * from the tree walk (dmarc-discover.c) or the PSL.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "dmarc/dmarc-align.h"

static size_t
domain_len(const char *d)
{
	size_t n = strlen(d);

	return n > 0 && d[n - 1] == '.' ? n - 1 : n;
}

bool
dmarc_domain_eq(const char *a, const char *b)
{
	size_t la = domain_len(a), lb = domain_len(b);

	return la == lb && strncasecmp(a, b, la) == 0;
}

unsigned int
dmarc_label_count(const char *domain)
{
	size_t len = domain_len(domain), i;
	unsigned int n;

	if (len == 0)
		return 0;
	for (n = 1, i = 0; i < len; i++)
		if (domain[i] == '.')
			n++;
	return n;
}

const char *
dmarc_domain_suffix(const char *domain, unsigned int labels)
{
	unsigned int have = dmarc_label_count(domain);

	while (have > labels) {
		const char *dot = strchr(domain, '.');

		if (dot == NULL)
			break;
		domain = dot + 1;
		have--;
	}
	return domain;
}

bool
dmarc_domains_related(const char *a, const char *b)
{
	return dmarc_domain_eq(dmarc_domain_suffix(a, 1),
			       dmarc_domain_suffix(b, 1));
}
