/*
 * export-test.c - a stand-in for the Dovecot plugin: a shared object
 * linked with libmailauth exactly as the plugin is ($(MA_PLUGIN_LDFLAGS),
 * mk/core.am), with the plugin's entry point names, for
 * tests/plugin-exports.sh to check that nothing else is exported.
 * It calls into the library (msgauth, the DNS layer) so that those
 * objects are part of the link.
 */
#include "config.h"

#include <stddef.h>

#include "dns/dns.h"
#include "msgauth/msgauth.h"

/* Dovecot looks these up by name (module_dir_load). */
const char *dkimcheck_plugin_dependencies[] = {NULL};
const char dkimcheck_plugin_version[] = "export-test";
void dkimcheck_plugin_init(void *module);
void dkimcheck_plugin_deinit(void);

void
dkimcheck_plugin_init(void *module)
{
	struct msgauth_settings set = {0};
	struct msgauth *ma;
	const char *err;
	struct dns_result *res = NULL;

	(void)module;
	set.authserv_id = "export.test";
	if (msgauth_new(&set, NULL, NULL, NULL, NULL, &ma, &err) == 0)
		msgauth_free(&ma);
	(void)dns_lookup(NULL, "example.com", DNS_T_TXT, &res, &err);
}

void
dkimcheck_plugin_deinit(void)
{
}
