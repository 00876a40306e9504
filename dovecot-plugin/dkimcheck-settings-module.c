/*
 * dkimcheck-settings-module.c - Dovecot 2.4 only: libdkimcheck_settings.so,
 * the module Dovecot's config process and doveconf load from Dovecot's
 * settings directory (<moduledir>/settings).  It registers the
 * dkimcheck_* settings (dkimcheck-settings-24-info.h), so that Dovecot
 * accepts them at the top level of dovecot.conf and in userdb fields,
 * and refuses a bad value at start-up instead of at the first delivery.
 *
 * It is loaded into Dovecot's own processes, never the plugin's: it is
 * built without sanitizer flags and holds nothing but the table.
 */
#include "lib.h"
#include "settings-parser.h"

#include "dkimcheck-settings-24-info.h"

/* Symbols looked up by the module loader and the config process:
 * <module name>_version and <module name>_set_infos. */
extern const char *dkimcheck_settings_version;
extern const struct setting_parser_info *dkimcheck_settings_set_infos[];

const char *dkimcheck_settings_version = DOVECOT_ABI_VERSION;
const struct setting_parser_info *dkimcheck_settings_set_infos[] = {
	&dkimcheck_setting_parser_info,
	NULL
};
