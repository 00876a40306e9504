/*
 * dmarc-failure-parse.h - read a DMARC failure report (an ARF report,
 * RFC 5965, with report-type=feedback-report in a multipart/report, RFC
 * 6522) into a struct dmarc_received of kind failure:
 *   - the message/feedback-report part's fields: Feedback-Type (RFC
 *     5965 3.1; only "auth-failure", RFC 6591 3.1, is a DMARC failure
 *     report), Auth-Failure, Source-IP, Original-Mail-From,
 *     Arrival-Date, Reported-Domain (the policy domain), DKIM-Domain,
 *     DKIM-Selector, Delivery-Result (RFC 6591 3.1), Identity-Alignment
 *     (RFC 9991 4), Reporting-MTA (the reporter);
 *   - the reported message's Subject and Message-ID, from the
 *     text/rfc822-headers or message/rfc822 part (RFC 6591 3.3 allows
 *     either).
 * Field values are unfolded, trimmed and cut at
 * DMARC_FAILURE_MAX_VALUE octets; all untrusted.  begin = end =
 * Arrival-Date (or the time received when absent or unreadable).
 *
 * Memory: the report and its strings come from the caller's arena.
 */
#ifndef MA_DMARC_FAILURE_PARSE_H
#define MA_DMARC_FAILURE_PARSE_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct dmarc_received;

/* Hostile-input bound of one field value kept. */
#define DMARC_FAILURE_MAX_VALUE 1024
/* The feedback-report part and the reported header read at most. */
#define DMARC_FAILURE_MAX_PART (64 * 1024)

/* `report` (len bytes): the message/feedback-report part's content;
 * `headers` (may be NULL): the reported message's header (or whole
 * message); `received` when we got it.  0 with *r_r, or -1 with a
 * static *error_r (no Feedback-Type, not auth-failure, no
 * Reported-Domain). */
int dmarc_failure_parse(const char *report, size_t report_len,
			const char *headers, size_t headers_len,
			uint64_t received, struct arena *arena,
			struct dmarc_received **r_r, const char **error_r);

#endif
