/*
 * dkim-key.c - DKIM key records and DNS answers for them (dkim-key.h),
 * RFC 6376 sections 3.6.1, 3.6.2, 6.1.2; RFC 8463 section 4.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-key.h"
#include "dns/dns.h"
#include "util/taglist.h"
#include "util/xalloc.h"

/* p= of an RSA-4096 SubjectPublicKeyInfo is ~550 bytes; room for more. */
#define DKIM_KEY_MAX_DER 2048

/* Whether the colon-separated list in tag `name` contains one of the
 * words (or the tag is absent: *absent_ok). */
static bool
tag_list_has(const struct taglist *tl, const char *name, const char *w1,
	     const char *w2, bool absent_ok)
{
	const struct taglist_tag *t = taglist_get(tl, name);
	struct strparse sp;
	struct sp_slice item;

	if (t == NULL)
		return absent_ok;
	sp_init(&sp, t->value.p, t->value.len);
	while (!sp_eof(&sp)) {
		sp_until(&sp, ":", &item);
		item = sp_slice_trim(item);
		if (sp_slice_eq_ci(item, w1) ||
		    (w2 != NULL && sp_slice_eq_ci(item, w2)))
			return true;
		(void)sp_char(&sp, ':');
	}
	return false;
}

static bool
key_check_tags(const struct taglist *tl, enum dkim_key_type *type_r,
	       const char **reason_r)
{
	const struct taglist_tag *t;

	if ((t = taglist_get(tl, "v")) != NULL &&
	    !(t->value.len == 5 && memcmp(t->value.p, "DKIM1", 5) == 0)) {
		*reason_r = "key record v= is not DKIM1";
		return false;
	}
	*type_r = DKIM_KEY_RSA;
	if ((t = taglist_get(tl, "k")) != NULL) {
		if (sp_slice_eq_ci(t->value, "ed25519")) {
			*type_r = DKIM_KEY_ED25519;
		} else if (!sp_slice_eq_ci(t->value, "rsa")) {
			*reason_r = "unknown key type (k=)";
			return false;
		}
	}
	if (!tag_list_has(tl, "h", "sha256", NULL, true)) {
		*reason_r = "key h= does not allow sha256";
		return false;
	}
	if (!tag_list_has(tl, "s", "email", "*", true)) {
		*reason_r = "key not for email (s=)";
		return false;
	}
	if (taglist_get(tl, "p") == NULL) {
		*reason_r = "key record without p=";
		return false;
	}
	return true;
}

static struct dkim_key *
key_parse(const char *text, size_t len, const char **reason_r)
{
	unsigned char der[DKIM_KEY_MAX_DER];
	const struct taglist_tag *p;
	enum dkim_key_type type;
	struct dkim_key *key;
	struct taglist tl;
	const char *err;
	size_t n;

	if (taglist_parse(text, len, 0, &tl, &err, NULL) < 0) {
		*reason_r = "malformed key record";
		return NULL;
	}
	if (!key_check_tags(&tl, &type, reason_r))
		return NULL;
	p = taglist_get(&tl, "p");
	if (base64_decode(p->value.p, p->value.len, der, sizeof(der), &n) < 0) {
		*reason_r = "key p= is not valid base64";
		return NULL;
	}
	key = ma_calloc(1, sizeof(*key));
	key->refcount = 1;
	key->type = type;
	key->testing = tag_list_has(&tl, "t", "y", NULL, false);
	key->strict = tag_list_has(&tl, "t", "s", NULL, false);
	if (n == 0) {
		key->revoked = true;
		return key;
	}
	key->pkey = dkim_crypto_public_key(type, der, n, &key->bits,
					   &key->verify_ctx);
	if (key->pkey == NULL) {
		free(key);
		*reason_r = "key p= is not a valid public key";
		return NULL;
	}
	return key;
}

int
dkim_key_parse(const char *text, size_t len, struct dkim_key **key_r,
	       const char **error_r)
{
	*key_r = key_parse(text, len, error_r);
	return *key_r != NULL ? 0 : -1;
}

struct dkim_key *
dkim_key_ref(struct dkim_key *key)
{
	key->refcount++;
	return key;
}

void
dkim_key_unref(struct dkim_key **key_p)
{
	struct dkim_key *key = *key_p;

	if (key == NULL)
		return;
	*key_p = NULL;
	if (--key->refcount > 0)
		return;
	dkim_crypto_public_key_free(key->pkey, key->verify_ctx);
	free(key);
}

void
dkim_key_dns_result(const struct dns_result *res,
		    struct dkim_key_answer *answer_r, struct dkim_key **key_r)
{
	const char *reason = NULL;
	size_t i, ntxt = 0;

	*key_r = NULL;
	answer_r->key = NULL;
	answer_r->result = DKIM_RESULT_PERMERROR;
	switch (res->outcome) {
	case DNS_ANSWER:
		for (i = 0; i < res->count; i++)
			ntxt += res->rrs[i].type == DNS_T_TXT;
		if (ntxt > 1) {
			/* RFC 6376 3.6.2.2: results undefined */
			reason = "multiple key records (RFC 6376 3.6.2.2)";
			break;
		}
		for (i = 0; i < res->count && *key_r == NULL; i++) {
			const struct dns_rr *rr = &res->rrs[i];
			const char *why = NULL;

			if (rr->type != DNS_T_TXT)
				continue;
			(void)dkim_key_parse(rr->u.txt.text,
					     rr->u.txt.text_len, key_r, &why);
			if (reason == NULL)
				reason = why;
		}
		if (*key_r != NULL) {
			answer_r->result = DKIM_RESULT_PASS;
			answer_r->key = *key_r;
			reason = NULL;
		} else if (reason == NULL) {
			reason = "no key for signature";
		}
		break;
	case DNS_NODATA:
	case DNS_NXDOMAIN:
		reason = "no key for signature";
		break;
	case DNS_BADNAME:
		reason = "invalid key name";
		break;
	case DNS_SERVFAIL:
		answer_r->result = DKIM_RESULT_TEMPERROR;
		reason = "key lookup failed (DNS SERVFAIL)";
		break;
	case DNS_TIMEOUT:
		answer_r->result = DKIM_RESULT_TEMPERROR;
		reason = "key lookup timed out";
		break;
	}
	answer_r->reason = reason;
}
