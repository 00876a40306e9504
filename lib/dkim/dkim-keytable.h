/*
 * dkim-keytable.h - OpenDKIM's KeyTable (opendkim.conf(5) KeyTable): a
 * data set (dkim-dataset.h) mapping a key name to three colon-separated
 * values
 *
 *     KEYNAME   DOMAIN:SELECTOR:KEY
 *
 * DOMAIN is the signature's d=, or "%" for the domain the SigningTable
 * lookup was made with (the apparent author domain); SELECTOR is s=; KEY
 * is a path to a private key file when it starts with '/', "./" or
 * "../", otherwise the key itself (PEM on one line is impossible, so in
 * practice base64 DER or a base64 Ed25519 seed).  The key is not loaded
 * here (that is dkim-crypto.h's job); this module only parses.
 *
 * DOMAIN and SELECTOR must have the syntax of d= and s= (RFC 6376 3.5,
 * 3.1; dkim_sig_domain_valid(), dkim_sig_selector_valid()).  A name
 * defined twice is an error (OpenDKIM's flat files silently answer the
 * first line; here which key signs never depends on line order).
 *
 * Memory: the table and its strings live in the caller's arena.
 */
#ifndef MA_DKIM_KEYTABLE_H
#define MA_DKIM_KEYTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim/dkim-dataset.h"

struct arena;

struct dkim_keytable_entry {
	const char *name;
	const char *domain;   /* "%" = the SigningTable lookup's domain */
	const char *selector;
	const char *key;      /* path or inline key data */
	bool key_is_path;
	unsigned int line;    /* in the file, for messages */
};

struct dkim_keytable {
	const char *origin; /* file name, for messages */
	struct dkim_keytable_entry *entries;
	size_t count;
};

/* Build a key table from data set rows.  -1 with "ORIGIN:LINE: problem"
 * (arena) in *error_r: missing fields, empty domain or selector, a
 * selector or domain with characters DNS names cannot have, or an empty
 * key, or a key name defined a second time. */
int dkim_keytable_from_rows(const char *origin,
			    const struct dkim_dataset_row *rows, size_t count,
			    struct arena *arena, struct dkim_keytable **table_r,
			    const char **error_r);

/* Read and parse the data set `spec` ("file:/etc/...", or a path). */
int dkim_keytable_load(const char *spec, struct arena *arena,
		       struct dkim_keytable **table_r, const char **error_r);

/* The entry called `name` (ASCII case-insensitive), or NULL. */
const struct dkim_keytable_entry *
dkim_keytable_find(const struct dkim_keytable *table, const char *name);

#endif
