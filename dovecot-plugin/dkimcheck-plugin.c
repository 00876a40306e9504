/*
 * dkimcheck-plugin.c - module init/deinit: storage hooks in every process
 * that loads the plugin (keywords on MDA saves), the LMTP hooks only in
 * lmtp (see dkimcheck-lmtp.h).
 */
#include "lib.h"

#include "dkimcheck-fatal.h"
#include "dkimcheck-lmtp.h"
#include "dkimcheck-plugin.h"
#include "dkimcheck-storage.h"

const char *dkimcheck_plugin_version = DOVECOT_ABI_VERSION;

static bool dkimcheck_lmtp_hooked = FALSE;

void
dkimcheck_plugin_init(struct module *module)
{
	dkimcheck_fatal_init();
	dkimcheck_storage_init(module);
	if (dkimcheck_lmtp_available()) {
		dkimcheck_lmtp_init();
		dkimcheck_lmtp_hooked = TRUE;
	}
}

void
dkimcheck_plugin_deinit(void)
{
	if (dkimcheck_lmtp_hooked) {
		dkimcheck_lmtp_deinit();
		dkimcheck_lmtp_hooked = FALSE;
	}
	dkimcheck_storage_deinit();
	dkimcheck_fatal_deinit();
}
