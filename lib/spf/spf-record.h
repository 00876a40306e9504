/*
 * spf-record.h - the SPF record parser, RFC 7208 sections 4.5 (record
 * selection), 4.6 (record syntax), 5 (mechanisms), 6 (modifiers).
 *
 * The whole record is parsed before any term is evaluated, so a syntax
 * error anywhere is a permerror even if an earlier mechanism would match
 * (4.6).  Domain-specs are kept unexpanded (they are macro strings,
 * expanded at evaluation time by spf-macro.h) but their syntax,
 * including the domain-end rule, is checked here.
 *
 * Memory: the record, its terms and all strings are allocated from the
 * caller's arena.  The input may hold any octets (NUL included).
 */
#ifndef MA_SPF_RECORD_H
#define MA_SPF_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "spf/spf-addr.h"
#include "spf/spf.h"

struct arena;

/* RFC 7208 4.5: "v=spf1" followed by SP or the end. */
#define SPF_RECORD_VERSION "v=spf1"

enum spf_mechanism {
	SPF_MECH_ALL,     /* 5.1 */
	SPF_MECH_INCLUDE, /* 5.2 */
	SPF_MECH_A,       /* 5.3 */
	SPF_MECH_MX,      /* 5.4 */
	SPF_MECH_PTR,     /* 5.5 */
	SPF_MECH_IP4,     /* 5.6 */
	SPF_MECH_IP6,     /* 5.6 */
	SPF_MECH_EXISTS,  /* 5.7 */
};

struct spf_term {
	enum spf_mechanism mechanism;
	enum spf_result qualifier; /* 4.6.2: PASS FAIL SOFTFAIL NEUTRAL */
	const char *text;          /* the term as written */
	const char *domain_spec;   /* unexpanded macro string, or NULL when
	                              absent (a, mx, ptr default to <domain>) */
	bool uses_p;               /* domain_spec contains %{p} */
	unsigned int cidr4;        /* a, mx, ip4; SPF_ADDR_V4_BITS if absent */
	unsigned int cidr6;        /* a, mx, ip6; SPF_ADDR_V6_BITS if absent */
	struct spf_addr network;   /* ip4, ip6 */
};

struct spf_record {
	const struct spf_term *terms; /* the mechanisms, in order */
	size_t nterms;
	const char *redirect; /* 6.1 domain-spec, or NULL */
	bool redirect_uses_p;
	const char *exp; /* 6.2 domain-spec, or NULL */
	bool exp_uses_p;
};

/* Whether `len` bytes at `text` are an SPF version 1 record (4.5). */
bool spf_record_is_spf1(const char *text, size_t len);

/* Parse a record (starting with "v=spf1").  0 and *record_r, or -1 with
 * *error_r (arena text naming the offending term) on any syntax error. */
int spf_record_parse(const char *text, size_t len, struct arena *arena,
		     struct spf_record **record_r, const char **error_r);

/* RFC 7208 4.3: whether a domain is checkable: a valid DNS name of at
 * least two labels whose last label is a toplabel (4.6.1), so that IP
 * literals and single-label names give "none". */
bool spf_domain_is_valid(const char *domain);

/* "include", "a", ... */
const char *spf_mechanism_str(enum spf_mechanism mechanism);

#endif
