/*
 * fuzz_dkim_keytable.c - libFuzzer target: OpenDKIM KeyTable text through
 * the data set line parser and the KeyTable interpreter, then a lookup of
 * every name found.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "dkim/dkim-dataset.h"
#include "dkim/dkim-keytable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct dkim_dataset_row *rows;
	struct dkim_keytable *kt;
	const char *err;
	size_t n, i;

	if (dkim_dataset_parse("fuzz", (const char *)data, size, a, &rows, &n,
			       &err) == 0 &&
	    dkim_keytable_from_rows("fuzz", rows, n, a, &kt, &err) == 0) {
		for (i = 0; i < n; i++)
			(void)dkim_keytable_find(kt, rows[i].key);
	}
	arena_free(&a);
	return 0;
}
