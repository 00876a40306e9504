/*
 * fuzz_dkim_key.c - libFuzzer target: DKIM key records (RFC 6376 3.6.1,
 * RFC 8463 4) and the key table reader.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "dkim/dkim-key.h"
#include "dkim/dkim-keystore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *reason = NULL;
	struct dkim_key *key = NULL;
	struct dkim_keystore *ks;

	(void)dkim_key_parse((const char *)data, size, &key, &reason);
	if (key == NULL && reason == NULL)
		abort();
	if (key != NULL && !key->revoked && key->pkey == NULL)
		abort();
	dkim_key_unref(&key);
	ks = dkim_keystore_new_table_text((const char *)data, size);
	dkim_keystore_free(&ks);
	return 0;
}
