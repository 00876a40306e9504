/*
 * fuzz_msgauth.c - libFuzzer target: the msgauth push path on an
 * arbitrary message, keys from a key table, no DNS (DMARC off, SPF from
 * the header).  The first input byte chooses the piece size.  Checks:
 * every verdict is known at the end; the result does not depend on how
 * the message was split (whole vs pieces give the same A-R value and
 * the same fields to drop); every field to drop lies inside the message
 * and starts with its name, in message order.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dkim/dkim-keystore.h"
#include "msgauth/msgauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char keytable[] =
	"brisbane._domainkey.football.example.com v=DKIM1; k=ed25519; "
	"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n";
static const char *const trusted[] = {"mx.example.net"};

static struct msgauth *
run(struct dkim_keystore *ks, const uint8_t *msg, size_t len, size_t piece)
{
	struct msgauth_settings set;
	struct msgauth *ma;
	const char *err;
	size_t off, n;

	memset(&set, 0, sizeof(set));
	set.authserv_id = "mx.example.org";
	set.trusted_authserv_ids = trusted;
	set.ntrusted_authserv_ids = 1;
	set.dmarc_off = true;
	set.now = 1700000000;
	if (msgauth_new(&set, NULL, ks, NULL, NULL, &ma, &err) < 0)
		abort();
	for (off = 0; off < len; off += n) {
		n = len - off < piece ? len - off : piece;
		msgauth_push(ma, msg + off, n);
	}
	if (msgauth_run(ma, &err) < 0 || !msgauth_done(ma))
		abort();
	return ma;
}

static void
check_drop(const struct msgauth_result *r, const uint8_t *msg, size_t len)
{
	size_t i, nl;

	for (i = 0; i < r->ndrop; i++) {
		const struct msgauth_field *f = &r->drop[i];

		nl = strlen(f->name);
		if (f->offset > len || f->length > len - f->offset ||
		    f->length < nl ||
		    strncasecmp((const char *)msg + f->offset, f->name, nl) != 0)
			abort();
		if (i > 0 && (f->index <= r->drop[i - 1].index ||
			      f->offset < r->drop[i - 1].offset +
			      r->drop[i - 1].length))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkim_keystore *ks;
	struct msgauth *whole, *split;
	const struct msgauth_result *a, *b;
	size_t piece, i;

	if (size < 1)
		return 0;
	piece = (size_t)data[0] % 17 + 1;
	data++;
	size--;
	ks = dkim_keystore_new_table_text(keytable, sizeof(keytable) - 1);
	whole = run(ks, data, size, size + 1);
	split = run(ks, data, size, piece);
	a = msgauth_result(whole);
	b = msgauth_result(split);
	if (strcmp(msgauth_authres_value(whole, true),
		   msgauth_authres_value(split, true)) != 0 ||
	    a->ndrop != b->ndrop || a->ndkim != b->ndkim)
		abort();
	for (i = 0; i < a->ndrop; i++)
		if (a->drop[i].offset != b->drop[i].offset ||
		    a->drop[i].length != b->drop[i].length ||
		    a->drop[i].index != b->drop[i].index)
			abort();
	check_drop(a, data, size);
	msgauth_free(&whole);
	msgauth_free(&split);
	dkim_keystore_free(&ks);
	return 0;
}
