/*
 * dkimcheck-policy.c - the per-recipient decision table (see
 * dkimcheck-policy.h).
 */
#include "lib.h"

#include "dkimcheck-policy.h"

static void
add_keyword(struct dkimcheck_decision *d, unsigned int *n, const char *kw)
{
	if (kw != NULL && *kw != '\0' && *n < DKIMCHECK_MAX_KEYWORDS)
		d->keywords[(*n)++] = kw;
}

void
dkimcheck_policy_decide(const struct dkimcheck_user_settings *set,
			const struct dkimcheck_verdict *v,
			struct dkimcheck_decision *d)
{
	unsigned int n = 0;

	i_zero(d);
	if (!set->enabled) {
		d->action = DKIMCHECK_ACTION_DISABLED;
		return;
	}
	if (v->forged_unlisted > 0) {
		/* forged fields claiming our authserv-id would stay in the
		   delivered message: refuse it, whatever the settings */
		d->action = DKIMCHECK_ACTION_REJECT;
		return;
	}
	switch (v->disposition_value) {
	case DKIMCHECK_DISPOSITION_NONE:
		d->action = DKIMCHECK_ACTION_INBOX;
		break;
	case DKIMCHECK_DISPOSITION_QUARANTINE:
		d->action = DKIMCHECK_ACTION_JUNK;
		break;
	case DKIMCHECK_DISPOSITION_REJECT:
		d->action = set->reject == DKIMCHECK_REJECT_LMTP ?
				    DKIMCHECK_ACTION_REJECT :
				    DKIMCHECK_ACTION_JUNK;
		break;
	}
	if (set->dry_run && d->action != DKIMCHECK_ACTION_INBOX)
		d->action = DKIMCHECK_ACTION_DRY_RUN;
	if (!set->keywords || d->action == DKIMCHECK_ACTION_REJECT)
		return;
	if (v->dkim_fail)
		add_keyword(d, &n, set->keyword_dkim_fail);
	if (v->dmarc_fail)
		add_keyword(d, &n, set->keyword_dmarc_fail);
	if (d->action == DKIMCHECK_ACTION_JUNK)
		add_keyword(d, &n, set->keyword_junk);
}

const char *
dkimcheck_action_str(enum dkimcheck_action action)
{
	static const char *const names[] = {
		[DKIMCHECK_ACTION_INBOX] = "inbox",
		[DKIMCHECK_ACTION_JUNK] = "junk",
		[DKIMCHECK_ACTION_REJECT] = "reject",
		[DKIMCHECK_ACTION_DRY_RUN] = "dry_run",
		[DKIMCHECK_ACTION_DISABLED] = "disabled",
	};

	i_assert(action < N_ELEMENTS(names));
	return names[action];
}
