/*
 * reports-failure-mail.h - the DMARC failure report message (RFC 9991
 * section 4 and Appendix A, in the Abuse Reporting Format of RFC 5965
 * with RFC 6591's auth-failure fields):
 *
 *   multipart/report; report-type=feedback-report   (RFC 5965 2 a, b)
 *     text/plain          a human-readable description (RFC 5965 2 c)
 *     message/feedback-report   dmarc_failure_feedback() (2 d; RFC 6591
 *                         3.1; RFC 9991 4: Identity-Alignment, ...)
 *     text/rfc822-headers the message's header fields (2 e: "If the
 *                         body of the message is not included, the last
 *                         MIME entity would have Content-Type:
 *                         text/rfc822-headers", RFC 9991 Appendix A)
 *
 * Only the header is ever reported (RFC 9991 section 7: privacy); it is
 * sent 7bit when it is printable ASCII with lines of at most 998
 * octets (RFC 5322 2.1.1) and does not hold the boundary, base64
 * otherwise, so no byte of it can break the report's structure.
 * Every value written into the report's own header is checked first (a
 * domain by dmarc_report_domain_valid(), the address by inet_pton());
 * what fails is left out.  Lines end in LF, as reports-mail.h's.
 *
 * Memory: the message is appended to the caller's buffer.
 */
#ifndef REPORTS_FAILURE_MAIL_H
#define REPORTS_FAILURE_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "dmarc/dmarc-failure.h"

struct buf;
struct dmarc_history;
struct reports_rua;

struct reports_failure_mail {
	const char *from;      /* ReportEmail */
	const char *receiver;  /* its domain: the authserv-id and
				  Message-ID domain */
	const char *report_id; /* [A-Za-z0-9]+ */
	uint64_t date;	       /* Date: */
	const struct reports_rua *to;
	size_t nto;
	const struct dmarc_history *h; /* the record reported */
	enum dmarc_failure_kind kind;  /* Auth-Failure */
	const char *spf_dns;	       /* SPF-DNS value, or NULL */
};

/* Append the whole message. */
void reports_failure_mail_build(const struct reports_failure_mail *m,
				struct buf *out);

#endif
