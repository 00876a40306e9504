/*
 * msg-report-kind.h - whether a message is itself a DMARC report, told
 * from its top-level header fields alone (cheap: no body, no MIME walk).
 *
 * Why: RFC 9991 (DMARC failure reporting) section 5.1 warns that
 * reports may "produce subsequent failure reports that could cause mail
 * loops"; a failure report is never sent about a report.  The
 * authoritative parser of received reports is msgauth-ingest.h; this is
 * the quick test the delivery path affords for every message.
 *
 * A message is classified as
 *  - MSG_REPORT_FAILURE: Content-Type multipart/report with
 *    report-type=feedback-report (RFC 5965 section 2, the format RFC
 *    6591 and RFC 9991 section 2 use for failure reports);
 *  - MSG_REPORT_OTHER: multipart/report with another report-type (RFC
 *    6522: a delivery status notification is a report too);
 *  - MSG_REPORT_AGGREGATE: an RFC 9990 section 5 aggregate report shape:
 *    a Subject starting "Report Domain:" (5.2 "Subject"), or a top-level
 *    Content-Type application/gzip, application/zip, text/xml or
 *    application/xml (and their x- variants) whose name= parameter, or
 *    Content-Disposition filename=, looks like the report file name
 *    "receiver!policy-domain!begin!end..." (5.2 "Filename": at least
 *    three '!');
 *  - MSG_REPORT_NONE otherwise.
 * An attachment inside a multipart/mixed body is not seen (header
 * only); such reports are caught by their Subject.
 *
 * Content-Type and Content-Disposition are parsed as RFC 2045 5.1 /
 * RFC 2183 2: type "/" subtype *(";" attribute "=" value) with value a
 * token or quoted-string, CFWS (comments included) between the parts,
 * names ASCII case-insensitive.  A field that does not parse counts as
 * absent.  Several Content-Type fields: the first counts.
 *
 * Memory: a struct msg_report_classifier is a few flags, no allocation.
 */
#ifndef MA_MSG_REPORT_KIND_H
#define MA_MSG_REPORT_KIND_H

#include <stdbool.h>
#include <stddef.h>

enum msg_report_kind {
	MSG_REPORT_NONE,
	MSG_REPORT_AGGREGATE,
	MSG_REPORT_FAILURE,
	MSG_REPORT_OTHER,
};

struct msg_report_classifier {
	bool content_type_seen;
	enum msg_report_kind by_type;	     /* from Content-Type */
	bool archive_type;		     /* gzip/zip/xml top-level type */
	bool report_name;		     /* name=/filename= a!b!c!d */
	bool subject_report;		     /* Subject: Report Domain: */
};

/* Start a message. */
void msg_report_kind_init(struct msg_report_classifier *k);

/* One header field: its name and its (unfolded or folded) value, as
 * msg-header.h hands them over.  Fields other than Content-Type,
 * Content-Disposition and Subject are ignored. */
void msg_report_kind_field(struct msg_report_classifier *k, const char *name,
			   size_t name_len, const char *value,
			   size_t value_len);

/* The verdict after the header's last field. */
enum msg_report_kind msg_report_kind_result(const struct msg_report_classifier *k);

/* "none", "aggregate", "failure", "other" */
const char *msg_report_kind_str(enum msg_report_kind kind);

#endif
