/*
 * signer-config.h - dkim-signer's configuration: the option table (the
 * names OpenDKIM's opendkim.conf(5) uses for every option the two share,
 * read with conf.h's OpenDKIM line syntax), the KeyTable and SigningTable
 * (dkim-keytable.h, dkim-signtable.h), and the private keys they name.
 *
 * Validation happens at load: an unknown option or a bad value is
 * "FILE:LINE: Option: problem"; a table that does not parse names its
 * file and line; a SigningTable line naming a key that is not in the
 * KeyTable is an error.  Keys are loaded on demand (signer_config_key),
 * or all at once for `dkim-signer -n` (signer_config_load_all_keys).
 *
 * Key safety (RequireSafeKeys, default yes): a key file readable or
 * writable by group or others, or not owned by the running user, is
 * refused with a message saying how to fix it.
 *
 * Memory: everything lives in the config's arena; keys are freed (and
 * wiped) by signer_config_free().
 */
#ifndef SIGNER_CONFIG_H
#define SIGNER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim/dkim.h"
#include "signer-settings.h"

struct arena;
struct dkim_keytable;
struct dkim_keytable_entry;
struct dkim_privkey;
struct dkim_signtable;

struct signer_key {
	const struct dkim_keytable_entry *entry;
	struct dkim_privkey *key; /* NULL until loaded */
	enum dkim_alg alg;
};

struct signer_config {
	struct arena *arena;
	const char *path;
	struct signer_settings set;
	struct dkim_keytable *keytable;
	struct dkim_signtable *signtable;
	struct signer_key *keys; /* one per keytable entry */
	enum dkim_canon header_canon, body_canon;
	const char *const *sign_headers;     /* NULL = default */
	const char *const *oversign_headers; /* NULL = default */
	const char *const *reinject_argv;
};

/* Read the config file `path` (NULL: defaults only) and the tables it
 * names; `overrides` (NULL-terminated "Name=value" strings, may be NULL)
 * apply after the file.  Returns 0 and *config_r, or -1 with *error_r
 * (lives in static storage until the next call; the message names file
 * and line). */
int signer_config_load(const char *path, const char *const *overrides,
		       struct signer_config **config_r, const char **error_r);
void signer_config_free(struct signer_config **config_p);

/* The key of KeyTable entry `name` (ASCII case-insensitive), loading it
 * if needed.  -1 with *error_r (config arena) when the name is unknown or
 * the key cannot be loaded, is unsafe or too weak. */
int signer_config_key(struct signer_config *config, const char *name,
		      struct signer_key **key_r, const char **error_r);

/* Load every key in the KeyTable (dkim-signer -n). */
int signer_config_load_all_keys(struct signer_config *config,
				const char **error_r);


#endif
