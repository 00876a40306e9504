/*
 * dkimcheck-settings-24-info.c - the dkimcheck_* settings table for
 * Dovecot 2.4 (see dkimcheck-settings-24-info.h).  The defaults are those
 * of dkimcheck(7) and of the 2.3 reader.
 */
#include "lib.h"
#include "settings-parser.h"

#include "dkimcheck-setvalue.h"
#include "dkimcheck-settings-24-info.h"

#define DEF(type, key, field) \
	SETTING_DEFINE_STRUCT_##type(key, field, struct dkimcheck_24_settings)

static const struct setting_define dkimcheck_setting_defines[] = {
	DEF(BOOL, "dkimcheck", dkimcheck),
	DEF(STR_NOVARS, "dkimcheck_authserv_id", authserv_id),
	DEF(STR, "dkimcheck_resolver_config", resolver_config),
	DEF(TIME_MSECS, "dkimcheck_dns_timeout", dns_timeout_msecs),
	DEF(STR_NOVARS, "dkimcheck_trusted_authserv_ids",
	    trusted_authserv_ids),
	DEF(UINT, "dkimcheck_max_signatures", max_signatures),
	DEF(STR, "dkimcheck_dmarc_history", dmarc_history),
	DEF(BOOL, "dkimcheck_keywords", keywords),
	DEF(BOOL, "dkimcheck_dry_run", dry_run),
	DEF(STR, "dkimcheck_junk_mailbox", junk_mailbox),
	DEF(ENUM, "dkimcheck_reject", reject),
	DEF(STR_NOVARS, "dkimcheck_keyword_dkim_fail", keyword_dkim_fail),
	DEF(STR_NOVARS, "dkimcheck_keyword_dmarc_fail", keyword_dmarc_fail),
	DEF(STR_NOVARS, "dkimcheck_keyword_junk", keyword_junk),
	DEF(BOOL, "dkimcheck_report_ingest", report_ingest),
	SETTING_DEFINE_LIST_END
};

static const struct dkimcheck_24_settings dkimcheck_default_settings = {
	.dkimcheck = TRUE,
	.authserv_id = "",
	.resolver_config = "",
	.dns_timeout_msecs = DKIMCHECK_DEFAULT_DNS_TIMEOUT_MSECS,
	.trusted_authserv_ids = "",
	.max_signatures = DKIMCHECK_DEFAULT_MAX_SIGNATURES,
	.dmarc_history = "",
	.keywords = TRUE,
	.dry_run = FALSE,
	.junk_mailbox = DKIMCHECK_DEFAULT_JUNK_MAILBOX,
	/* an enum: the first value is the default */
	.reject = "junk:lmtp",
	.keyword_dkim_fail = DKIMCHECK_DEFAULT_KW_DKIM_FAIL,
	.keyword_dmarc_fail = DKIMCHECK_DEFAULT_KW_DMARC_FAIL,
	.keyword_junk = DKIMCHECK_DEFAULT_KW_JUNK,
	.report_ingest = FALSE,
};

/* What the table's types cannot say: ranges and token syntax. */
static bool
dkimcheck_settings_check(void *_set, pool_t pool ATTR_UNUSED,
			 const char **error_r)
{
	const struct dkimcheck_24_settings *set = _set;
	const char *const *ids;

	if (dkimcheck_setvalue_dns_timeout(
		    t_strdup_printf("%ums", set->dns_timeout_msecs),
		    set->dns_timeout_msecs, error_r) < 0 ||
	    dkimcheck_setvalue_max_signatures(set->max_signatures,
					      error_r) < 0 ||
	    dkimcheck_setvalue_authserv_id(set->authserv_id, error_r) < 0 ||
	    dkimcheck_setvalue_trusted_ids(pool_datastack_create(),
					   set->trusted_authserv_ids, &ids,
					   error_r) < 0 ||
	    dkimcheck_setvalue_keyword("dkimcheck_keyword_dkim_fail",
				       set->keyword_dkim_fail, error_r) < 0 ||
	    dkimcheck_setvalue_keyword("dkimcheck_keyword_dmarc_fail",
				       set->keyword_dmarc_fail, error_r) < 0 ||
	    dkimcheck_setvalue_keyword("dkimcheck_keyword_junk",
				       set->keyword_junk, error_r) < 0)
		return FALSE;
	return TRUE;
}

const struct setting_parser_info dkimcheck_setting_parser_info = {
	.name = "dkimcheck",
	.defines = dkimcheck_setting_defines,
	.defaults = &dkimcheck_default_settings,
	.struct_size = sizeof(struct dkimcheck_24_settings),
	.pool_offset1 = 1 + offsetof(struct dkimcheck_24_settings, pool),
	.check_func = dkimcheck_settings_check,
};
