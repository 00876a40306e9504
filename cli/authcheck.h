/*
 * authcheck.h - the `authcheck` subcommands and what they share.
 *
 * Each subcommand lives in its own cmd-NAME.c and has the signature
 * int cmd_NAME(struct authcheck *ac, int argc, char **argv), where argv[0]
 * is the subcommand name.  Exit codes: 0 the check ran (whatever the
 * verdict), 1 it could not run (I/O, resolver setup), 2 usage error.
 */
#ifndef AUTHCHECK_H
#define AUTHCHECK_H

#include "dns/dns.h"
#include "util/log.h"
#include "logsink.h"

#define AUTHCHECK_EXIT_OK 0
#define AUTHCHECK_EXIT_FAIL 1
#define AUTHCHECK_EXIT_USAGE 2

struct authcheck {
	struct logsink sink;
	struct ma_log log;
	struct dns_settings dns; /* filled from the common options */
};

/* The common DNS options every subcommand takes:
 *   --resolver-config FILE   libunbound configuration file
 *   --forwarder ADDR[@PORT]  (repeatable) forward to this server
 *   --dnssec                 validate with Debian's root trust anchor
 *   --timeout SECONDS        per DNS query
 * Returns 1 if argv[*i] (with its argument) was one of them and was
 * consumed, 0 if not, -1 on a bad value (message printed). */
int authcheck_dns_option(struct authcheck *ac, int argc, char **argv, int *i);
/* Help text for those options. */
extern const char authcheck_dns_usage[];

/* A usage error of subcommand `cmd`: prints "authcheck: CMD: PROBLEM"
 * and where the options are described, on stderr; returns
 * AUTHCHECK_EXIT_USAGE. */
int authcheck_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A MAIL FROM argument as the SMTP command has it: "<a@b>" -> "a@b",
 * "<>" -> "" (the null reverse-path); anything else as given.  Edits the
 * argument string in place (argv strings are writable). */
const char *authcheck_mail_from(char *arg);

/* A private-loop resolver from ac->dns; prints the error and returns -1
 * on failure (a --resolver-config or --trust-anchor file that cannot be
 * read is named, with the reason, in one line). */
int authcheck_resolver(struct authcheck *ac, struct dns_resolver **resolver_r);

int cmd_dns(struct authcheck *ac, int argc, char **argv);
int cmd_spf(struct authcheck *ac, int argc, char **argv);
int cmd_verify(struct authcheck *ac, int argc, char **argv);
int cmd_dkim_sign(struct authcheck *ac, int argc, char **argv);

#endif
