/*
 * dmarc-failure.h - DMARC failure reports (RFC 9991): which reports a
 * record's "fo" tag asks for (DMARCbis section 4.7), and the
 * machine-readable part of one report, the message/feedback-report
 * fields of RFC 5965 section 3.1 as RFC 6591 section 3.1 and RFC 9991
 * section 4 ("Reporting Format Update") define them for auth-failure.
 *
 * Only the pieces that need no I/O: dmarc-reports(8) decides whether a
 * record's ruf is authorized, applies the rate limit and wraps the part
 * into the multipart/report message.
 *
 * Memory: nothing is allocated here except in the caller's buf.
 */
#ifndef MA_DMARC_FAILURE_H
#define MA_DMARC_FAILURE_H

#include <stdbool.h>

struct buf;
struct dmarc_history;

/* DMARCbis 4.7 "fo" values, as bits. */
enum dmarc_fo {
	DMARC_FO_ALL = 1 << 0,	/* "0": all mechanisms failed to produce an
				   aligned pass (the default) */
	DMARC_FO_ANY = 1 << 1,	/* "1": any mechanism failed to */
	DMARC_FO_DKIM = 1 << 2, /* "d": a signature failed evaluation */
	DMARC_FO_SPF = 1 << 3,	/* "s": SPF evaluation failed */
};

/* Which failure reports are due, as bits (RFC 9991 section 4 item 3:
 * Auth-Failure "dmarc"; section 3: mechanism-specific reports;
 * RFC 6591 3.1 Auth-Failure "bodyhash"/"signature" and "spf" are the
 * mechanism-specific ones fo=d and fo=s ask for). */
enum dmarc_failure_kind {
	DMARC_FAILURE_DMARC = 1 << 0,
	DMARC_FAILURE_DKIM = 1 << 1,
	DMARC_FAILURE_SPF = 1 << 2,
};

/* Parse the value of "fo" (NULL: absent).  Returns 0 with the bits in
 * *fo_r, or -1 with *fo_r = DMARC_FO_ALL (the default, as for an invalid
 * tag) and a static *error_r: an unknown value, an empty element, or
 * both "0" and "1" (DMARCbis 4.7: mutually exclusive).  "0" is the
 * default only for an absent tag: fo=d asks for DKIM reports alone. */
int dmarc_fo_parse(const char *value, unsigned int *fo_r,
		   const char **error_r);

/* The failure reports `fo` asks for about the message `h` records
 * (enum dmarc_failure_kind bits, 0 for none).  fo=0: DMARC result fail
 * (neither DKIM nor SPF gave an aligned pass); fo=1: DKIM or SPF gave no
 * aligned pass (also when DMARC passed through the other one); fo=d: a
 * signature's result is fail or permerror; fo=s: SPF fail or permerror.
 * A temperror anywhere in DMARC's own result reports nothing (the
 * verdict is not known). */
unsigned int dmarc_failure_due(const struct dmarc_history *h,
			       unsigned int fo);

/* RFC 9991 section 4 item 2: "dkim", "spf", "dkim, spf", or "none":
 * the mechanisms that failed to authenticate an aligned identity. */
const char *dmarc_failure_identity_alignment(const struct dmarc_history *h);

/* Append the message/feedback-report fields for a report of `kind`
 * (exactly one bit) about `h`, CRLF line ends:
 *   Feedback-Type: auth-failure, User-Agent, Version: 1, Auth-Failure,
 *   Authentication-Results (authserv_id), Identity-Alignment,
 *   DKIM-Domain, DKIM-Identity (h->dkim_identity, its i=) and
 *   DKIM-Selector (of the first failed signature of the From domain,
 *   when there is one), Original-Mail-From (only with
 *   `mail_from`, the MAIL FROM address as the MTA saw it without the
 *   angle brackets, "" for the null sender: written as RFC 5321
 *   reverse-path "<...>", RFC 5965 3.5; left out when it would need
 *   quoting), Arrival-Date, Source-IP (an IPv6 address as "IPv6:"
 *   addr, RFC 5965 3.5 / RFC 5321 4.1.3), Reported-Domain,
 *   Delivery-Result.
 * Every value is written only when it is printable ASCII without
 * CR/LF (a field that could break the header is left out); the
 * Authentication-Results values are quoted where RFC 2045 tokens end.
 * SPF-DNS needs the SPF record the MTA evaluated, which the history
 * does not hold: it is not written. */
void dmarc_failure_feedback(const struct dmarc_history *h,
			    enum dmarc_failure_kind kind,
			    const char *user_agent, const char *authserv_id,
			    const char *mail_from, struct buf *out);

#endif
