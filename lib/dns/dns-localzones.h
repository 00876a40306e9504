/*
 * dns-localzones.h - libunbound's built-in local zones, turned off when
 * the site's resolver is in charge (private to lib/dns/dns.c).
 *
 * libunbound, like the unbound daemon, answers some names itself without
 * asking the resolver it was given (unbound.conf(5), "The default zones
 * are ..."): the reverse zones of RFC 6303 (RFC 1918 10/8, 172.16/12,
 * 192.168/16; 127/8 and ::1; 0/8, 169.254/16, 255.255.255.255; the
 * RFC 5737 documentation prefixes 192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24; RFC 6598 100.64/10; fd00::/8, fe80::/10, ::; and the
 * RFC 3849 prefix 2001:db8::/32) and the special-use names test.,
 * invalid. (RFC 6761) and home.arpa. (RFC 8375), all NXDOMAIN.  With
 * forwarders or the system resolver that is wrong: the site's resolver is
 * the authority on what exists (internal relays in 10/8 have PTR
 * records, a lab serves .test; SPF ptr and %{p} (RFC 7208 5.5, 7.3) and
 * every lookup there must reach it).  So in those modes every such zone
 * is replaced by a transparent local zone of the same name (and
 * unblock-lan-zones / insecure-lan-zones set),
 * leaving only localhost. (RFC 6761 6.3: resolver libraries return the
 * loopback address themselves) and onion. (RFC 7686 2: never sent to the
 * DNS).  A user's own libunbound configuration file keeps full control:
 * this is not applied to it.
 *
 * Memory: nothing is kept; the options are copied by libunbound.
 */
#ifndef MA_DNS_LOCALZONES_H
#define MA_DNS_LOCALZONES_H

struct ub_ctx;

/* Turn libunbound's built-in local zones off on `ub` (before its first
 * query).  Returns 0, or the libunbound error code of the option that
 * failed (ub_strerror()). */
int dns_localzones_off(struct ub_ctx *ub);

#endif
