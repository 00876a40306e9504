/*
 * fuzz_dkim_signtable.c - libFuzzer target: OpenDKIM SigningTable text
 * (first byte picks file: or refile:, MultipleSignatures or not) through
 * the data set parser and the table, then lookups of fixed addresses and
 * of each line's key as an address.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/arena.h"
#include "dkim/dkim-dataset.h"
#include "dkim/dkim-signtable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkim_signtable_match m[DKIM_SIGNTABLE_MAX_MATCHES];
	struct arena *a;
	struct dkim_dataset_row *rows;
	struct dkim_signtable *st;
	enum dkim_dataset_kind kind;
	const char *err;
	bool multiple;
	size_t n, i;

	if (size < 1)
		return 0;
	kind = (data[0] & 1) ? DKIM_DATASET_REFILE : DKIM_DATASET_FILE;
	multiple = (data[0] & 2) != 0;
	a = arena_new(0);
	if (dkim_dataset_parse("fuzz", (const char *)data + 1, size - 1, a,
			       &rows, &n, &err) == 0 &&
	    dkim_signtable_from_rows("fuzz", kind, rows, n, a, &st, &err) == 0) {
		(void)dkim_signtable_lookup(st, "user", "mail.example.com",
					    multiple, a, m);
		(void)dkim_signtable_lookup(st, "", "example.org", multiple, a,
					    m);
		for (i = 0; i < n && i < 64; i++) {
			const char *at = strchr(rows[i].key, '@');

			(void)dkim_signtable_lookup(st, "x",
						    at != NULL ? at + 1 :
								 rows[i].key,
						    multiple, a, m);
			(void)dkim_signtable_wildcard(rows[i].key,
						      rows[i].value);
		}
	}
	arena_free(&a);
	return 0;
}
