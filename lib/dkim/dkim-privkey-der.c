/*
 * dkim-privkey-der.c - PEM armour and the PKCS#8 / PKCS#1 private key
 * shapes DKIM signers use (dkim-privkey-der.h).
 *
 * Strict DER only (X.690 section 10: definite, minimal lengths; minimal
 * positive integers): whatever is not exactly one of the expected
 * shapes is DKIM_DER_OTHER and goes to OpenSSL's general decoder.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "util/base64.h"
#include "dkim/dkim-privkey-der.h"

#define DER_INTEGER 0x02
#define DER_OCTET_STRING 0x04
#define DER_NULL 0x05
#define DER_OID 0x06
#define DER_SEQUENCE 0x30

/* rsaEncryption, RFC 8017 appendix C: 1.2.840.113549.1.1.1 */
static const unsigned char oid_rsa[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
};
/* id-Ed25519, RFC 8410 section 3: 1.3.101.112 */
static const unsigned char oid_ed25519[] = {0x2b, 0x65, 0x70};

/* A cursor over DER bytes. */
struct der {
	const unsigned char *p, *end;
};

/* Read one TLV with the single-byte `tag`; its contents in *in_r.
 * Lengths up to 3 bytes, minimal as DER requires. */
static bool
der_get(struct der *d, unsigned char tag, struct der *in_r)
{
	size_t avail = (size_t)(d->end - d->p), len, n, i;

	if (avail < 2 || d->p[0] != tag)
		return false;
	len = d->p[1];
	d->p += 2;
	avail -= 2;
	if (len >= 0x80) {
		n = len & 0x7f;
		if (n == 0 || n > 3 || n > avail || d->p[0] == 0)
			return false;
		for (len = 0, i = 0; i < n; i++)
			len = (len << 8) | d->p[i];
		if (len < 0x80) /* the short form was required */
			return false;
		d->p += n;
		avail -= n;
	}
	if (len > avail)
		return false;
	in_r->p = d->p;
	in_r->end = d->p + len;
	d->p += len;
	return true;
}

static bool
der_done(const struct der *d)
{
	return d->p == d->end;
}

/* A positive INTEGER, without its sign byte. */
static bool
der_uint(struct der *d, struct dkim_der_int *i_r)
{
	struct der in;

	if (!der_get(d, DER_INTEGER, &in) || in.p == in.end ||
	    (in.p[0] & 0x80) != 0)
		return false;
	if (in.p[0] == 0 && in.end - in.p > 1) {
		if ((in.p[1] & 0x80) == 0) /* not minimal */
			return false;
		in.p++;
	}
	i_r->data = in.p;
	i_r->len = (size_t)(in.end - in.p);
	return true;
}

static bool
der_zero(struct der *d)
{
	struct dkim_der_int v;

	return der_uint(d, &v) && v.len == 1 && v.data[0] == 0;
}

static bool
der_oid_is(const struct der *oid, const unsigned char *want, size_t len)
{
	return (size_t)(oid->end - oid->p) == len &&
	       memcmp(oid->p, want, len) == 0;
}

/* RFC 8017 A.1.2 RSAPrivateKey, version 0 (two primes), nothing more. */
static bool
parse_pkcs1(struct der d, struct dkim_der_privkey *key_r)
{
	struct der seq;
	size_t i;

	if (!der_get(&d, DER_SEQUENCE, &seq) || !der_done(&d) ||
	    !der_zero(&seq))
		return false;
	for (i = 0; i < DKIM_DER_RSA_COUNT; i++) {
		if (!der_uint(&seq, &key_r->rsa[i]))
			return false;
	}
	return der_done(&seq);
}

/* RFC 5208 section 5 PrivateKeyInfo, version 0, no attributes. */
static enum dkim_der_key_type
parse_pkcs8(struct der d, struct dkim_der_privkey *key_r)
{
	struct der seq, alg, oid, params, priv, seed;

	if (!der_get(&d, DER_SEQUENCE, &seq) || !der_done(&d) ||
	    !der_zero(&seq) || !der_get(&seq, DER_SEQUENCE, &alg) ||
	    !der_get(&alg, DER_OID, &oid) ||
	    !der_get(&seq, DER_OCTET_STRING, &priv) || !der_done(&seq))
		return DKIM_DER_OTHER;
	if (der_oid_is(&oid, oid_rsa, sizeof(oid_rsa))) {
		/* RFC 8017 C: the parameters are NULL */
		if (!der_get(&alg, DER_NULL, &params) || !der_done(&params) ||
		    !der_done(&alg) || !parse_pkcs1(priv, key_r))
			return DKIM_DER_OTHER;
		return DKIM_DER_RSA;
	}
	/* RFC 8410 3: no parameters; 7: CurvePrivateKey ::= OCTET STRING */
	if (der_oid_is(&oid, oid_ed25519, sizeof(oid_ed25519)) &&
	    der_done(&alg) && der_get(&priv, DER_OCTET_STRING, &seed) &&
	    der_done(&priv) &&
	    seed.end - seed.p == DKIM_DER_ED25519_SEED_LEN) {
		key_r->seed = seed.p;
		return DKIM_DER_ED25519;
	}
	return DKIM_DER_OTHER;
}

enum dkim_der_key_type
dkim_der_privkey_parse(const unsigned char *der, size_t len, int pkcs1,
		       struct dkim_der_privkey *key_r)
{
	struct der d = {der, der + len};

	memset(key_r, 0, sizeof(*key_r));
	if (pkcs1)
		key_r->type = parse_pkcs1(d, key_r) ? DKIM_DER_RSA :
						      DKIM_DER_OTHER;
	else
		key_r->type = parse_pkcs8(d, key_r);
	return key_r->type;
}

/* Does `text` start with "-----BEGIN label-----"?  Returns the length of
 * that line's text, or 0. */
static size_t
pem_line(const char *text, size_t len, const char *what, const char *label)
{
	size_t wl = strlen(what), ll = strlen(label);

	if (len < 5 + wl + ll + 5 || memcmp(text, "-----", 5) != 0 ||
	    memcmp(text + 5, what, wl) != 0 ||
	    memcmp(text + 5 + wl, label, ll) != 0 ||
	    memcmp(text + 5 + wl + ll, "-----", 5) != 0)
		return 0;
	return 5 + wl + ll + 5;
}

int
dkim_pem_decode(const char *text, size_t len, unsigned char *der,
		size_t size, size_t *len_r, int *pkcs1_r)
{
	static const char *const labels[] = {"PRIVATE KEY", "RSA PRIVATE KEY"};
	size_t i, head, tail;

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
			   text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		if ((head = pem_line(text, len, "BEGIN ", labels[i])) == 0)
			continue;
		if (head == len || (text[head] != '\n' && text[head] != '\r'))
			return -1;
		/* the END line closes the text (RFC 7468 section 2) */
		tail = 5 + 4 + strlen(labels[i]) + 5;
		if (len < head + tail ||
		    pem_line(text + len - tail, tail, "END ", labels[i]) == 0 ||
		    base64_decode(text + head, len - head - tail, der, size,
				  len_r) < 0)
			return -1;
		*pkcs1_r = i == 1;
		return 0;
	}
	return -1;
}
