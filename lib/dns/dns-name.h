/*
 * dns-name.h - the syntax of a query name in text form (RFC 1035 2.3.4),
 * on its own (dns-name.c) so that programs that check names without
 * resolving them (dkim-signer, through the address parser) do not link
 * the resolver and with it libunbound and libevent.
 */
#ifndef MA_DNS_NAME_H
#define MA_DNS_NAME_H

#include <stdbool.h>

/* Whether `name` is a syntactically valid query name: 1..253 octets,
 * labels 1..63 octets, an optional final dot. */
bool dns_name_is_valid(const char *name);

#endif
