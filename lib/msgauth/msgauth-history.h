/*
 * msgauth-history.h - one message's DMARC history record
 * (dmarc/dmarc-history.h) from its verdicts (msgauth.h) and what the
 * front-end did with it: the per-message half of RFC 9990 aggregate
 * reporting, shared by the dkimcheck plugin and `authcheck verify`.
 *
 * A record is made only for a message whose From domain has a DMARC
 * policy (RFC 9990 2: reports are about domains that publish one).
 *
 * The reason (RFC 9990 3.1.1.3 PolicyOverrideType) follows the
 * schema's rule "if alignment fails and the policy applied does not
 * match the domain's configured policy, the reason element MUST be
 * specified": for a DMARC fail whose disposition differs from the
 * policy that applies (p, sp or np), "policy_test_mode" when the record
 * asked for test mode (RFC 9989 4.7 t=y) and the disposition is the one
 * test mode gives, "local_policy" otherwise (our Junk filing of a
 * p=reject failure is quarantine + local_policy).
 *
 * Failure reports (RFC 9991): when the msgauth settings kept the header
 * (header_copy_max) and `arena` is given, the record also carries what
 * a failure report needs (dmarc-history.h fdue, ruf, fo, omf, hdr) - but
 * only if one may be due: the record has a ruf tag, psd is not y (RFC
 * 9991 section 2: "MUST NOT consider ruf tags in DMARC Policy Records
 * having a psd=y tag"), dmarc_failure_due() for its fo is non-zero, and
 * the message is not itself a report (msg-report-kind.h).  An invalid
 * fo counts as the default "0" (DMARCbis 4.7: as if absent).
 *
 * Memory: the record points into the msgauth result, the input and the
 * arena given; it lives as long as the shortest of them.
 */
#ifndef MA_MSGAUTH_HISTORY_H
#define MA_MSGAUTH_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "dmarc/dmarc-history.h"
#include "msgauth/msgauth.h"

struct arena;

struct msgauth_history_input {
	const char *id;		 /* unique record id */
	uint64_t time;		 /* seconds since the epoch */
	const char *envelope_to; /* first recipient's domain, or NULL */
	/* What was done: none (delivered as is), quarantine (Junk),
	 * reject (refused). */
	enum dmarc_policy disposition;
	const char *comment; /* free text, or NULL */
	bool psl;	     /* discovery by the Public Suffix List */
	/* MAIL FROM address as our MTA received it (the original
	 * envelope sender), or NULL */
	const char *mail_from;
	/* for the failure report check (the record's tags), or NULL: no
	 * failure report data */
	struct arena *arena;
};

/* Fill *h_r.  true, or false (nothing to record) when DMARC was not
 * evaluated or no DMARC policy applies to the From domain. */
bool msgauth_history_record(const struct msgauth_result *r,
			    const struct msgauth_history_input *in,
			    struct dmarc_history *h_r);

/* The RFC 9990 reason for a verdict and the disposition applied (see
 * above), or NULL when none is needed. */
const char *msgauth_history_reason(const struct dmarc_verdict *v,
				   enum dmarc_policy applied);

#endif
