/*
 * dmarc-align.h - domain comparisons for Identifier Alignment, RFC 9989
 * 3.2.10 and 4.4 (dmarc-align.c).  Organizational Domains themselves
 * come from the tree walk (dmarc-discover.h) or the PSL (dmarc.h).
 */
#ifndef MA_DMARC_ALIGN_H
#define MA_DMARC_ALIGN_H

#include <stdbool.h>

/* Strict: the same domain (ASCII case-insensitive, final dot ignored). */
bool dmarc_domain_eq(const char *a, const char *b);
/* Whether `a` and `b` share at least one trailing label; if not they
 * cannot have the same Organizational Domain. */
bool dmarc_domains_related(const char *a, const char *b);
/* Number of labels of a domain ("a.example.com" -> 3; "" -> 0). */
unsigned int dmarc_label_count(const char *domain);
/* The suffix of `domain` with `labels` labels (pointer into it). */
const char *dmarc_domain_suffix(const char *domain, unsigned int labels);

#endif
