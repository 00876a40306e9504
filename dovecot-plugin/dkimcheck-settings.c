/*
 * dkimcheck-settings.c - reading and checking the dkimcheck_* settings
 * (see dkimcheck-settings.h).  Booleans are strict (yes/no, true/false,
 * 1/0); times use Dovecot's syntax ("5s", "1500ms"); keyword names must
 * be IMAP atoms (RFC 9051 section 9, flag-keyword).
 */
#include "lib.h"
#include "array.h"
#include "hostpid.h"
#include "settings-parser.h"
#include "mail-user.h"

#include "dkimcheck-settings.h"

#define DKIMCHECK_DEFAULT_JUNK_MAILBOX "Junk"
#define DKIMCHECK_DEFAULT_KW_DKIM_FAIL "$DKIM_Fail"
#define DKIMCHECK_DEFAULT_KW_DMARC_FAIL "$DMARC_Fail"
#define DKIMCHECK_DEFAULT_KW_JUNK "$Junk"

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
parse_uint(getenv_func_t *get, const void *src, const char *name,
	   unsigned int def, unsigned int max, unsigned int *value_r,
	   const char **error_r)
{
	const char *v = get(src, name);

	if (v == NULL || *v == '\0') {
		*value_r = def;
		return 0;
	}
	if (str_to_uint(v, value_r) < 0 || *value_r == 0 || *value_r > max) {
		*error_r = t_strdup_printf("%s: invalid value '%s' "
					   "(1..%u)", name, v, max);
		return -1;
	}
	return 0;
}

/* An IMAP atom usable as a keyword (RFC 9051 section 9: atom, no
 * atom-specials "(){ %*"\]" or CTLs), or "" to turn that keyword off. */
static int
parse_keyword(getenv_func_t *get, const void *src, const char *name,
	      const char *def, const char **value_r, const char **error_r)
{
	const char *v = get(src, name), *p;

	if (v == NULL) {
		*value_r = def;
		return 0;
	}
	for (p = v; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("(){%*\"\\]", *p) != NULL) {
			*error_r = t_strdup_printf("%s: '%s' is not an IMAP "
						   "keyword", name, v);
			return -1;
		}
	}
	*value_r = v;
	return 0;
}

static int
parse_time(const char *name, const char *v, unsigned int *msecs_r,
	   const char **error_r)
{
	const char *error;

	if (v == NULL || *v == '\0') {
		*msecs_r = DKIMCHECK_DEFAULT_DNS_TIMEOUT_MSECS;
		return 0;
	}
	if (settings_get_time_msecs(v, msecs_r, &error) < 0) {
		*error_r = t_strdup_printf("%s: %s", name, error);
		return -1;
	}
	if (*msecs_r == 0 || *msecs_r > DKIMCHECK_MAX_DNS_TIMEOUT_MSECS) {
		*error_r = t_strdup_printf("%s: '%s' out of range (1ms..%us)",
					   name, v,
					   DKIMCHECK_MAX_DNS_TIMEOUT_MSECS /
						   1000);
		return -1;
	}
	return 0;
}

/* A list separated by spaces or commas, NULL-terminated, in `pool`. */
static int
parse_list(pool_t pool, const char *name, const char *v, unsigned int max,
	   const char *const **list_r, const char **error_r)
{
	ARRAY_TYPE(const_string) list;
	const char *const *words, *entry;

	p_array_init(&list, pool, 4);
	words = t_strsplit_spaces(v == NULL ? "" : v, " ,\t");
	for (; *words != NULL; words++) {
		entry = p_strdup(pool, *words);
		array_push_back(&list, &entry);
	}
	if (array_count(&list) > max) {
		*error_r = t_strdup_printf("%s: more than %u entries", name,
					   max);
		return -1;
	}
	array_append_zero(&list);
	*list_r = array_front(&list);
	return 0;
}

int
dkimcheck_settings_read(const struct mail_user_settings *user_set,
			pool_t pool, struct dkimcheck_settings *set_r,
			const char **error_r)
{
	const char *v;

	i_zero(set_r);
	if (parse_bool(set_getenv, user_set, "dkimcheck", TRUE,
		       &set_r->enabled, error_r) < 0)
		return -1;
	v = set_getenv(user_set, "dkimcheck_authserv_id");
	set_r->authserv_id = p_strdup(pool, v != NULL && *v != '\0' ?
						    v : my_hostname);
	if (strpbrk(set_r->authserv_id, " \t\r\n;()\"") != NULL) {
		*error_r = t_strdup_printf("dkimcheck_authserv_id: '%s' is "
					   "not a token (RFC 8601 2.2)",
					   set_r->authserv_id);
		return -1;
	}
	v = set_getenv(user_set, "dkimcheck_resolver_config");
	set_r->resolver_config = v != NULL && *v != '\0' ?
					 p_strdup(pool, v) : NULL;
	if (parse_time("dkimcheck_dns_timeout",
		       set_getenv(user_set, "dkimcheck_dns_timeout"),
		       &set_r->dns_timeout_msecs, error_r) < 0)
		return -1;
	if (parse_list(pool, "dkimcheck_trusted_authserv_ids",
		       set_getenv(user_set, "dkimcheck_trusted_authserv_ids"),
		       DKIMCHECK_MAX_TRUSTED_IDS, &set_r->trusted_authserv_ids,
		       error_r) < 0)
		return -1;
	v = set_getenv(user_set, "dkimcheck_dmarc_history");
	set_r->dmarc_history = v != NULL && *v != '\0' ?
				       p_strdup(pool, v) : NULL;
	return parse_uint(set_getenv, user_set, "dkimcheck_max_signatures",
			  DKIMCHECK_DEFAULT_MAX_SIGNATURES,
			  DKIMCHECK_MAX_MAX_SIGNATURES,
			  &set_r->max_signatures, error_r);
}

static int
parse_reject(const char *v, enum dkimcheck_reject_action *action_r,
	     const char **error_r)
{
	if (v == NULL || *v == '\0' || strcasecmp(v, "junk") == 0) {
		*action_r = DKIMCHECK_REJECT_JUNK;
		return 0;
	}
	if (strcasecmp(v, "lmtp") == 0) {
		*action_r = DKIMCHECK_REJECT_LMTP;
		return 0;
	}
	*error_r = t_strdup_printf("dkimcheck_reject: invalid value '%s' "
				   "(junk or lmtp)", v);
	return -1;
}

int
dkimcheck_user_settings_read(struct mail_user *user,
			     struct dkimcheck_user_settings *set_r,
			     const char **error_r)
{
	const char *v;

	i_zero(set_r);
	if (parse_bool(user_getenv, user, "dkimcheck", TRUE, &set_r->enabled,
		       error_r) < 0 ||
	    parse_bool(user_getenv, user, "dkimcheck_keywords", TRUE,
		       &set_r->keywords, error_r) < 0 ||
	    parse_bool(user_getenv, user, "dkimcheck_dry_run", FALSE,
		       &set_r->dry_run, error_r) < 0 ||
	    parse_reject(user_getenv(user, "dkimcheck_reject"), &set_r->reject,
			 error_r) < 0)
		return -1;
	v = user_getenv(user, "dkimcheck_junk_mailbox");
	set_r->junk_mailbox = v != NULL && *v != '\0' ?
				      v : DKIMCHECK_DEFAULT_JUNK_MAILBOX;
	if (parse_keyword(user_getenv, user, "dkimcheck_keyword_dkim_fail",
			  DKIMCHECK_DEFAULT_KW_DKIM_FAIL,
			  &set_r->keyword_dkim_fail, error_r) < 0 ||
	    parse_keyword(user_getenv, user, "dkimcheck_keyword_dmarc_fail",
			  DKIMCHECK_DEFAULT_KW_DMARC_FAIL,
			  &set_r->keyword_dmarc_fail, error_r) < 0 ||
	    parse_keyword(user_getenv, user, "dkimcheck_keyword_junk",
			  DKIMCHECK_DEFAULT_KW_JUNK, &set_r->keyword_junk,
			  error_r) < 0)
		return -1;
	return 0;
}
