/*
 * dkimcheck-settings-23.c - Dovecot 2.3: the dkimcheck_* settings are
 * strings of the plugin { } section (see dkimcheck-settings.h), read with
 * mail_user_set_plugin_getenv() for the transaction (protocol lmtp
 * applied) and mail_user_plugin_getenv() for a recipient (userdb fields
 * override).  Unset or empty means the default.  Booleans are strict
 * (yes/no, true/false, 1/0), times use Dovecot's syntax ("5s",
 * "1500ms"); the rest is checked by dkimcheck-setvalue.h.
 */
#include "lib.h"
#include "hostpid.h"
#include "settings-parser.h"
#include "mail-user.h"
#include "lmtp-common.h"

#include "dkimcheck-setvalue.h"
#include "dkimcheck-settings.h"

typedef const char *getenv_func_t(const void *source, const char *name);

static const char *
set_getenv(const void *source, const char *name)
{
	return mail_user_set_plugin_getenv(source, name);
}

static const char *
user_getenv(const void *source, const char *name)
{
	/* mail_user_plugin_getenv() takes a non-const user */
	return mail_user_plugin_getenv((struct mail_user *)(uintptr_t)source,
				       name);
}

/* A yes/no value; unset or empty gives `def`. */
static int
parse_bool(getenv_func_t *get, const void *src, const char *name, bool def,
	   bool *value_r, const char **error_r)
{
	const char *v = get(src, name);

	if (v == NULL || *v == '\0') {
		*value_r = def;
		return 0;
	}
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0) {
		*value_r = TRUE;
		return 0;
	}
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0) {
		*value_r = FALSE;
		return 0;
	}
	*error_r = t_strdup_printf("%s: invalid boolean '%s' (yes or no)",
				   name, v);
	return -1;
}

static int
parse_max_signatures(const char *v, unsigned int *value_r,
		     const char **error_r)
{
	if (v == NULL || *v == '\0') {
		*value_r = DKIMCHECK_DEFAULT_MAX_SIGNATURES;
		return 0;
	}
	if (str_to_uint(v, value_r) < 0) {
		*error_r = t_strdup_printf("dkimcheck_max_signatures: invalid "
					   "value '%s' (1..%u)", v,
					   DKIMCHECK_MAX_MAX_SIGNATURES);
		return -1;
	}
	return dkimcheck_setvalue_max_signatures(*value_r, error_r);
}

/* An unset keyword setting gives the default; "" turns it off. */
static int
parse_keyword(const struct mail_user *user, const char *name,
	      const char *def, const char **value_r, const char **error_r)
{
	const char *v = user_getenv(user, name);

	*value_r = v == NULL ? def : v;
	return dkimcheck_setvalue_keyword(name, *value_r, error_r);
}

static int
parse_time(const char *v, unsigned int *msecs_r, const char **error_r)
{
	const char *error;

	if (v == NULL || *v == '\0') {
		*msecs_r = DKIMCHECK_DEFAULT_DNS_TIMEOUT_MSECS;
		return 0;
	}
	if (settings_get_time_msecs(v, msecs_r, &error) < 0) {
		*error_r = t_strdup_printf("dkimcheck_dns_timeout: %s", error);
		return -1;
	}
	return dkimcheck_setvalue_dns_timeout(v, *msecs_r, error_r);
}

int
dkimcheck_settings_read(struct client *client, pool_t pool,
			struct dkimcheck_settings *set_r,
			const char **error_r)
{
	const struct mail_user_settings *user_set = client->user_set;
	const char *v;

	i_zero(set_r);
	if (parse_bool(set_getenv, user_set, "dkimcheck", TRUE,
		       &set_r->enabled, error_r) < 0)
		return -1;
	v = set_getenv(user_set, "dkimcheck_authserv_id");
	set_r->authserv_id = p_strdup(pool, v != NULL && *v != '\0' ?
						    v : my_hostname);
	if (dkimcheck_setvalue_authserv_id(set_r->authserv_id, error_r) < 0)
		return -1;
	v = set_getenv(user_set, "dkimcheck_resolver_config");
	set_r->resolver_config = v != NULL && *v != '\0' ?
					 p_strdup(pool, v) : NULL;
	v = set_getenv(user_set, "dkimcheck_dmarc_history");
	set_r->dmarc_history = v != NULL && *v != '\0' ?
				       p_strdup(pool, v) : NULL;
	if (parse_time(set_getenv(user_set, "dkimcheck_dns_timeout"),
		       &set_r->dns_timeout_msecs, error_r) < 0)
		return -1;
	v = set_getenv(user_set, "dkimcheck_trusted_authserv_ids");
	if (dkimcheck_setvalue_trusted_ids(pool, v == NULL ? "" : v,
					   &set_r->trusted_authserv_ids,
					   error_r) < 0)
		return -1;
	return parse_max_signatures(
		set_getenv(user_set, "dkimcheck_max_signatures"),
		&set_r->max_signatures, error_r);
}

int
dkimcheck_user_settings_read(struct mail_user *user,
			     struct dkimcheck_user_settings *set_r,
			     const char **error_r)
{
	const char *v;

	i_zero(set_r);
	v = user_getenv(user, "dkimcheck_reject");
	if (parse_bool(user_getenv, user, "dkimcheck", TRUE, &set_r->enabled,
		       error_r) < 0 ||
	    parse_bool(user_getenv, user, "dkimcheck_keywords", TRUE,
		       &set_r->keywords, error_r) < 0 ||
	    parse_bool(user_getenv, user, "dkimcheck_dry_run", FALSE,
		       &set_r->dry_run, error_r) < 0 ||
	    parse_bool(user_getenv, user, "dkimcheck_report_ingest", FALSE,
		       &set_r->report_ingest, error_r) < 0 ||
	    dkimcheck_setvalue_reject(v == NULL ? "" : v, &set_r->reject,
				      error_r) < 0)
		return -1;
	v = user_getenv(user, "dkimcheck_junk_mailbox");
	set_r->junk_mailbox = v != NULL && *v != '\0' ?
				      v : DKIMCHECK_DEFAULT_JUNK_MAILBOX;
	if (parse_keyword(user, "dkimcheck_keyword_dkim_fail",
			  DKIMCHECK_DEFAULT_KW_DKIM_FAIL,
			  &set_r->keyword_dkim_fail, error_r) < 0 ||
	    parse_keyword(user, "dkimcheck_keyword_dmarc_fail",
			  DKIMCHECK_DEFAULT_KW_DMARC_FAIL,
			  &set_r->keyword_dmarc_fail, error_r) < 0 ||
	    parse_keyword(user, "dkimcheck_keyword_junk",
			  DKIMCHECK_DEFAULT_KW_JUNK, &set_r->keyword_junk,
			  error_r) < 0)
		return -1;
	return 0;
}
