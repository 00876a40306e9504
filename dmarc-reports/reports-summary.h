/*
 * reports-summary.h - `dmarc-reports summary`: what the received
 * aggregate reports (RFC 9990) and failure reports (RFC 9991) say about
 * each policy domain over a period, the way a domain owner asks it: how
 * many messages, what share passes DMARC, which sources send them, how
 * each passes or fails and why, and which sources would lose mail if
 * the policy became p=quarantine or p=reject.
 *
 * A row passes DMARC when its policy_evaluated dkim or spf is "pass"
 * (RFC 9990 3.1.1.3: the reporter's aligned verdicts).  A row counts on
 * the UTC day its report's date_range begins.  Only the policy domains
 * in ReportDomains (and their subdomains) are summarized unless `all`;
 * the reports about other domains are counted apart.
 *
 *   reports-summary.c       aggregation (this header)
 *   reports-summary-text.c  the text a terminal shows
 *   reports-summary-json.c  the same as JSON (--json)
 *   reports-html.c          the HTML page
 *   reports-names.c         reverse DNS names of the top sources
 *
 * Memory: everything lives in the arena given to reports_summary_new();
 * reports_summary_add() copies what it keeps, so the caller may free the
 * report after it.  Every string is the reporter's (untrusted): writers
 * escape it.
 */
#ifndef REPORTS_SUMMARY_H
#define REPORTS_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct dmarc_received;
struct reports_index;

#define SUMMARY_DAY 86400
#define SUMMARY_MAX_DAYS 3660
/* Distinct DKIM domains, SPF domains, reasons, reporters kept per item;
 * the rest is counted as "other". */
#define SUMMARY_MAX_TALLIES 8
/* Longest string kept from a report (a reporter's name, a domain). */
#define SUMMARY_MAX_STRING 255
/* Sources shown per domain (the biggest), and their names looked up;
 * the rest are summed in one line. */
#define SUMMARY_TOP_SOURCES 25
/* Failure reports listed per domain (the newest). */
#define SUMMARY_MAX_FAILURES 200
/* Policy domains shown (the biggest by messages, then by failure
 * reports): anyone can mail reports about any number of subdomains of
 * a ReportDomain (or, with --all, of anything); the rest are summed in
 * one line, so the page and the PTR lookups stay bounded. */
#define SUMMARY_MAX_DOMAINS 50
/* What the summary keeps in memory, whatever the reports hold: distinct
 * sources over all domains (about 1 KB each: a 100,000-row report of
 * distinct addresses fits twice), and policy domains; the rows of a
 * source past the cap are summed in its domain's `rest` (unkept), the
 * reports about a domain past the cap in rest_domains (unkept). */
#define SUMMARY_MAX_SOURCES 200000
#define SUMMARY_MAX_KEPT_DOMAINS 1000

struct summary_tally {
	const char *what;
	uint64_t n;
};
struct summary_tallies {
	struct summary_tally t[SUMMARY_MAX_TALLIES];
	size_t n;
	uint64_t other;
};

/* One sending source (row.source_ip) of one policy domain. */
struct summary_source {
	const char *ip;
	const char *name;	/* reverse DNS name, or NULL (reports-names.c) */
	uint64_t total, pass, fail;
	uint64_t pass_dkim, pass_spf; /* passing rows with dkim / spf pass */
	uint64_t disposed;	/* quarantined or rejected by the reporter */
	struct summary_tallies dkim_domains; /* "DOMAIN RESULT" */
	struct summary_tallies spf_domains;  /* "DOMAIN RESULT" */
	struct summary_tallies reasons;	     /* why failing rows failed */
	bool looked_up;		/* private: reports-names.c asked for it */
};

/* Shown sources that share a name: the reverse DNS name without its
 * first label when it has three or more ("mail-a1.google.com" and
 * "mail-b2.google.com" both group as "google.com"), the whole name
 * otherwise, or the IP when no name is known. */
struct summary_group {
	const char *name;
	uint64_t total, pass, fail;
	struct summary_source **sources;
	size_t nsources;
};

/* One failure report (RFC 9991 / RFC 6591 fields). */
struct summary_failure {
	uint64_t received;
	const char *reporter, *source_ip, *feedback_type, *auth_failure,
		*mail_from, *dkim_domain, *arrival_date, *delivery_result;
};

struct summary_domain {
	const char *domain;
	const char *policy;	/* p= of its newest aggregate report */
	uint64_t policy_time;
	uint64_t reports, total, pass;
	uint64_t *day_pass, *day_fail; /* [ndays] */
	struct summary_tallies reporters;
	struct summary_source **sources; /* by total, then IP */
	size_t nsources;
	/* sources with failing rows, by failing volume: the mail that
	 * p=quarantine / p=reject would have stopped */
	struct summary_source **losing;
	size_t nlosing;
	/* the first SUMMARY_TOP_SOURCES sources, grouped by name, the
	 * groups by total (reports_summary_group()) */
	struct summary_group *groups;
	size_t ngroups, nshown;
	/* the sources after the shown ones, summed (name NULL, no
	 * sources array; nsources counts them), with the unkept rows */
	struct summary_group rest;
	/* rows of sources past SUMMARY_MAX_SOURCES, summed */
	uint64_t unkept_rows, unkept_total, unkept_pass;
	struct summary_failure *failures;
	size_t nfailures;
	uint64_t failures_total;
	/* private */
	struct reports_index *by_ip;
	size_t sources_cap;
};

struct reports_summary {
	uint64_t since;		/* first second of the first day */
	unsigned int ndays;
	struct summary_domain **domains; /* by name */
	size_t ndomains;
	/* reports about policy domains outside ReportDomains: kept apart */
	uint64_t other_reports;
	struct summary_tallies other_domains;
	/* the domains after the SUMMARY_MAX_DOMAINS shown, summed */
	struct {
		size_t n;
		uint64_t reports, total, pass, failures;
		uint64_t unkept; /* reports past SUMMARY_MAX_KEPT_DOMAINS */
	} rest_domains;
	/* private */
	struct arena *arena;
	const char *const *report_domains;
	const char *only;
	struct reports_index *by_domain;
	size_t domains_cap;
	size_t nsources_kept;
};

/* A summary of the `ndays` UTC days ending with the one holding `now`.
 * `report_domains`: NULL-terminated, or NULL for every domain; `only`:
 * one domain (--domain), or NULL.  Both are kept by reference. */
struct reports_summary *
reports_summary_new(struct arena *arena, uint64_t now, unsigned int ndays,
		    const char *const *report_domains, const char *only);
/* Count one report, unless its period lies outside the summary's. */
void reports_summary_add(struct reports_summary *s,
			 const struct dmarc_received *r);
/* Keep the SUMMARY_MAX_DOMAINS biggest domains (the rest summed in
 * rest_domains), sort them by name and their sources, fill `losing`;
 * after the last add. */
void reports_summary_finish(struct reports_summary *s);

/* Group each domain's shown sources by name (after their names were
 * looked up). */
void reports_summary_group(struct reports_summary *s);

/* The text for a terminal (every byte outside printable ASCII of a
 * reporter's string written as \xHH). */
void reports_summary_text(const struct reports_summary *s, struct buf *out);
/* The summary as one JSON object (RFC 8259), reporters' strings
 * escaped (reports-json.h); the same bounds as the text. */
void reports_summary_json(const struct reports_summary *s, struct buf *out);
/* The self-contained HTML page; `generated` is the time it names. */
void reports_html(const struct reports_summary *s, uint64_t generated,
		  struct buf *out);

#endif
