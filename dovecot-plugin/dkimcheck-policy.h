/*
 * dkimcheck-policy.h - what one recipient's delivery does with a verdict:
 * the decision table of dkimcheck(7), kept apart from Dovecot's delivery
 * code.
 *
 *   dkimcheck = no                      -> disabled: nothing (the field
 *                                          stays, it is per message)
 *   DMARC disposition quarantine        -> junk (Junk mailbox, $Junk)
 *   DMARC disposition reject            -> junk, or reject (LMTP 550
 *                                          5.7.1) with dkimcheck_reject
 *                                          = lmtp
 *   dkimcheck_dry_run = yes             -> dry_run instead of junk or
 *                                          reject: tag, never file
 *   otherwise                           -> inbox (the default mailbox)
 *   more forged Authentication-Results  -> reject (LMTP 550 5.7.1)
 *   / Received-SPF fields than can be      whatever dkimcheck_reject and
 *   removed (verdict.forged_unlisted)      dkimcheck_dry_run say: a
 *                                          hostile message that cannot
 *                                          be delivered safely (probe
 *                                          2026-12 F01)
 *
 * Keywords (dkimcheck_keywords = yes): the DKIM-fail keyword when some
 * signature failed and none passed, the DMARC-fail keyword on dmarc=fail
 * (also under p=none and t=y), the Junk keyword when filed into Junk.
 * A keyword name set to "" is never added.
 */
#ifndef DKIMCHECK_POLICY_H
#define DKIMCHECK_POLICY_H

#include "dkimcheck-settings.h"
#include "dkimcheck-verify.h"

enum dkimcheck_action {
	DKIMCHECK_ACTION_INBOX,
	DKIMCHECK_ACTION_JUNK,
	DKIMCHECK_ACTION_REJECT,
	DKIMCHECK_ACTION_DRY_RUN,
	DKIMCHECK_ACTION_DISABLED,
};

#define DKIMCHECK_MAX_KEYWORDS 3

struct dkimcheck_decision {
	enum dkimcheck_action action;
	/* NULL-terminated; the strings are the settings' */
	const char *keywords[DKIMCHECK_MAX_KEYWORDS + 1];
};

void dkimcheck_policy_decide(const struct dkimcheck_user_settings *set,
			     const struct dkimcheck_verdict *verdict,
			     struct dkimcheck_decision *decision_r);

/* "inbox" "junk" "reject" "dry_run" "disabled" */
const char *dkimcheck_action_str(enum dkimcheck_action action);

#endif
