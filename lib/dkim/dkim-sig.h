/*
 * dkim-sig.h - the DKIM-Signature header field, RFC 6376 section 3.5
 * (tags), 3.7 (the field hashed with b= emptied), 6.1.1 (validation), RFC
 * 8463 (ed25519-sha256), RFC 8301 (rsa-sha1).
 *
 * dkim_sig_parse() reads the tag-list with lib/util/taglist.h and checks every
 * rule a verifier applies before fetching a key: v=1, required tags,
 * a=, c=, base64 of b=/bh=, d= and i= (i= must be d= or a subdomain of
 * it), h= must include From, l=, q=dns/txt, t= and x= (x < t is an
 * error), and the syntax of d= (a domain name of two labels or more,
 * 3.5) and s= (3.1): LDH labels only, so that no key is ever fetched
 * for a name such as "com" or "legitimate.com(.attacker.com".  A malformed signature is a verdict (permerror with a reason),
 * not an internal error.
 *
 * Memory: everything struct dkim_sig points to lives in the arena given
 * to the parser (the h= names share one copy of the h= value); nothing
 * points into the raw field text, which need not outlive the call.
 */
#ifndef MA_DKIM_SIG_H
#define MA_DKIM_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dkim/dkim.h"

struct arena;

/* RFC 6376 3.5 does not bound h=; more names than this is hostile. */
#define DKIM_SIG_MAX_HEADERS 256
/* Largest signature we accept: RSA-8192 (RFC 8301 3.2 allows up to 4096
 * for verifiers; larger is rejected later with a reason). */
#define DKIM_SIG_MAX_B 1024
#define DKIM_SIG_MAX_BH 64

struct dkim_sig {
	enum dkim_alg alg;
	enum dkim_canon header_canon, body_canon;
	const char *domain;   /* d=, as written */
	const char *selector; /* s= */
	const char *auid;     /* i=, or "@" d= when absent (RFC 6376 3.5) */
	const char *auid_domain; /* the part of auid after '@' */
	const char *b_prefix; /* first 8 characters of b= (RFC 6008) */
	const char *algorithm; /* a= as written */
	const char **headers; /* h= names, in order, as written */
	size_t nheaders;
	bool has_length;
	uint64_t length; /* l= */
	bool has_timestamp, has_expiry;
	uint64_t timestamp, expiry; /* t=, x= */
	unsigned char b[DKIM_SIG_MAX_B];
	size_t b_len;
	unsigned char bh[DKIM_SIG_MAX_BH];
	size_t bh_len;
	/* The raw field with the b= value removed (3.7), CRLF folding, no
	 * final CRLF: the text to canonicalize as the last signed field. */
	const char *raw_unsigned;
	size_t raw_unsigned_len;
};

/* Parse the raw DKIM-Signature field `raw` (name, colon and value, as
 * msg-header.h gives it) into the caller's *sig_r (strings in `arena`).
 * Returns 0, or -1 with a static reason in *error_r; the verdict is then
 * permerror, except for rsa-sha1 which is parsed fully (0) and left to
 * the caller to report as policy.  Fields of *sig_r already parsed stay
 * set on failure (d=, s= ... for the report), others are zero. */
int dkim_sig_parse(const char *raw, size_t raw_len, struct arena *arena,
		   struct dkim_sig *sig_r, const char **error_r);

/* The syntax the parser applies to d= (RFC 6376 3.5 domain-name: two
 * or more RFC 5321 4.1.2 sub-domains, LDH labels of 63 octets at most,
 * no final dot, a last label that is not all digits: RFC 1123 2.1) and
 * s= (3.1 selector: one or more sub-domains).  Shared
 * by everything that names a key: the KeyTable, dkim-keygen, the signer's
 * "%" domain.  Underscores, a leading or trailing hyphen, empty labels,
 * white space and control characters are all refused. */
bool dkim_sig_domain_valid(const char *domain);
bool dkim_sig_selector_valid(const char *selector);

/* RFC 6376 3.5 i=: whether `sub` (the part after '@') is `domain` or a
 * subdomain of it, ASCII case-insensitively. */
bool dkim_sig_domain_within(const char *sub, const char *domain);

#endif
