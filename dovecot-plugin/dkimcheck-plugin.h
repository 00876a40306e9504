/*
 * dkimcheck-plugin.h - the entry points Dovecot's module loader looks up
 * in lib90_dkimcheck_plugin.so (see dkimcheck(7)).  They are the only
 * names the shared object exports.
 */
#ifndef DKIMCHECK_PLUGIN_H
#define DKIMCHECK_PLUGIN_H

struct module;

extern const char *dkimcheck_plugin_version;

void dkimcheck_plugin_init(struct module *module);
void dkimcheck_plugin_deinit(void);

#endif
