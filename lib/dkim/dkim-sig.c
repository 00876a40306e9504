/*
 * dkim-sig.c - parse and check a DKIM-Signature field (dkim-sig.h),
 * RFC 6376 sections 3.5 and 6.1.1.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/base64.h"
#include "dkim/dkim-sig.h"
#include "util/taglist.h"

/* RFC 6376 3.5: t= and x= are 1*12DIGIT; l= is 1*76DIGIT, of which we
 * take what fits in 64 bits (more is reported as an error). */
#define DKIM_SIG_TIME_DIGITS 12
#define DKIM_SIG_LENGTH_DIGITS 20
/* RFC 6008 section 4: header.b carries at least the first 8 characters */
#define DKIM_SIG_B_PREFIX 8
/* RFC 1035 2.3.4: labels of 63 octets at most, names of 255 octets
 * (253 characters written without the final dot). */
#define DKIM_SIG_LABEL_MAX 63
#define DKIM_SIG_NAME_MAX 253
/* the key record's name is selector "._domainkey." domain (3.6.2.1) */
#define DKIM_SIG_KEY_INFIX "._domainkey."

/* The tags of RFC 6376 3.5 we read, found in one pass over the list
 * (taglist_lookup()); sig_tag_names[] is in the same order. */
enum sig_tag {
	SIG_V, SIG_A, SIG_B, SIG_BH, SIG_C, SIG_D, SIG_H,
	SIG_I, SIG_L, SIG_Q, SIG_S, SIG_T, SIG_X, SIG_NTAGS
};

static const char *const sig_tag_names[SIG_NTAGS] = {
	"v", "a", "b", "bh", "c", "d", "h", "i", "l", "q", "s", "t", "x",
};

/* each tag of sig_tag_names[], or NULL if absent */
struct sig_tags {
	const struct taglist_tag *t[SIG_NTAGS];
};

static const char *
tag_dup(struct arena *arena, const struct taglist_tag *t)
{
	return t == NULL ? NULL :
			   arena_strndup(arena, t->value.p, t->value.len);
}

static bool
tag_eq(const struct taglist_tag *t, const char *lit)
{
	return t->value.len == strlen(lit) &&
	       strncasecmp(t->value.p, lit, t->value.len) == 0;
}

static bool
is_hdr_name_char(unsigned char c)
{
	return c >= 33 && c <= 126 && c != ':';
}

/* sp_skip_fws() where FWS begins (the value came through taglist_parse(),
 * so its folding is valid) */
static void
sig_skip_fws(struct strparse *sp)
{
	if (!sp_eof(sp) && (*sp->p == ' ' || *sp->p == '\t' ||
			    *sp->p == '\r' || *sp->p == '\n'))
		(void)sp_skip_fws(sp);
}

/* "from", ASCII case-insensitively: b | 0x20 is 'f' only for 'f', 'F' */
static bool
sig_is_from(struct sp_slice name)
{
	return name.len == 4 && (name.p[0] | 0x20) == 'f' &&
	       (name.p[1] | 0x20) == 'r' && (name.p[2] | 0x20) == 'o' &&
	       (name.p[3] | 0x20) == 'm';
}

/* h=: colon-separated names, FWS allowed around them.  The names are
 * NUL-terminated in one arena copy of the value: each is followed there
 * by FWS, a ':' or the end, which the NUL replaces. */
static bool
sig_headers(struct arena *arena, struct sp_slice v, struct dkim_sig *sig,
	    const char **reason_r)
{
	struct strparse sp;
	struct sp_slice name;
	char *names = arena_memdup0(arena, v.p, v.len);
	/* n names take at least 2n - 1 bytes */
	size_t max = (v.len + 1) / 2 < DKIM_SIG_MAX_HEADERS ?
			     (v.len + 1) / 2 : DKIM_SIG_MAX_HEADERS;
	bool from = false;

	sig->headers = arena_alloc(arena, sizeof(char *) * (max + 1));
	sp_init(&sp, v.p, v.len);
	for (;;) {
		sig_skip_fws(&sp);
		if (sp_span(&sp, is_hdr_name_char, 0, &name) == 0) {
			*reason_r = "empty header name in h=";
			return false;
		}
		if (sig->nheaders == DKIM_SIG_MAX_HEADERS) {
			*reason_r = "too many names in h=";
			return false;
		}
		names[name.p - v.p + name.len] = '\0';
		sig->headers[sig->nheaders++] = names + (name.p - v.p);
		from |= sig_is_from(name);
		sig_skip_fws(&sp);
		if (sp_eof(&sp))
			break;
		if (*sp.p != ':') {
			*reason_r = "malformed h=";
			return false;
		}
		sp.p++;
	}
	if (!from) {
		*reason_r = "From field not signed";
		return false;
	}
	return true;
}

static bool
sig_number(const struct taglist_tag *t, unsigned digits, bool *has_r,
	   uint64_t *value_r)
{
	struct strparse sp;

	*has_r = t != NULL;
	if (t == NULL)
		return true;
	sp_init(&sp, t->value.p, t->value.len);
	return sp_uint(&sp, digits, UINT64_MAX, value_r) && sp_eof(&sp);
}

bool
dkim_sig_domain_within(const char *sub, const char *domain)
{
	size_t slen = strlen(sub), dlen = strlen(domain);

	return slen >= dlen && strcasecmp(sub + slen - dlen, domain) == 0 &&
	       (slen == dlen || sub[slen - dlen - 1] == '.');
}

/* i=: [local-part] "@" domain, the domain equal to d= or below it. */
static bool
sig_auid(struct arena *arena, const struct sig_tags *tags,
	 struct dkim_sig *sig, const char **reason_r)
{
	const char *at;

	sig->auid = tag_dup(arena, tags->t[SIG_I]);
	if (sig->auid == NULL) {
		/* "@" d=, without a printf per signature */
		size_t dlen = strlen(sig->domain);
		char *auid = arena_alloc(arena, dlen + 2);

		auid[0] = '@';
		memcpy(auid + 1, sig->domain, dlen + 1);
		sig->auid = auid;
		sig->auid_domain = sig->auid + 1;
		return true;
	}
	if ((at = strrchr(sig->auid, '@')) == NULL) {
		*reason_r = "i= without '@'";
		return false;
	}
	sig->auid_domain = at + 1;
	if (!dkim_sig_domain_within(sig->auid_domain, sig->domain)) {
		*reason_r = "i= domain is not d= or a subdomain of it";
		return false;
	}
	return true;
}

static bool
sig_query_methods(const struct taglist_tag *t)
{
	struct strparse sp;
	struct sp_slice m;

	if (t == NULL)
		return true;
	sp_init(&sp, t->value.p, t->value.len);
	while (!sp_eof(&sp)) {
		(void)sp_skip_fws(&sp);
		sp_until(&sp, ":", &m);
		m = sp_slice_trim(m);
		if (sp_slice_eq_ci(m, "dns/txt") || sp_slice_eq_ci(m, "dns"))
			return true;
		(void)sp_char(&sp, ':');
	}
	return false;
}

/* The field with the b= value removed (RFC 6376 3.7): from just after
 * "b=" up to the ';' ending the tag or the end of the field. */
static void
sig_unsigned_text(struct arena *arena, const char *raw, size_t len,
		  const struct taglist_tag *b, struct dkim_sig *sig)
{
	const char *start = b->value.p, *end = b->value.p + b->value.len;
	const char *raw_end = raw + len;
	char *out;

	while (start > raw && start[-1] != '=')
		start--;
	while (end < raw_end && *end != ';')
		end++;
	out = arena_alloc(arena, len + 1);
	memcpy(out, raw, (size_t)(start - raw));
	memcpy(out + (start - raw), end, (size_t)(raw_end - end));
	sig->raw_unsigned_len = (size_t)(start - raw) + (size_t)(raw_end - end);
	out[sig->raw_unsigned_len] = '\0';
	sig->raw_unsigned = out;
}

static bool
sig_b(struct arena *arena, const struct taglist_tag *b, struct dkim_sig *sig,
      const char **reason_r)
{
	char prefix[DKIM_SIG_B_PREFIX + 1];
	size_t i, n = 0;

	for (i = 0; i < b->value.len && n < DKIM_SIG_B_PREFIX; i++) {
		char c = b->value.p[i];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			prefix[n++] = c;
	}
	prefix[n] = '\0';
	sig->b_prefix = arena_strdup(arena, prefix);
	if (base64_decode(b->value.p, b->value.len, sig->b, sizeof(sig->b),
			  &sig->b_len) < 0) {
		*reason_r = "b= is not valid base64";
		return false;
	}
	if (sig->b_len == 0) {
		*reason_r = "b= is empty";
		return false;
	}
	return true;
}

static bool
sig_required(const struct sig_tags *tags, const char **reason_r)
{
	static const enum sig_tag required[] = {SIG_V, SIG_A, SIG_B, SIG_BH,
						SIG_D, SIG_H, SIG_S};
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (tags->t[required[i]] == NULL) {
			*reason_r = "missing required tag";
			return false;
		}
	}
	return true;
}

/* v=, a=, bh=, c=: the tags that say how to verify. */
static bool
sig_method(const struct sig_tags *tags, struct dkim_sig *sig,
	   const char **reason_r)
{
	const struct taglist_tag *t;

	if (!tag_eq(tags->t[SIG_V], "1")) {
		*reason_r = "unsupported version (v= must be 1)";
		return false;
	}
	if (*sig->domain == '\0' || *sig->selector == '\0') {
		*reason_r = "empty d= or s=";
		return false;
	}
	t = tags->t[SIG_A];
	if (!dkim_alg_parse(t->value.p, t->value.len, &sig->alg)) {
		*reason_r = "unknown algorithm";
		return false;
	}
	t = tags->t[SIG_BH];
	if (base64_decode(t->value.p, t->value.len, sig->bh, sizeof(sig->bh),
			  &sig->bh_len) < 0) {
		*reason_r = "bh= is not valid base64";
		return false;
	}
	sig->header_canon = sig->body_canon = DKIM_CANON_SIMPLE;
	if ((t = tags->t[SIG_C]) != NULL &&
	    !dkim_canon_parse(t->value.p, t->value.len, &sig->header_canon,
			      &sig->body_canon)) {
		*reason_r = "unknown canonicalization";
		return false;
	}
	return true;
}

/* A letter, digit or hyphen, tested here rather than by a call per byte
 * of d= and s=. */
static bool
sig_is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-';
}

/* RFC 5321 4.1.2 sub-domain = Let-dig [Ldh-str]: letters, digits and
 * hyphens, not starting or ending with a hyphen, 63 octets at most. */
static bool
sig_name_valid(const char *name, unsigned int min_labels)
{
	const char *p = name, *label = name;
	unsigned int labels = 0;

	for (;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || p - label > DKIM_SIG_LABEL_MAX ||
			    label[0] == '-' || p[-1] == '-')
				return false;
			labels++;
			if (*p == '\0')
				break;
			label = p + 1;
		} else if (!sig_is_ldh((unsigned char)*p)) {
			return false;
		}
	}
	return labels >= min_labels;
}

/* d= and s= (RFC 6376 3.5 and 3.1):
 *   domain-name = sub-domain 1*("." sub-domain)  ; at least two labels
 *   selector    = sub-domain *( "." sub-domain )
 * IDNs only as A-labels (3.5 d=: "Internationalized domain names MUST
 * be encoded as A-labels").  Checked before any DNS query is made, so a
 * name such as "legitimate.com(.attacker.com" never reaches the DNS;
 * the key record name built from both must be a valid DNS name too. */
/* RFC 1123 2.1: "the highest-level component label will be alphabetic",
 * so a name such as 192.0.2.1 is an address, not a domain. */
static bool
sig_tld_numeric(const char *name)
{
	const char *tld = strrchr(name, '.');

	for (tld = tld != NULL ? tld + 1 : name; *tld != '\0'; tld++) {
		if (!sp_is_digit((unsigned char)*tld))
			return false;
	}
	return true;
}

bool
dkim_sig_domain_valid(const char *domain)
{
	return strlen(domain) <= DKIM_SIG_NAME_MAX &&
	       sig_name_valid(domain, 2) && !sig_tld_numeric(domain);
}

bool
dkim_sig_selector_valid(const char *selector)
{
	return strlen(selector) <= DKIM_SIG_NAME_MAX &&
	       sig_name_valid(selector, 1);
}

static bool
sig_names(const struct dkim_sig *sig, const char **reason_r)
{
	if (!dkim_sig_domain_valid(sig->domain)) {
		*reason_r = "d= is not a valid domain name (RFC 6376 3.5)";
		return false;
	}
	if (!sig_name_valid(sig->selector, 1)) {
		*reason_r = "s= is not a valid selector (RFC 6376 3.1)";
		return false;
	}
	if (strlen(sig->selector) + strlen(DKIM_SIG_KEY_INFIX) +
	    strlen(sig->domain) > DKIM_SIG_NAME_MAX) {
		*reason_r = "key record name s=._domainkey.d= is too long";
		return false;
	}
	return true;
}

/* l=, t=, x=, q=. */
static bool
sig_limits(const struct sig_tags *tags, struct dkim_sig *sig,
	   const char **reason_r)
{
	if (!sig_number(tags->t[SIG_L], DKIM_SIG_LENGTH_DIGITS,
			&sig->has_length, &sig->length)) {
		*reason_r = "malformed or too large l=";
		return false;
	}
	if (!sig_number(tags->t[SIG_T], DKIM_SIG_TIME_DIGITS,
			&sig->has_timestamp, &sig->timestamp) ||
	    !sig_number(tags->t[SIG_X], DKIM_SIG_TIME_DIGITS,
			&sig->has_expiry, &sig->expiry)) {
		*reason_r = "malformed t= or x=";
		return false;
	}
	if (sig->has_timestamp && sig->has_expiry &&
	    sig->expiry < sig->timestamp) {
		*reason_r = "x= is earlier than t=";
		return false;
	}
	if (!sig_query_methods(tags->t[SIG_Q])) {
		*reason_r = "unsupported query method (q=)";
		return false;
	}
	return true;
}

static bool
sig_parse(struct arena *arena, const char *raw, size_t raw_len,
	  struct dkim_sig *sig, const char **reason_r)
{
	struct sig_tags tags;
	struct taglist tl;
	const char *colon, *err;
	size_t off;

	/* the tags are slices of `raw`: what outlives this call is copied
	   into the arena */
	memset(sig, 0, sizeof(*sig));
	if ((colon = memchr(raw, ':', raw_len)) == NULL) {
		*reason_r = "not a header field";
		return false;
	}
	off = (size_t)(colon + 1 - raw);
	if (taglist_parse(colon + 1, raw_len - off, 0, &tl, &err, NULL) < 0) {
		*reason_r = err;
		return false;
	}
	taglist_lookup(&tl, sig_tag_names, SIG_NTAGS, tags.t);
	/* what the report shows, even if something else is wrong */
	sig->domain = tag_dup(arena, tags.t[SIG_D]);
	sig->selector = tag_dup(arena, tags.t[SIG_S]);
	sig->algorithm = tag_dup(arena, tags.t[SIG_A]);
	if (tags.t[SIG_B] != NULL &&
	    !sig_b(arena, tags.t[SIG_B], sig, reason_r))
		return false;
	if (!sig_required(&tags, reason_r) ||
	    !sig_method(&tags, sig, reason_r) ||
	    !sig_headers(arena, tags.t[SIG_H]->value, sig, reason_r) ||
	    !sig_auid(arena, &tags, sig, reason_r) ||
	    !sig_limits(&tags, sig, reason_r) || !sig_names(sig, reason_r))
		return false;
	sig_unsigned_text(arena, raw, raw_len, tags.t[SIG_B], sig);
	return true;
}

int
dkim_sig_parse(const char *raw, size_t raw_len, struct arena *arena,
	       struct dkim_sig *sig_r, const char **error_r)
{
	return sig_parse(arena, raw, raw_len, sig_r, error_r) ? 0 : -1;
}
