/*
 * spf-macro.h - SPF macro strings, RFC 7208 section 7: syntax check (for
 * the record parser) and expansion (for evaluation).
 *
 * macro-string = *( macro-expand / macro-literal )
 * macro-expand = "%{" macro-letter transformers *delimiter "}"
 *                / "%%" / "%_" / "%-"
 * Letters s l o d i p v h everywhere; c r t only in explanation text
 * (7.3).  Upper-case letters are URL-escaped (RFC 3986 unreserved kept).
 * Transformers: a non-zero digit count of right-hand parts, then "r"
 * to reverse; delimiters . - + , / _ = (default ".").
 *
 * Memory: expansion results are allocated from the caller's arena; the
 * variables are borrowed.  No state; safe from any thread.
 */
#ifndef MA_SPF_MACRO_H
#define MA_SPF_MACRO_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct spf_addr;

/* Bound on one expansion, far above any usable name or explanation, so a
 * hostile record repeating %{s} cannot make us allocate megabytes. */
#define SPF_MACRO_MAX_OUTPUT 8192
/* RFC 7208 7.3: expanded names are cut from the left to 253 octets. */
#define SPF_MACRO_MAX_DOMAIN 253

enum spf_macro_context {
	SPF_MACRO_DOMAIN,  /* a domain-spec: letters s l o d i p v h */
	SPF_MACRO_EXPLAIN, /* explanation-string (6.2): also c r t and SP */
	SPF_MACRO_ANY,     /* unknown-modifier value: any letter, no SP */
};

/* What the syntax check learnt about a macro string. */
struct spf_macro_info {
	bool uses_p;           /* contains %{p} (needs PTR validation) */
	bool ends_with_expand; /* the last token is a macro-expand */
	size_t tail_start;     /* offset of the literal text after the last
	                          macro-expand (0 if none) */
};

/* The values of the macro letters for one evaluation (7.3). */
struct spf_macro_vars {
	const char *sender;        /* s */
	const char *local_part;    /* l */
	const char *sender_domain; /* o */
	const char *domain;        /* d: the current <domain> */
	const struct spf_addr *ip; /* i, c, v */
	const char *ptr_name;      /* p: validated name; NULL = "unknown" */
	const char *helo;          /* h; NULL = "unknown" */
	const char *receiver;      /* r; NULL = "unknown" */
	long long timestamp;       /* t */
};

/* Syntax-check `len` bytes at `s`.  0 and *info_r (may be NULL), or -1
 * with *error_r (static text). */
int spf_macro_check(const char *s, size_t len, enum spf_macro_context context,
                    struct spf_macro_info *info_r, const char **error_r);

/* Expand; the result (NUL-terminated) is allocated from `arena`.
 * 0, or -1 with *error_r on a syntax error or an expansion longer than
 * SPF_MACRO_MAX_OUTPUT. */
int spf_macro_expand(struct arena *arena, const char *s, size_t len,
                     enum spf_macro_context context,
                     const struct spf_macro_vars *vars, char **result_r,
                     const char **error_r);

/* RFC 7208 7.3: drop leading labels of an expanded name until it is at
 * most SPF_MACRO_MAX_DOMAIN octets.  Returns a pointer into `name`. */
const char *spf_macro_truncate_domain(const char *name);

#endif
