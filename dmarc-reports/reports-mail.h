/*
 * reports-mail.h - the aggregate report message (RFC 9990 section 5
 * "Email"): the XML compressed with gzip (RFC 1952) as an
 * application/gzip part (RFC 6713) named
 *   receiver!policy-domain!begin!end!unique-id.xml.gz
 * and the Subject
 *   Report Domain: policy-domain Submitter: receiver Report-ID: <id>
 * with the same Report-ID as the XML's report_id and the file name's
 * unique-id (which is why the id is letters and digits only).
 *
 * Lines end in LF (what sendmail -t reads and what --out writes).
 * Every name that reaches a header was checked by the caller
 * (dmarc_report_domain_valid, dmarc_report_id_valid).
 *
 * Memory: the message is appended to the caller's buffer.
 */
#ifndef REPORTS_MAIL_H
#define REPORTS_MAIL_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct reports_rua;

struct reports_mail {
	const char *from;	   /* ReportEmail */
	const char *receiver;	   /* its domain: Submitter, file name */
	const char *policy_domain;
	const char *report_id;	   /* [A-Za-z0-9]+ */
	uint64_t begin, end;
	uint64_t date;		   /* Date: */
	const struct reports_rua *to;
	size_t nto;
	const char *xml;
	size_t xml_len;
};

/* The file name of the attachment (arena-free: into `out`). */
void reports_mail_filename(const struct reports_mail *m, struct buf *out);

/* Append the whole message.  0, or -1 with a static *error_r (gzip). */
int reports_mail_build(const struct reports_mail *m, struct buf *out,
		       const char **error_r);

#endif
