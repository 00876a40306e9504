/*
 * dmarc-report.h - the XML of one DMARC aggregate report, RFC 9990
 * (draft-ietf-dmarc-aggregate-reporting-32) section 3 and its XSD
 * (namespace urn:ietf:params:xml:ns:dmarc-2.0, version 1.0): one report
 * per DMARC Policy Domain and period (3.1), the policy as published
 * (3.1.1.2: no pct; np, testing and discovery_method), one <record> per
 * row (source_ip, count, policy_evaluated with its reasons, identifiers,
 * auth_results with every DKIM signature's selector).  The disposition
 * is the XSD's ActionDispositionType: a message delivered as is that
 * passed DMARC under an enforcing policy (p=quarantine / reject) is
 * "pass", otherwise what was done (none, quarantine, reject).
 *
 * Every text that reaches the document goes through xml_escape()
 * (util/xml.h); domain names must in addition be host names
 * (dmarc_report_domain_valid()), and the Report-ID a dot-atom (3.2.1
 * ridfmt) - a value that is neither is refused, never repaired.
 *
 * Memory: dmarc_report_xml() appends to the caller's buffer; scratch
 * memory comes from the arena given.
 */
#ifndef MA_DMARC_REPORT_H
#define MA_DMARC_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dmarc/dmarc-history.h"

struct arena;
struct buf;

/* The schema's namespace (RFC 9990 section 3, appendix A). */
#define DMARC_REPORT_XMLNS "urn:ietf:params:xml:ns:dmarc-2.0"

/* One <record>: the messages of one (source_ip, disposition, results,
 * identifiers) tuple. */
struct dmarc_report_row {
	uint64_t count;
	/* source_ip, identifiers, auth_results and policy_evaluated come
	 * from this history record (all of the row's records share them) */
	const struct dmarc_history *h;
};

struct dmarc_report {
	const char *org_name;	   /* ReportOrganization */
	const char *email;	   /* ReportEmail / ReportContact */
	const char *extra_contact; /* or NULL */
	const char *report_id;	   /* ridfmt, without <> */
	const char *generator;	   /* or NULL */
	uint64_t begin, end;	   /* UTC, seconds since the epoch */
	const char *policy_domain;
	const char *record;	   /* the DMARC record text published */
	const char *discovery;	   /* "treewalk" or "psl", or NULL */
	const struct dmarc_report_row *rows;
	size_t nrows;		   /* at least one (the XSD needs one) */
};

/* Append the report's XML document to `out`.  0, or -1 with a static
 * *error_r (a field XML or the schema cannot carry; no rows; a record
 * text that is not DMARC).  On failure `out` may hold a partial
 * document. */
int dmarc_report_xml(const struct dmarc_report *r, struct arena *arena,
		     struct buf *out, const char **error_r);

/* Whether `name` is a host name fit for a report (RFC 9990 domain-name:
 * LDH labels and '_' of 1..63 octets, at most 253 octets, no final dot;
 * A-labels only): what may stand in a Subject, a file name or XML. */
bool dmarc_report_domain_valid(const char *name);

/* Whether `id` is a Report-ID ridfmt (RFC 9990 3.2.1: dot-atom-text
 * ["@" dot-atom-text], RFC 5322 3.2.3). */
bool dmarc_report_id_valid(const char *id);

#endif
