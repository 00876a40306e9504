/*
 * dmarc-discover.h - the pure parts of RFC 9989 section 4.10: which names
 * a DNS Tree Walk queries, when it stops, how a DNS answer becomes "a
 * record / no record / temperror", the Organizational Domain selection
 * (4.10.2) and the policy record selection (4.10.1).  dmarc.c drives the
 * queries; these functions do no I/O, so tests check them directly
 * against the RFC text as well as through real DNS.
 *
 * Memory: returned domain pointers point into the caller's strings;
 * records and texts are allocated in the given arena.
 */
#ifndef MA_DMARC_DISCOVER_H
#define MA_DMARC_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "dmarc/dmarc.h"

struct arena;
struct dns_result;

/* One name visited by a walk: NULL record = no (single) DMARC record. */
struct dmarc_walk_step {
	const char *domain;
	const struct dmarc_record *record;
};

/* The names a Tree Walk starting at `domain` visits, in order, if it does
 * not stop early (4.10 steps 1-7): the domain itself, then (when it has
 * more than eight labels) its 7-label suffix, then each shorter suffix
 * down to one label.  Pointers into `domain`; returns the count
 * (<= DMARC_WALK_MAX_QUERIES). */
size_t dmarc_walk_names(const char *domain,
			const char *names_r[DMARC_WALK_MAX_QUERIES]);

/* 4.10 steps 2 and 6: a record with psd=y or psd=n ends the walk. */
bool dmarc_walk_stops(const struct dmarc_record *record);

enum dmarc_lookup_state {
	DMARC_LOOKUP_RECORD,	/* exactly one DMARC record */
	DMARC_LOOKUP_NONE,	/* none, several, NXDOMAIN, NODATA, bad name */
	DMARC_LOOKUP_TEMPERROR, /* SERVFAIL, timeout */
};

/* Classify the TXT answer for _dmarc.NAME; on DMARC_LOOKUP_RECORD fill
 * *record_r and *text_r (arena). */
enum dmarc_lookup_state dmarc_lookup_classify(const struct dns_result *res,
					      struct arena *arena,
					      struct dmarc_record *record_r,
					      const char **text_r);

/* 4.10.2: the Organizational Domain of steps[0].domain from the steps of
 * its walk (longest name first). */
const char *dmarc_org_select(const struct dmarc_walk_step *steps, size_t n);

/* 4.10.1: index of the step whose record applies to the Author Domain
 * steps[0].domain (its own, else its Organizational Domain's, else the
 * Public Suffix Domain's), or -1 if none. */
int dmarc_policy_select(const struct dmarc_walk_step *steps, size_t n,
			const char *org_domain);

#endif
