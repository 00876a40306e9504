/*
 * dkimcheck-settings-24-info.h - Dovecot 2.4 only: the dkimcheck_*
 * settings as Dovecot 2.4 knows them, one declarative table of names,
 * types and defaults plus a check of the ranges and syntax
 * (dkimcheck-setvalue.h).
 *
 * The same table is compiled into two modules: the settings module
 * libdkimcheck_settings.so (dkimcheck-settings-module.c), which Dovecot's
 * config process and doveconf load from Dovecot's settings directory so
 * that the settings are known and bad values refused at start-up; and
 * the plugin, which reads them with settings_get() (dkimcheck-settings-
 * 24.c).  Both sides must agree on the table: they are built from this
 * one file in one build.
 *
 * Memory: a struct dkimcheck_24_settings from settings_get() belongs to
 * the caller until settings_free().
 */
#ifndef DKIMCHECK_SETTINGS_24_INFO_H
#define DKIMCHECK_SETTINGS_24_INFO_H

struct dkimcheck_24_settings {
	pool_t pool;

	/* transaction view (dkimcheck-settings.h) */
	bool dkimcheck;
	const char *authserv_id;
	const char *resolver_config;
	unsigned int dns_timeout_msecs;
	const char *trusted_authserv_ids;
	unsigned int max_signatures;
	const char *dmarc_history;

	/* recipient view */
	bool keywords;
	bool dry_run;
	const char *junk_mailbox;
	const char *reject;
	const char *keyword_dkim_fail;
	const char *keyword_dmarc_fail;
	const char *keyword_junk;
	bool report_ingest;
};

extern const struct setting_parser_info dkimcheck_setting_parser_info;

#endif
