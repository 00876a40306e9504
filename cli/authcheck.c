/*
 * authcheck - check a saved message, an SPF question or a DNS name by
 * hand, with the same library code the daemons and the plugin use.
 *
 *	authcheck dns TYPE NAME [--resolver-config FILE]
 *	authcheck spf --ip ADDR --mail-from ADDR --helo NAME [...]
 *	authcheck verify [...] [FILE|-]
 *	authcheck dkim-sign --domain D --selector S --key FILE [...] [FILE|-]
 *
 * See authcheck(1).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "authcheck.h"
#include "progfatal.h"
#include "progopt.h"
#include "progout.h"
#include "util/xalloc.h"

static const struct {
	const char *name;
	int (*fn)(struct authcheck *ac, int argc, char **argv);
	const char *summary;
} commands[] = {
	{"dns", cmd_dns, "look up a DNS name (TXT, A, AAAA, MX, PTR, ...)"},
	{"spf", cmd_spf, "evaluate SPF for an IP, MAIL FROM and HELO"},
	{"verify", cmd_verify, "verify DKIM/DMARC of a message"},
	{"dkim-sign", cmd_dkim_sign, "DKIM-sign a message"},
};

const char authcheck_dns_usage[] =
	"  --resolver-config FILE  libunbound configuration (local-data, forwarders)\n"
	"  --forwarder ADDR[@PORT] send queries to this resolver (repeatable)\n"
	"  --dnssec                validate with " DNS_DEBIAN_ROOT_KEY "\n"
	"  --trust-anchor FILE     validate with the DS/DNSKEY records in FILE\n"
	"  --timeout SECONDS       per-query timeout (default 10)\n";

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: authcheck COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\n'authcheck COMMAND --help' describes each command.\n"
		    "'authcheck --version' prints the version.\n");
}

int
authcheck_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "authcheck: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n('authcheck %s --help' lists the options)\n", cmd);
	return AUTHCHECK_EXIT_USAGE;
}

const char *
authcheck_mail_from(char *arg)
{
	size_t len = strlen(arg);

	if (len >= 2 && arg[0] == '<' && arg[len - 1] == '>') {
		arg[len - 1] = '\0';
		return arg + 1;
	}
	return arg;
}

/* One line for a file option that cannot be read, instead of
 * libunbound's message and ours. */
static int
readable(const char *opt, const char *path)
{
	FILE *fp;

	if (path == NULL)
		return 0;
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "authcheck: %s %s: %s\n", opt, path,
			strerror(errno));
		return -1;
	}
	fclose(fp);
	return 0;
}

int
authcheck_dns_option(struct authcheck *ac, int argc, char **argv, int *i)
{
	static const char *fwd[17];
	static size_t nfwd;
	const char *opt = argv[*i];
	const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;

	if (strcmp(opt, "--dnssec") == 0) {
		ac->dns.trust_anchor_file = DNS_DEBIAN_ROOT_KEY;
		return 1;
	}
	if (strcmp(opt, "--resolver-config") != 0 &&
	    strcmp(opt, "--trust-anchor") != 0 &&
	    strcmp(opt, "--forwarder") != 0 && strcmp(opt, "--timeout") != 0)
		return 0;
	if (val == NULL) {
		fprintf(stderr, "authcheck: %s needs an argument\n", opt);
		return -1;
	}
	(*i)++;
	if (strcmp(opt, "--resolver-config") == 0) {
		ac->dns.resolver_config = val;
	} else if (strcmp(opt, "--trust-anchor") == 0) {
		ac->dns.trust_anchor_file = val;
	} else if (strcmp(opt, "--forwarder") == 0) {
		if (nfwd + 1 >= sizeof(fwd) / sizeof(fwd[0])) {
			fprintf(stderr, "authcheck: too many --forwarder\n");
			return -1;
		}
		fwd[nfwd++] = val;
		ac->dns.forwarders = fwd;
	} else {
		char *end;
		double s = strtod(val, &end);

		if (*end != '\0' || s <= 0 || s > 3600) {
			fprintf(stderr, "authcheck: bad --timeout '%s'\n", val);
			return -1;
		}
		ac->dns.timeout_ms = (unsigned int)(s * 1000);
	}
	return 1;
}

int
authcheck_resolver(struct authcheck *ac, struct dns_resolver **resolver_r)
{
	const char *error;

	if (readable("--resolver-config", ac->dns.resolver_config) < 0 ||
	    (ac->dns.trust_anchor_file != NULL &&
	     readable(strcmp(ac->dns.trust_anchor_file, DNS_DEBIAN_ROOT_KEY) == 0 ?
			      "--dnssec: trust anchor" : "--trust-anchor",
		      ac->dns.trust_anchor_file) < 0))
		return -1;
	if (dns_resolver_new(&ac->dns, NULL, &ac->log, resolver_r, &error) < 0) {
		fprintf(stderr, "authcheck: resolver: %s%s%s\n", error,
			ac->dns.resolver_config != NULL ? ": " : "",
			ac->dns.resolver_config != NULL ? ac->dns.resolver_config : "");
		return -1;
	}
	return 0;
}

/* The command's exit status, unless its output did not all reach stdout
 * (a full disk, `> /dev/full`): then 1, with "authcheck: write error:
 * REASON" (common/progout.h). */
static int
finish(int status)
{
	struct progout out = PROGOUT_INIT;

	if (progout_close(&out, "authcheck") < 0 && status == AUTHCHECK_EXIT_OK)
		return AUTHCHECK_EXIT_FAIL;
	return status;
}

int
main(int argc, char **argv)
{
	struct authcheck ac;
	size_t i;

	memset(&ac, 0, sizeof(ac));
	logsink_init(&ac.sink, &ac.log, "authcheck", LOGSINK_STDERR, NULL,
		     getenv("AUTHCHECK_DEBUG") != NULL);
	ac.log.min_level = getenv("AUTHCHECK_DEBUG") != NULL ? MA_LOG_DEBUG :
							       MA_LOG_WARN;
	progfatal_install(&ac.sink, AUTHCHECK_EXIT_FAIL);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		if (argc < 2)
			fprintf(stderr, "authcheck: no command given\n");
		usage(argc < 2 ? stderr : stdout);
		return finish(argc < 2 ? AUTHCHECK_EXIT_USAGE : AUTHCHECK_EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		progopt_version("authcheck");
		return finish(AUTHCHECK_EXIT_OK);
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return finish(commands[i].fn(&ac, argc - 1, argv + 1));
	}
	fprintf(stderr, "authcheck: unknown command '%s' (one of", argv[1]);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, " %s", commands[i].name);
	fprintf(stderr, "; 'authcheck --help' describes them)\n");
	return AUTHCHECK_EXIT_USAGE;
}
