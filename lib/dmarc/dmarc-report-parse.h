/*
 * dmarc-report-parse.h - read a DMARC aggregate report (XML) another
 * receiver sent into struct dmarc_received (kind aggregate): the reader
 * paired with the report writer dmarc-report.h.
 *
 * Reads RFC 9990 (namespace urn:ietf:params:xml:ns:dmarc-2.0, schema
 * "rfc9990") and RFC 7489 appendix C (no namespace, or the draft's
 * http://dmarc.org/dmarc-xml/0.1: schema "rfc7489"); the root element
 * must be <feedback> (any prefix).  The fields of dmarc-received.h:
 * report_metadata (org_name, email, extra_contact_info, report_id,
 * date_range), policy_published (domain, adkim, aspf, p, sp, np,
 * testing, fo, discovery_method; pct and anything else ignored), and
 * per <record>: row (source_ip, count, policy_evaluated: disposition,
 * dkim, spf, reason: type, comment), identifiers (header_from,
 * envelope_from, envelope_to), auth_results (dkim: domain, selector,
 * result; spf: domain, scope, result).
 *
 * Tolerant of what real reporters write: white space around values is
 * trimmed, an empty or missing optional element is NULL, unknown
 * elements (extensions, <error>, human_result, ...) are skipped, element
 * order is not checked.  Every value is kept as the reporter's text
 * (untrusted: the summary decides what it means); only the tokens of a
 * closed vocabulary (adkim, aspf, p, sp, np, testing, discovery_method,
 * disposition, policy_evaluated dkim / spf, reason type, auth_results
 * result and scope) are lower-cased (ASCII).  Refused, with a reason:
 * XML the reader (util/xml-parse.h) refuses (a DOCTYPE, an entity, bad
 * UTF-8, the caps), another root or namespace, a report without
 * report_id, org_name, policy domain or date_range, a count, begin or
 * end that is not a decimal number, more rows than the cap, a report
 * head (report_metadata and policy_published, repeats included) or a
 * record that could not be written as one line of dmarc-received(5)
 * (DMARC_RECEIVED_MAX_LINE, counting 3 octets for each octet of value:
 * what is read can always be stored and read back, and one record's
 * memory is bounded however often its elements repeat).
 *
 * Rows are either collected into the report (max_rows caps them) or
 * handed one at a time to a callback (for a 100,000-row report: memory
 * stays that of one row).  Memory: the report and the collected rows
 * are allocated from the caller's arena; a row handed to the callback
 * lives during the callback only.
 */
#ifndef MA_DMARC_REPORT_PARSE_H
#define MA_DMARC_REPORT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "dmarc/dmarc-received.h"

struct arena;
struct xml_parse_limits;
struct dmarc_report_parse;

#define DMARC_REPORT_NS_RFC9990 "urn:ietf:params:xml:ns:dmarc-2.0"
#define DMARC_REPORT_NS_DRAFT "http://dmarc.org/dmarc-xml/0.1"

/* One row; `head` is the report so far (report_metadata and
 * policy_published precede the records in both schemas).  Return 0, or
 * -1 to stop the parse (it then fails with "stopped"). */
typedef int dmarc_report_row_cb(void *ctx, const struct dmarc_received *head,
				const struct dmarc_received_row *row);

/* A new parse.  `xml_limits` NULL: xml_parse_limits_default's.
 * max_rows: rows allowed (0: no cap).  row_cb NULL: rows are collected
 * into the report. */
struct dmarc_report_parse *
dmarc_report_parse_new(struct arena *arena,
		       const struct xml_parse_limits *xml_limits,
		       uint64_t max_rows, dmarc_report_row_cb *row_cb,
		       void *ctx);
void dmarc_report_parse_free(struct dmarc_report_parse **p_p);

/* The next piece of the XML.  0, or -1 with a static *error_r (final). */
int dmarc_report_parse_feed(struct dmarc_report_parse *p, const void *data,
			    size_t len, const char **error_r);
/* The end of the XML: 0 with *r_r (its `received` set, allocated from the
 * arena; rows NULL and nrows the count when they went to the callback),
 * or -1 with a static *error_r. */
int dmarc_report_parse_finish(struct dmarc_report_parse *p, uint64_t received,
			      struct dmarc_received **r_r,
			      const char **error_r);

/* The whole document at once, rows collected. */
int dmarc_report_parse(const char *xml, size_t len, struct arena *arena,
		       uint64_t max_rows, uint64_t received,
		       struct dmarc_received **r_r, const char **error_r);

#endif
