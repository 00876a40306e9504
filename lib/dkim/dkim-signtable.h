/*
 * dkim-signtable.h - OpenDKIM's SigningTable (opendkim.conf(5)
 * SigningTable): which KeyTable entries sign mail from an address.
 *
 * The table is a data set (dkim-dataset.h).  Each value holds a key name
 * from the KeyTable and optionally, after a colon, the signer identity
 * written as i= ("KEYNAME[:SIGNER]").  A key name of exactly "%" means
 * the address's domain; in the signer every "%" is replaced by it.
 *
 * Lookup of the address USER@HOST, as opendkim.conf(5) defines it:
 *   refile:  keys are wildcard patterns ('*' matches any text, every
 *            other character itself, ASCII case-insensitively) matched
 *            against the whole address, in file order.
 *   file:    exact keys (case-insensitive), tried in this order:
 *            USER@HOST, HOST, USER@.PARENT for each parent domain of HOST
 *            (longest first), .PARENT likewise, USER@*, and *.
 * Only the first match is used unless `multiple` is set (OpenDKIM's
 * MultipleSignatures), then every match is, in that order, each key name
 * once.  With `multiple`, a file: key written on several lines gives
 * every line's key name (OpenDKIM would use the first line only; this
 * lets a flat file ask for rsa + ed25519).
 *
 * Memory: the table and lookup results live in the caller's arena.
 */
#ifndef MA_DKIM_SIGNTABLE_H
#define MA_DKIM_SIGNTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim/dkim-dataset.h"

struct arena;

/* Most matches one lookup returns (as many as signatures one pass can
 * make, DKIM_SIGN_MAX_SIGNATURES in dkim-sign.h). */
#define DKIM_SIGNTABLE_MAX_MATCHES 8

struct dkim_signtable_entry {
	const char *key;     /* address, domain or pattern */
	const char *keyname; /* KeyTable name, or "%" */
	const char *signer;  /* i=, or NULL */
	unsigned int line;
};

struct dkim_signtable {
	enum dkim_dataset_kind kind;
	const char *origin;
	struct dkim_signtable_entry *entries;
	size_t count;
};

struct dkim_signtable_match {
	const char *keyname; /* "%" already replaced */
	const char *signer;  /* "%" already replaced; NULL if none */
	unsigned int line;   /* of the matching table line */
};

/* Build a table from data set rows.  -1 with "ORIGIN:LINE: problem" for
 * a line without a key name. */
int dkim_signtable_from_rows(const char *origin, enum dkim_dataset_kind kind,
			     const struct dkim_dataset_row *rows, size_t count,
			     struct arena *arena,
			     struct dkim_signtable **table_r,
			     const char **error_r);

/* Read and parse the data set `spec` (file:, refile: or a path). */
int dkim_signtable_load(const char *spec, struct arena *arena,
			struct dkim_signtable **table_r, const char **error_r);

/* The entries matching local@domain (local may be "" for a bare domain
 * lookup), at most DKIM_SIGNTABLE_MAX_MATCHES, into matches[].  Returns
 * how many (0: the address is in no table line). */
size_t dkim_signtable_lookup(const struct dkim_signtable *table,
			     const char *local, const char *domain,
			     bool multiple, struct arena *arena,
			     struct dkim_signtable_match *matches);

/* Whether `text` matches the wildcard `pattern` ('*' = any text, ASCII
 * case-insensitive, whole string). */
bool dkim_signtable_wildcard(const char *pattern, const char *text);

#endif
