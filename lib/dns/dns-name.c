/*
 * dns-name.c - the syntax of a query name in text form (RFC 1035 2.3.4),
 * on its own so that programs that check names without resolving them
 * (dkim-signer, through the address parser) do not link the resolver
 * and with it libunbound and libevent (see dns-name.h).
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "dns/dns-name.h"

/* RFC 1035 section 2.3.4: 255 octets on the wire = 253 in text;
 * labels of 63 octets at most. */
#define DNS_NAME_TEXT_MAX 253
#define DNS_LABEL_MAX 63

bool
dns_name_is_valid(const char *name)
{
	size_t len = strlen(name), label = 0, i;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_NAME_TEXT_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (name[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (++label > DNS_LABEL_MAX) {
			return false;
		}
	}
	return label > 0;
}
