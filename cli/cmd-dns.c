/*
 * cmd-dns.c - `authcheck dns TYPE NAME`: one lookup through the DNS layer,
 * printed like a terse dig: the outcome line, then one line per record.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "authcheck.h"

static void
print_txt(const struct dns_rr *rr)
{
	size_t i, j;

	for (i = 0; i < rr->u.txt.nstrings; i++) {
		const struct dns_txt_string *s = &rr->u.txt.strings[i];

		putchar(i == 0 ? '"' : ' ');
		if (i > 0)
			putchar('"');
		for (j = 0; j < s->len; j++) {
			unsigned char c = s->data[j];

			if (c == '"' || c == '\\')
				printf("\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				printf("\\%03u", c);
			else
				putchar(c);
		}
		putchar('"');
	}
	if (rr->u.txt.nstrings == 0)
		printf("\"\"");
}

static void
print_rr(const struct dns_result *res, const struct dns_rr *rr)
{
	char addr[INET6_ADDRSTRLEN];

	printf("%s.\t%u\tIN\t%s\t", res->qname, res->ttl, dns_type_str(rr->type));
	switch (rr->type) {
	case DNS_T_A:
		printf("%s", inet_ntop(AF_INET, &rr->u.a, addr, sizeof(addr)));
		break;
	case DNS_T_AAAA:
		printf("%s", inet_ntop(AF_INET6, &rr->u.aaaa, addr, sizeof(addr)));
		break;
	case DNS_T_MX:
		printf("%u %s.", rr->u.mx.preference, rr->u.mx.exchange);
		break;
	case DNS_T_PTR:
	case DNS_T_CNAME:
		printf("%s.", rr->u.name);
		break;
	case DNS_T_TXT:
	case DNS_T_SPF:
		print_txt(rr);
		break;
	}
	putchar('\n');
}

#define DNS_USAGE_TYPES "A AAAA MX PTR TXT CNAME SPF"

static void
dns_usage(FILE *fp)
{
	fprintf(fp, "usage: authcheck dns [OPTIONS] TYPE NAME\n"
		    "TYPE is one of " DNS_USAGE_TYPES ".\n"
		    "options:\n%s", authcheck_dns_usage);
}

int
cmd_dns(struct authcheck *ac, int argc, char **argv)
{
	const char *args[2], *error;
	struct dns_resolver *resolver;
	struct dns_result *res;
	enum dns_type type;
	int i, n = 0, r;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			dns_usage(stdout);
			return AUTHCHECK_EXIT_OK;
		}
		if ((r = authcheck_dns_option(ac, argc, argv, &i)) < 0)
			return AUTHCHECK_EXIT_USAGE;
		if (r > 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return authcheck_usage_error("dns", "unknown option %s",
						     argv[i]);
		if (n == 2)
			return authcheck_usage_error(
			    "dns", "unexpected argument %s (after TYPE NAME)",
			    argv[i]);
		args[n++] = argv[i];
	}
	if (n != 2)
		return authcheck_usage_error("dns", "needs TYPE and NAME");
	if (!dns_type_parse(args[0], &type))
		return authcheck_usage_error(
		    "dns", "unsupported record type %s (one of %s)", args[0],
		    DNS_USAGE_TYPES);
	if (authcheck_resolver(ac, &resolver) < 0)
		return AUTHCHECK_EXIT_FAIL;
	if (dns_lookup(resolver, args[1], type, &res, &error) < 0) {
		fprintf(stderr, "authcheck: dns: %s\n", error);
		dns_resolver_free(&resolver);
		return AUTHCHECK_EXIT_FAIL;
	}
	printf(";; %s %s: %s, dnssec %s, ttl %u, %u ms\n", res->qname,
	       dns_type_str(type), dns_outcome_str(res->outcome),
	       dns_security_str(res->security), res->ttl, res->elapsed_ms);
	if (res->why_bogus != NULL)
		printf(";; bogus: %s\n", res->why_bogus);
	for (k = 0; k < res->count; k++)
		print_rr(res, &res->rrs[k]);
	dns_result_free(&res);
	dns_resolver_free(&resolver);
	return AUTHCHECK_EXIT_OK;
}
