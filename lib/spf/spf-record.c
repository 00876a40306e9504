/*
 * spf-record.c - RFC 7208 4.6 record syntax (see spf-record.h).
 *
 * record   = version terms *SP
 * terms    = *( 1*SP ( directive / modifier ) )
 * directive = [ qualifier ] mechanism
 * modifier = redirect / explanation / unknown-modifier
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "dns/dns-name.h"
#include "spf/spf-macro.h"
#include "spf/spf-record.h"
#include "util/strparse.h"

#define SPF_CIDR_MAX_DIGITS 3

static const struct {
	const char *name;
	enum spf_mechanism mechanism;
} spf_mechanisms[] = {
    {"all", SPF_MECH_ALL}, {"include", SPF_MECH_INCLUDE}, {"a", SPF_MECH_A},
    {"mx", SPF_MECH_MX},   {"ptr", SPF_MECH_PTR},         {"ip4", SPF_MECH_IP4},
    {"ip6", SPF_MECH_IP6}, {"exists", SPF_MECH_EXISTS},
};

struct record_parse {
	struct arena *arena;
	struct spf_term *terms;
	size_t nterms;
	struct spf_record *record;
	const char *error;
};

const char *
spf_mechanism_str(enum spf_mechanism mechanism)
{
	size_t i;

	for (i = 0; i < sizeof(spf_mechanisms) / sizeof(spf_mechanisms[0]);
	     i++) {
		if (spf_mechanisms[i].mechanism == mechanism)
			return spf_mechanisms[i].name;
	}
	return "?";
}

bool
spf_record_is_spf1(const char *text, size_t len)
{
	size_t vlen = strlen(SPF_RECORD_VERSION);

	return len >= vlen &&
	       strncasecmp(text, SPF_RECORD_VERSION, vlen) == 0 &&
	       (len == vlen || text[vlen] == ' ');
}

/* name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
static bool
is_name_char(unsigned char c)
{
	return sp_is_alnum(c) || c == '-' || c == '_' || c == '.';
}

/* A printable copy of a term for messages and verdicts. */
static char *
term_text(struct arena *arena, struct sp_slice s)
{
	char *t = arena_memdup0(arena, s.p, s.len);
	size_t i;

	for (i = 0; i < s.len; i++) {
		if ((unsigned char)t[i] < 0x20 || (unsigned char)t[i] > 0x7e)
			t[i] = '?';
	}
	return t;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool
is_toplabel(const char *p, size_t len)
{
	bool alpha = false, hyphen = false;
	size_t i;

	if (len == 0 || p[0] == '-' || p[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '-')
			hyphen = true;
		else if (sp_is_alpha(c))
			alpha = true;
		else if (!sp_is_digit(c))
			return false;
	}
	return alpha || hyphen;
}

bool
spf_domain_is_valid(const char *domain)
{
	size_t len = domain == NULL ? 0 : strlen(domain);
	const char *dot;

	if (len == 0 || !dns_name_is_valid(domain))
		return false;
	if (domain[len - 1] == '.')
		len--;
	dot = memrchr(domain, '.', len);
	return dot != NULL && dot != domain &&
	       is_toplabel(dot + 1, (size_t)(domain + len - dot - 1));
}

/* domain-spec = macro-string domain-end
 * domain-end  = ( "." toplabel [ "." ] ) / macro-expand */
static int
check_domain_spec(struct record_parse *rp, struct sp_slice spec,
                  const char **spec_r, bool *uses_p_r)
{
	struct spf_macro_info info;
	const char *tail, *dot;
	size_t tlen;

	if (spec.len == 0) {
		rp->error = "empty domain-spec";
		return -1;
	}
	if (spf_macro_check(spec.p, spec.len, SPF_MACRO_DOMAIN, &info,
	                    &rp->error) < 0)
		return -1;
	if (!info.ends_with_expand) {
		tail = spec.p + info.tail_start;
		tlen = spec.len - info.tail_start;
		if (tlen > 0 && tail[tlen - 1] == '.')
			tlen--;
		dot = tlen == 0 ? NULL : memrchr(tail, '.', tlen);
		if (dot == NULL ||
		    !is_toplabel(dot + 1, (size_t)(tail + tlen - dot - 1))) {
			rp->error = "domain-spec does not end in a valid "
			            "top label or a macro";
			return -1;
		}
	}
	*spec_r = arena_memdup0(rp->arena, spec.p, spec.len);
	*uses_p_r = info.uses_p;
	return 0;
}

/* "/" followed by 1..3 digits without a leading zero, value <= max, and
 * nothing else. */
static int
parse_cidr_digits(struct sp_slice digits, unsigned int max,
                  unsigned int *value_r)
{
	struct strparse sp;
	uint64_t v;

	sp_init(&sp, digits.p, digits.len);
	if (digits.len > 1 && digits.p[0] == '0')
		return -1;
	if (!sp_uint(&sp, SPF_CIDR_MAX_DIGITS, max, &v) || !sp_eof(&sp))
		return -1;
	*value_r = (unsigned int)v;
	return 0;
}

/* Take a trailing "/DIGITS" off *s; 1 if found (*digits_r set), 0 if not. */
static int
take_slash_digits(struct sp_slice *s, struct sp_slice *digits_r)
{
	const char *slash = s->len == 0 ? NULL : memrchr(s->p, '/', s->len);
	size_t i;

	if (slash == NULL || slash == s->p + s->len - 1)
		return 0;
	for (i = (size_t)(slash - s->p) + 1; i < s->len; i++) {
		if (!sp_is_digit((unsigned char)s->p[i]))
			return 0;
	}
	digits_r->p = slash + 1;
	digits_r->len = (size_t)(s->p + s->len - slash - 1);
	s->len = (size_t)(slash - s->p);
	return 1;
}

/* dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ],
 * taken off the end of *s. */
static int
take_dual_cidr(struct record_parse *rp, struct sp_slice *s,
               struct spf_term *term)
{
	struct sp_slice digits;

	if (take_slash_digits(s, &digits) == 0)
		return 0;
	if (s->len > 0 && s->p[s->len - 1] == '/') {
		s->len--;
		if (parse_cidr_digits(digits, SPF_ADDR_V6_BITS, &term->cidr6) <
		    0)
			goto bad;
		if (take_slash_digits(s, &digits) == 0)
			return 0;
	}
	if (parse_cidr_digits(digits, SPF_ADDR_V4_BITS, &term->cidr4) < 0)
		goto bad;
	return 0;
bad:
	rp->error = "invalid CIDR length";
	return -1;
}

static int
parse_ip_network(struct record_parse *rp, struct sp_slice rest,
                 struct spf_term *term)
{
	bool v6 = term->mechanism == SPF_MECH_IP6;
	const char *slash;
	struct sp_slice net, digits;
	char *addr;

	if (rest.len == 0 || rest.p[0] != ':') {
		rp->error = "missing address";
		return -1;
	}
	net.p = rest.p + 1;
	net.len = rest.len - 1;
	slash = memchr(net.p, '/', net.len);
	if (slash != NULL) {
		digits.p = slash + 1;
		digits.len = (size_t)(net.p + net.len - slash - 1);
		net.len = (size_t)(slash - net.p);
		if (parse_cidr_digits(digits,
		                      v6 ? SPF_ADDR_V6_BITS : SPF_ADDR_V4_BITS,
		                      v6 ? &term->cidr6 : &term->cidr4) < 0) {
			rp->error = "invalid CIDR length";
			return -1;
		}
	}
	addr = arena_memdup0(rp->arena, net.p, net.len);
	term->network.v6 = v6;
	if (strlen(addr) != net.len || inet_pton(v6 ? AF_INET6 : AF_INET, addr,
	                                         term->network.bytes) != 1) {
		rp->error =
		    v6 ? "invalid IPv6 network" : "invalid IPv4 network";
		return -1;
	}
	return 0;
}

/* The part after the mechanism name. */
static int
parse_mechanism_args(struct record_parse *rp, struct sp_slice rest,
                     struct spf_term *term)
{
	enum spf_mechanism m = term->mechanism;
	bool cidr = m == SPF_MECH_A || m == SPF_MECH_MX;
	bool optional = cidr || m == SPF_MECH_PTR;
	struct sp_slice spec;

	if (m == SPF_MECH_IP4 || m == SPF_MECH_IP6)
		return parse_ip_network(rp, rest, term);
	if (m == SPF_MECH_ALL) {
		if (rest.len == 0)
			return 0;
		rp->error = "\"all\" takes no argument";
		return -1;
	}
	if (cidr && take_dual_cidr(rp, &rest, term) < 0)
		return -1;
	if (rest.len == 0 && optional)
		return 0;
	if (rest.len == 0 || rest.p[0] != ':') {
		rp->error = "missing or malformed domain-spec";
		return -1;
	}
	spec.p = rest.p + 1;
	spec.len = rest.len - 1;
	return check_domain_spec(rp, spec, &term->domain_spec, &term->uses_p);
}

static int
parse_modifier(struct record_parse *rp, struct sp_slice name,
               struct sp_slice value)
{
	struct spf_record *rec = rp->record;
	const char **spec_r = NULL;
	bool *uses_p_r = NULL;

	if (name.len == 0 || !sp_is_alpha((unsigned char)name.p[0])) {
		rp->error = "invalid modifier name";
		return -1;
	}
	if (sp_slice_eq_ci(name, "redirect")) {
		spec_r = &rec->redirect;
		uses_p_r = &rec->redirect_uses_p;
	} else if (sp_slice_eq_ci(name, "exp")) {
		spec_r = &rec->exp;
		uses_p_r = &rec->exp_uses_p;
	}
	if (spec_r == NULL) /* 6: unknown modifiers are checked, ignored */
		return spf_macro_check(value.p, value.len, SPF_MACRO_ANY, NULL,
		                       &rp->error);
	if (*spec_r != NULL) {
		rp->error = "modifier given twice";
		return -1;
	}
	return check_domain_spec(rp, value, spec_r, uses_p_r);
}

static int
parse_term(struct record_parse *rp, struct sp_slice text)
{
	struct spf_term *term = &rp->terms[rp->nterms];
	struct sp_slice name, rest;
	struct strparse sp;
	bool qualified = true;
	size_t i;

	sp_init(&sp, text.p, text.len);
	memset(term, 0, sizeof(*term));
	term->cidr4 = SPF_ADDR_V4_BITS;
	term->cidr6 = SPF_ADDR_V6_BITS;
	if (sp_char(&sp, '+'))
		term->qualifier = SPF_PASS;
	else if (sp_char(&sp, '-'))
		term->qualifier = SPF_FAIL;
	else if (sp_char(&sp, '~'))
		term->qualifier = SPF_SOFTFAIL;
	else if (sp_char(&sp, '?'))
		term->qualifier = SPF_NEUTRAL;
	else {
		term->qualifier = SPF_PASS;
		qualified = false;
	}
	sp_span(&sp, is_name_char, 0, &name);
	if (!qualified && sp_char(&sp, '=')) {
		rest.p = sp.p;
		rest.len = sp_left(&sp);
		return parse_modifier(rp, name, rest);
	}
	rest.p = sp.p;
	rest.len = sp_left(&sp);
	for (i = 0; i < sizeof(spf_mechanisms) / sizeof(spf_mechanisms[0]);
	     i++) {
		if (sp_slice_eq_ci(name, spf_mechanisms[i].name))
			break;
	}
	if (i == sizeof(spf_mechanisms) / sizeof(spf_mechanisms[0])) {
		rp->error = "unknown mechanism";
		return -1;
	}
	term->mechanism = spf_mechanisms[i].mechanism;
	term->text = term_text(rp->arena, text);
	if (parse_mechanism_args(rp, rest, term) < 0)
		return -1;
	rp->nterms++;
	return 0;
}

static bool
is_not_sp(unsigned char c)
{
	return c != ' ';
}

static size_t
count_tokens(struct strparse sp)
{
	size_t n = 0;

	for (;;) {
		while (sp_char(&sp, ' '))
			;
		if (sp_eof(&sp))
			return n;
		sp_span(&sp, is_not_sp, 0, NULL);
		n++;
	}
}

int
spf_record_parse(const char *text, size_t len, struct arena *arena,
		 struct spf_record **record_r, const char **error_r)
{
	struct record_parse rp;
	struct strparse sp;
	struct sp_slice term;

	if (!spf_record_is_spf1(text, len)) {
		*error_r = "not an SPF version 1 record";
		return -1;
	}
	memset(&rp, 0, sizeof(rp));
	rp.arena = arena;
	rp.record = arena_zalloc(arena, sizeof(*rp.record));
	sp_init(&sp, text + strlen(SPF_RECORD_VERSION),
	        len - strlen(SPF_RECORD_VERSION));
	/* memory follows the record: one term per SP-separated token, and a
	 * TXT record is at most one DNS message (64 KiB) */
	rp.terms =
	    arena_zalloc(arena, (count_tokens(sp) + 1) * sizeof(*rp.terms));
	for (;;) {
		while (sp_char(&sp, ' '))
			;
		if (sp_eof(&sp))
			break;
		sp_span(&sp, is_not_sp, 0, &term);
		if (parse_term(&rp, term) < 0) {
			*error_r = arena_printf(
			    arena, "%s: %s", term_text(arena, term), rp.error);
			return -1;
		}
	}
	rp.record->terms = rp.terms;
	rp.record->nterms = rp.nterms;
	*record_r = rp.record;
	return 0;
}
