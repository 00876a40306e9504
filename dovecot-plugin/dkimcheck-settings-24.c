/*
 * dkimcheck-settings-24.c - Dovecot 2.4: the dkimcheck_* settings are
 * registered settings (dkimcheck-settings-24-info.h), read with
 * settings_get() on the lmtp client's event for the transaction
 * (protocol lmtp applied) and on the mail_user's event for a recipient
 * (userdb fields override).  Dovecot has parsed and checked them; this
 * file turns them into the views of dkimcheck-settings.h.
 */
#include "lib.h"
#include "hostpid.h"
#include "settings.h"
#include "mail-user.h"
#include "lmtp-common.h"

#include "dkimcheck-setvalue.h"
#include "dkimcheck-settings.h"
#include "dkimcheck-settings-24-info.h"

static int
dkimcheck_24_settings_get(struct event *event,
			  const struct dkimcheck_24_settings **set_r,
			  const char **error_r)
{
	const char *error;

	if (settings_get(event, &dkimcheck_setting_parser_info, 0, set_r,
			 &error) < 0) {
		*error_r = t_strdup(error);
		return -1;
	}
	return 0;
}

static int
dkimcheck_settings_convert(const struct dkimcheck_24_settings *s,
			   pool_t pool, struct dkimcheck_settings *set_r,
			   const char **error_r)
{
	set_r->enabled = s->dkimcheck;
	set_r->authserv_id = p_strdup(pool, *s->authserv_id != '\0' ?
						    s->authserv_id :
						    my_hostname);
	set_r->resolver_config = *s->resolver_config != '\0' ?
					 p_strdup(pool, s->resolver_config) :
					 NULL;
	set_r->dns_timeout_msecs = s->dns_timeout_msecs;
	set_r->max_signatures = s->max_signatures;
	set_r->dmarc_history = *s->dmarc_history != '\0' ?
				       p_strdup(pool, s->dmarc_history) : NULL;
	/* checked by Dovecot already; converted here */
	return dkimcheck_setvalue_trusted_ids(pool, s->trusted_authserv_ids,
					      &set_r->trusted_authserv_ids,
					      error_r);
}

int
dkimcheck_settings_read(struct client *client, pool_t pool,
			struct dkimcheck_settings *set_r,
			const char **error_r)
{
	const struct dkimcheck_24_settings *s;
	int ret;

	i_zero(set_r);
	if (dkimcheck_24_settings_get(client->event, &s, error_r) < 0)
		return -1;
	ret = dkimcheck_settings_convert(s, pool, set_r, error_r);
	settings_free(s);
	return ret;
}

int
dkimcheck_user_settings_read(struct mail_user *user,
			     struct dkimcheck_user_settings *set_r,
			     const char **error_r)
{
	const struct dkimcheck_24_settings *s;
	int ret;

	i_zero(set_r);
	if (dkimcheck_24_settings_get(user->event, &s, error_r) < 0)
		return -1;
	set_r->enabled = s->dkimcheck;
	set_r->keywords = s->keywords;
	set_r->dry_run = s->dry_run;
	set_r->report_ingest = s->report_ingest;
	set_r->junk_mailbox = p_strdup(user->pool, *s->junk_mailbox != '\0' ?
							   s->junk_mailbox :
							   DKIMCHECK_DEFAULT_JUNK_MAILBOX);
	set_r->keyword_dkim_fail = p_strdup(user->pool, s->keyword_dkim_fail);
	set_r->keyword_dmarc_fail = p_strdup(user->pool,
					     s->keyword_dmarc_fail);
	set_r->keyword_junk = p_strdup(user->pool, s->keyword_junk);
	ret = dkimcheck_setvalue_reject(s->reject, &set_r->reject, error_r);
	settings_free(s);
	return ret;
}
