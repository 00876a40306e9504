/*
 * fuzz_dkim_privkey_der.c - libFuzzer target: the signer's own private
 * key reader (lib/dkim/dkim-privkey-der.h): PEM armour (RFC 7468 2) and
 * the PKCS#8 / PKCS#1 DER shapes it recognises.  Every integer and the
 * Ed25519 seed it hands back must lie inside the input DER.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "dkim/dkim-privkey-der.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
inside(const unsigned char *p, size_t len, const unsigned char *der,
       size_t der_len)
{
	if (p < der || len > der_len || (size_t)(p - der) > der_len - len)
		abort();
}

static void
check_parse(const unsigned char *der, size_t len, int pkcs1)
{
	struct dkim_der_privkey key;
	int i;

	switch (dkim_der_privkey_parse(der, len, pkcs1, &key)) {
	case DKIM_DER_RSA:
		for (i = 0; i < DKIM_DER_RSA_COUNT; i++) {
			if (key.rsa[i].len == 0)
				abort();
			inside(key.rsa[i].data, key.rsa[i].len, der, len);
		}
		break;
	case DKIM_DER_ED25519:
		inside(key.seed, DKIM_DER_ED25519_SEED_LEN, der, len);
		break;
	case DKIM_DER_OTHER:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *der;
	size_t len;
	int pkcs1;

	/* the raw bytes as DER, both ways */
	check_parse(data, size, 0);
	check_parse(data, size, 1);
	/* the bytes as PEM text */
	der = malloc(size + 1);
	if (der == NULL)
		return 0;
	if (dkim_pem_decode((const char *)data, size, der, size + 1, &len,
			    &pkcs1) == 0) {
		if (len > size + 1)
			abort();
		check_parse(der, len, pkcs1);
	}
	free(der);
	return 0;
}
