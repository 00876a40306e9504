/*
 * fuzz_dkim_verify.c - libFuzzer target: the whole verifier on an
 * arbitrary message, with the keys of the published test vectors in a
 * key table (no DNS).  Every signature must get a verdict.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dkim/dkim-key.h"
#include "dkim/dkim-keystore.h"
#include "dkim/dkim-verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char keytable[] =
	"brisbane._domainkey.football.example.com v=DKIM1; k=ed25519; "
	"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
	"test._domainkey.football.example.com v=DKIM1; k=rsa; "
	"p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkim_keystore *ks =
		dkim_keystore_new_table_text(keytable, sizeof(keytable) - 1);
	struct dkim_verify_settings set;
	const struct dkim_verify_result *r;
	struct dkim_verify *v;
	size_t n, i, half = size / 2;

	memset(&set, 0, sizeof(set));
	set.now = 1700000000;
	v = dkim_verify_new(&set, ks, NULL);
	dkim_verify_push(v, data, half);
	dkim_verify_push(v, data + half, size - half);
	dkim_verify_end(v);
	if (!dkim_verify_done(v))
		abort();
	r = dkim_verify_results(v, &n);
	for (i = 0; i < n; i++) {
		if (r[i].result == DKIM_RESULT_NONE ||
		    (r[i].result != DKIM_RESULT_PASS && r[i].reason == NULL))
			abort();
	}
	dkim_verify_free(&v);
	dkim_keystore_free(&ks);
	return 0;
}
