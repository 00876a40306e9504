/*
 * dns-localzones.c - turn libunbound's built-in local zones off (see
 * dns-localzones.h).
 */
#include "config.h"

#include <stdio.h>
#include <unbound.h>

#include "dns/dns-localzones.h"

#define ZEROS16 "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."

/* unbound.conf(5), the default zones, less localhost. and onion. */
static const char *const default_zones[] = {
	"127.in-addr.arpa.",			/* IPv4 loopback */
	"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0." ZEROS16 "ip6.arpa.", /* ::1 */
	ZEROS16 ZEROS16 "ip6.arpa.",		/* :: (RFC 4291) */
	"home.arpa.",				/* RFC 8375 */
	"test.",				/* RFC 6761 6.2 */
	"invalid.",				/* RFC 6761 6.4 */
	"10.in-addr.arpa.",			/* RFC 1918 */
	"168.192.in-addr.arpa.",		/* RFC 1918 */
	"0.in-addr.arpa.",			/* "this" network */
	"254.169.in-addr.arpa.",		/* link-local */
	"2.0.192.in-addr.arpa.",		/* RFC 5737 TEST-NET-1 */
	"100.51.198.in-addr.arpa.",		/* RFC 5737 TEST-NET-2 */
	"113.0.203.in-addr.arpa.",		/* RFC 5737 TEST-NET-3 */
	"255.255.255.255.in-addr.arpa.",	/* broadcast */
	"d.f.ip6.arpa.",			/* RFC 4193 fd00::/8 */
	"8.e.f.ip6.arpa.",			/* fe80::/10 link-local */
	"9.e.f.ip6.arpa.",
	"a.e.f.ip6.arpa.",
	"b.e.f.ip6.arpa.",
	"8.b.d.0.1.0.0.2.ip6.arpa.",		/* RFC 3849 2001:db8::/32 */
	"resolver.arpa.",			/* RFC 9462 (newer unbound) */
	"service.arpa.",			/* RFC 9665 (newer unbound) */
};

/* RFC 1918 172.16/12 and RFC 6598 100.64/10: one zone per /16 */
#define RFC1918_172_FIRST 16
#define RFC1918_172_LAST 31
#define RFC6598_100_FIRST 64
#define RFC6598_100_LAST 127

/* Our own local-zone of that name replaces the default (unbound.conf(5):
 * "The defaults can be turned off by specifying your own local-zone of
 * that name"); "transparent" without local-data resolves every name in
 * it normally.  ("nodefault" would say it best, but libunbound 1.17
 * ignores it through ub_ctx_set_option(): measured.) */
static int
zone_off(struct ub_ctx *ub, const char *zone)
{
	char value[128];

	snprintf(value, sizeof(value), "%s transparent", zone);
	return ub_ctx_set_option(ub, "local-zone:", value);
}

static int
zone_off_range(struct ub_ctx *ub, unsigned int first, unsigned int last,
		const char *suffix)
{
	char zone[64];
	unsigned int i;
	int err = 0;

	for (i = first; err == 0 && i <= last; i++) {
		snprintf(zone, sizeof(zone), "%u.%s", i, suffix);
		err = zone_off(ub, zone);
	}
	return err;
}

int
dns_localzones_off(struct ub_ctx *ub)
{
	size_t i;
	int err;

	/* the RFC 1918 zones have their own switch; insecure-lan-zones
	   keeps a site's private zones from being bogus under DNSSEC */
	err = ub_ctx_set_option(ub, "unblock-lan-zones:", "yes");
	if (err == 0)
		err = ub_ctx_set_option(ub, "insecure-lan-zones:", "yes");
	for (i = 0; err == 0 && i < sizeof(default_zones) /
		    sizeof(default_zones[0]); i++)
		err = zone_off(ub, default_zones[i]);
	if (err == 0)
		err = zone_off_range(ub, RFC1918_172_FIRST, RFC1918_172_LAST,
				      "172.in-addr.arpa.");
	if (err == 0)
		err = zone_off_range(ub, RFC6598_100_FIRST, RFC6598_100_LAST,
				      "100.in-addr.arpa.");
	return err;
}
