/*
 * reports-names.h - reverse DNS names (PTR, RFC 1035 3.5) of the
 * sources `summary` shows, looked up at once through the project's
 * resolver (ResolverConfiguration).  A name is as its PTR record says
 * (not confirmed forward): it labels a source, it proves nothing.
 * DNS trouble (timeout, SERVFAIL, no PTR) leaves the source with its IP.
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
