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
