/*
 * signer-config.c - dkim-signer configuration, tables and keys
 * (signer-config.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/conf.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-dataset.h"
#include "dkim/dkim-keytable.h"
#include "dkim/dkim-signtable.h"
#include "signer-config.h"
#include "util/xalloc.h"

/* The message of the last failed load (its arena is gone by then). */
static char load_error[1024];

/* Header names, lower case (dkim-sign.h wants them so). */
static const char *const *
header_list(struct arena *arena, const char *s)
{
	char *lower = arena_strdup(arena, s), *c;

	for (c = lower; *c != '\0'; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	return signer_split(arena, lower, ", \t:");
}

/* KeyFile + Selector + Domain without a KeyTable: one key named
 * "default" for every listed domain (OpenDKIM's single-key mode). */
static int
single_key_tables(struct signer_config *c, const char **error_r)
{
	struct dkim_dataset_row key_row, *rows;
	size_t n = 0, i;

	if (c->set.key_file == NULL || c->set.selector == NULL ||
	    c->set.domain[0] == NULL) {
		*error_r = "no keys: set KeyTable and SigningTable, or KeyFile, "
			   "Selector and Domain";
		return -1;
	}
	key_row.key = "default";
	key_row.value = arena_printf(c->arena, "%%:%s:%s", c->set.selector,
				     c->set.key_file);
	key_row.line = 0;
	if (dkim_keytable_from_rows("KeyFile", &key_row, 1, c->arena,
				    &c->keytable, error_r) < 0)
		return -1;
	while (c->set.domain[n] != NULL)
		n++;
	rows = arena_zalloc(c->arena, n * sizeof(*rows));
	for (i = 0; i < n; i++) {
		rows[i].key = c->set.domain[i];
		rows[i].value = "default";
	}
	return dkim_signtable_from_rows("Domain", DKIM_DATASET_FILE, rows, n,
					c->arena, &c->signtable, error_r);
}

static int
load_tables(struct signer_config *c, const char **error_r)
{
	size_t i;

	if (c->set.key_table == NULL && c->set.signing_table == NULL)
		return single_key_tables(c, error_r);
	if (c->set.key_table == NULL || c->set.signing_table == NULL) {
		*error_r = "KeyTable and SigningTable go together";
		return -1;
	}
	if (dkim_keytable_load(c->set.key_table, c->arena, &c->keytable,
			       error_r) < 0 ||
	    dkim_signtable_load(c->set.signing_table, c->arena, &c->signtable,
				error_r) < 0)
		return -1;
	for (i = 0; i < c->signtable->count; i++) {
		const struct dkim_signtable_entry *e = &c->signtable->entries[i];

		if (strcmp(e->keyname, "%") != 0 &&
		    dkim_keytable_find(c->keytable, e->keyname) == NULL) {
			*error_r = arena_printf(c->arena,
				"%s:%u: key name '%s' is not in the KeyTable %s",
				c->signtable->origin, e->line, e->keyname,
				c->keytable->origin);
			return -1;
		}
	}
	return 0;
}

static int
derive(struct signer_config *c, const char **error_r)
{
	const char *canon = signer_canon_choices[c->set.canonicalization];

	if (!dkim_canon_parse(canon, strlen(canon), &c->header_canon,
			      &c->body_canon)) {
		*error_r = "Canonicalization: bad value";
		return -1;
	}
	if (c->set.sign_headers != NULL)
		c->sign_headers = header_list(c->arena, c->set.sign_headers);
	if (c->set.oversign_headers != NULL)
		c->oversign_headers = header_list(c->arena,
						  c->set.oversign_headers);
	c->reinject_argv = signer_split(c->arena, c->set.reinject_command,
					" \t");
	if (c->reinject_argv[0] == NULL || c->reinject_argv[0][0] != '/') {
		*error_r = "ReinjectCommand: needs an absolute program path";
		return -1;
	}
	return 0;
}

int
signer_config_load(const char *path, const char *const *overrides,
		   struct signer_config **config_r, const char **error_r)
{
	struct signer_config *c = ma_calloc(1, sizeof(*c));
	const char *err = NULL;

	c->arena = arena_new(0);
	c->path = path != NULL ? arena_strdup(c->arena, path) : "(defaults)";
	if (signer_settings_load(path, overrides, c->arena, &c->set, &err) < 0 ||
	    derive(c, &err) < 0 || load_tables(c, &err) < 0) {
		snprintf(load_error, sizeof(load_error), "%s", err);
		*error_r = load_error;
		signer_config_free(&c);
		return -1;
	}
	c->keys = arena_zalloc(c->arena, (c->keytable->count + 1) *
						 sizeof(*c->keys));
	for (size_t i = 0; i < c->keytable->count; i++)
		c->keys[i].entry = &c->keytable->entries[i];
	*config_r = c;
	return 0;
}

void
signer_config_free(struct signer_config **config_p)
{
	struct signer_config *c = *config_p;

	if (c == NULL)
		return;
	if (c->keys != NULL) {
		for (size_t i = 0; i < c->keytable->count; i++)
			dkim_privkey_free(&c->keys[i].key);
	}
	arena_free(&c->arena);
	free(c);
	*config_p = NULL;
}

/* RequireSafeKeys: the file belongs to us and nobody else can read it.
 * Root reads every file anyway, so for root a key of another owner (the
 * signing user's, when dmarc-reports(8) signs as root with dkim-signer's
 * configuration) is just as safe: only the group/others bits count.
 * (They are checked again by dkim_privkey_load.)
 * `what` says which private key it holds, for the message. */
static int
key_file_safe(struct signer_config *c, const char *path, const char *what,
	      const char **error_r)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		*error_r = arena_printf(c->arena, "%s: %s", path,
					strerror(errno));
		return -1;
	}
	if (st.st_uid != geteuid() && geteuid() != 0) {
		*error_r = arena_printf(c->arena,
			"%s: owned by uid %lu, not by the signing user (uid "
			"%lu): chown it to that user and chmod 600, or set "
			"RequireSafeKeys no", path, (unsigned long)st.st_uid,
			(unsigned long)geteuid());
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		*error_r = arena_printf(c->arena,
			"%s: mode %03o lets group/others read or write %s: "
			"chmod 600 %s", path, (unsigned int)(st.st_mode & 0777),
			what, path);
		return -1;
	}
	return 0;
}

static int
load_key(struct signer_config *c, struct signer_key *k, const char **error_r)
{
	const struct dkim_keytable_entry *e = k->entry;
	const char *cerr;

	if (e->key_is_path) {
		if (c->set.require_safe_keys &&
		    key_file_safe(c, e->key, "the private key", error_r) < 0)
			return -1;
		if (dkim_privkey_load(e->key,
				      c->set.require_safe_keys ? 0 :
					DKIM_PRIVKEY_ALLOW_INSECURE,
				      c->arena, &k->key, &cerr) < 0) {
			*error_r = arena_printf(c->arena, "key %s: %s",
						e->name, cerr);
			return -1;
		}
	} else if (c->set.require_safe_keys &&
		   key_file_safe(c, c->keytable->origin,
				 arena_printf(c->arena, "the private key written "
					      "inline at line %u", e->line),
				 error_r) < 0) {
		/* probe 2026-12 F08: an inline key is as secret as a key
		 * file, so the KeyTable holding it gets the same rule */
		return -1;
	} else if (dkim_privkey_from_text(e->key, strlen(e->key), &k->key,
					  &cerr) < 0) {
		*error_r = arena_printf(c->arena, "%s:%u: key %s: %s",
					c->keytable->origin, e->line, e->name,
					cerr);
		return -1;
	}
	if (k->key->type == DKIM_KEY_RSA &&
	    k->key->bits < c->set.minimum_key_bits) {
		*error_r = arena_printf(c->arena,
			"key %s: RSA key of %u bits is below MinimumKeyBits %u",
			e->name, k->key->bits, c->set.minimum_key_bits);
		dkim_privkey_free(&k->key);
		return -1;
	}
	/* the algorithm follows the key; SignatureAlgorithm only chooses
	 * among what the key can do (RSA: rsa-sha256 only, RFC 8301) */
	k->alg = k->key->type == DKIM_KEY_ED25519 ? DKIM_ALG_ED25519_SHA256 :
						     DKIM_ALG_RSA_SHA256;
	return 0;
}

int
signer_config_key(struct signer_config *c, const char *name,
		  struct signer_key **key_r, const char **error_r)
{
	size_t i;

	for (i = 0; i < c->keytable->count; i++) {
		struct signer_key *k = &c->keys[i];

		if (strcasecmp(k->entry->name, name) != 0)
			continue;
		if (k->key == NULL && load_key(c, k, error_r) < 0)
			return -1;
		*key_r = k;
		return 0;
	}
	*error_r = arena_printf(c->arena, "key name '%s' is not in the "
				"KeyTable %s", name, c->keytable->origin);
	return -1;
}

int
signer_config_load_all_keys(struct signer_config *c, const char **error_r)
{
	size_t i;

	for (i = 0; i < c->keytable->count; i++) {
		if (c->keys[i].key == NULL &&
		    load_key(c, &c->keys[i], error_r) < 0)
			return -1;
	}
	return 0;
}
