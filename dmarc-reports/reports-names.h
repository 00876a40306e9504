/*
 * reports-names.h - reverse DNS names (PTR, RFC 1035 3.5) of the
 * sources `summary` shows, looked up at once through the project's
 * resolver (ResolverConfiguration), forward-confirmed: a PTR name is
 * kept only when its A (IPv4) or AAAA (IPv6) records hold the source's
 * address (whoever owns the reverse zone can write any name there).
 * DNS trouble (timeout, SERVFAIL, no PTR, no matching address) leaves
 * the source with its IP.
 *
 * Memory: names are copied into the summary's arena.
 */
#ifndef REPORTS_NAMES_H
#define REPORTS_NAMES_H

struct dns_resolver;
struct reports_summary;

/* Name the shown and the top failing sources of every domain. */
void reports_names_lookup(struct reports_summary *s,
			  struct dns_resolver *resolver);

#endif
