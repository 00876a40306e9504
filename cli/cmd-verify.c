/*
 * cmd-verify.c - `authcheck verify`: verify the DKIM signatures of a
 * message and print one Authentication-Results field (RFC 8601) with a
 * dkim= result per signature, with --dmarc a dmarc= result (RFC 9989,
 * verify-auth.h) and with --ip / --mail-from / --helo an spf= result.
 * The evaluation is lib/msgauth/msgauth.c's, the same code the Dovecot plugin
 * runs; this file does the I/O, the options and the printing.
 *
 *   authcheck verify [--keytable FILE] [--authserv-id ID]
 *       [--max-signatures N] [--accept-partial-body] [--time UNIX]
 *       [--ip ADDR --mail-from ADDR
 *       --helo NAME] [--dmarc] [--dmarc-psl] [--psl-file FILE]
 *       [--dmarc-history DIR [--rcpt-to DOMAIN] [--applied WORD]]
 *       [DNS options] [FILE|-]
 *
 * The message is streamed to the verifier in 64 KiB pieces; key lookups
 * go through the DNS layer (libunbound) unless --keytable is given.
 * Exit 0 whatever the verdict, 1 if the check could not run, 2 on a
 * usage error.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authcheck.h"
#include "dkim/dkim-keystore.h"
#include "util/arena.h"
#include "dmarc/dmarc.h"
#include "msgauth/msgauth.h"
#include "progopt.h"
#include "verify-auth.h"
#include "dmarc/dmarc-history.h"
#include "verify-history.h"

#define VERIFY_CHUNK 65536
/* DNS time budget: the CLI bounds each query (--timeout), not the
 * message. */
#define VERIFY_BUDGET_MS (3600 * 1000)

static void
verify_usage(FILE *fp)
{
	fprintf(fp,
		"usage: authcheck verify [--keytable FILE] [--authserv-id ID]\n"
		"         [--max-signatures N] [--accept-partial-body]\n"
		"         [--time UNIX] [--ip ADDR]\n"
		"         [--mail-from ADDR] [--helo NAME] [--dmarc|--no-dmarc]\n"
		"         [--dmarc-psl] [--psl-file FILE] [DNS options] [FILE|-]\n"
		"Prints one Authentication-Results field.\n"
		"options:\n"
		"  --keytable FILE        DKIM keys from FILE (lines \"SELECTOR._domainkey.DOMAIN\n"
		"                         RECORD\"), not DNS\n"
		"  --authserv-id ID       authserv-id of the field (default: host name)\n"
		"  --max-signatures N     verify at most N signatures (default 8;\n"
		"                         cheap failures such as a missing key\n"
		"                         do not count)\n"
		"  --accept-partial-body  a signature whose l= leaves part of\n"
		"                         the body unsigned passes (default:\n"
		"                         dkim=policy, not counted for DMARC)\n"
		"  --time UNIX            verify as at this time (x= expiry)\n"
		"%s%sDNS options:\n%s",
		verify_auth_usage, verify_history_usage, authcheck_dns_usage);
}

static int
verify_stream(struct msgauth *ma, const char *path)
{
	FILE *fp = path == NULL || strcmp(path, "-") == 0 ? stdin :
							      fopen(path, "rb");
	char *chunk;
	size_t n;
	int ret = 0;

	if (fp == NULL) {
		fprintf(stderr, "authcheck: %s: %s\n", path, strerror(errno));
		return -1;
	}
	chunk = malloc(VERIFY_CHUNK);
	while (chunk != NULL && (n = fread(chunk, 1, VERIFY_CHUNK, fp)) > 0)
		msgauth_push(ma, chunk, n);
	if (chunk == NULL || ferror(fp)) {
		fprintf(stderr, "authcheck: %s: read error\n",
			path != NULL ? path : "stdin");
		ret = -1;
	}
	free(chunk);
	if (fp != stdin)
		fclose(fp);
	return ret;
}

/* Where keys come from, and the resolver (needed for keys from DNS, SPF
 * and DMARC). */
static int
verify_sources(struct authcheck *ac, const char *keytable,
	       const struct verify_auth *va, struct dns_resolver **resolver_r,
	       struct dkim_keystore **keys_r)
{
	if (keytable != NULL) {
		struct arena *arena = arena_new(0);
		const char *err;

		if (dkim_keystore_new_table(keytable, arena, keys_r,
					    &err) < 0) {
			fprintf(stderr, "authcheck: verify: %s\n", err);
			arena_free(&arena);
			return -1;
		}
		arena_free(&arena);
		if (verify_auth_wanted(va) &&
		    authcheck_resolver(ac, resolver_r) < 0)
			return -1;
		return 0;
	}
	if (authcheck_resolver(ac, resolver_r) < 0)
		return -1;
	*keys_r = dkim_keystore_new_dns(*resolver_r, &ac->log);
	return 0;
}

static int
verify_message(struct authcheck *ac, const struct msgauth_settings *set,
	       struct dns_resolver *resolver, struct dkim_keystore *keys,
	       const struct verify_auth *va, const struct verify_history *vh,
	       const char *input)
{
	struct msgauth *ma;
	const char *err;
	int ret = AUTHCHECK_EXIT_FAIL;

	if (msgauth_new(set, resolver, keys, &ac->log, &va->spf_req, &ma,
			&err) < 0) {
		fprintf(stderr, "authcheck: verify: %s%s\n",
			va->spf_wanted ? "spf: " : "", err);
		return AUTHCHECK_EXIT_FAIL;
	}
	if (verify_stream(ma, input) == 0) {
		if (msgauth_run(ma, &err) < 0) {
			fprintf(stderr, "authcheck: verify: %s\n", err);
		} else {
			printf("Authentication-Results: %s\n",
			       msgauth_authres_value(ma, false));
			ret = verify_history_write(vh, ma, set->now != 0 ?
							   set->now : time(NULL),
						   set->authserv_id) < 0 ?
				      AUTHCHECK_EXIT_FAIL : AUTHCHECK_EXIT_OK;
		}
	}
	msgauth_free(&ma);
	return ret;
}

static int
verify_run(struct authcheck *ac, const char *keytable,
	   struct msgauth_settings *set, struct verify_auth *va,
	   struct verify_history *vh, const char *input)
{
	struct dns_resolver *resolver = NULL;
	struct dkim_keystore *keys = NULL;
	struct dmarc_psl *psl = NULL;
	const char *err;
	int ret = AUTHCHECK_EXIT_FAIL;

	if (keytable != NULL)
		verify_auth_offline(va);
	set->spf_source = va->spf_wanted ? MSGAUTH_SPF_CHECK : MSGAUTH_SPF_OFF;
	set->dmarc_off = !va->dmarc_wanted;
	if (va->dmarc_wanted && va->use_psl) {
		if (dmarc_psl_load(va->psl_file, &psl, &err) < 0) {
			fprintf(stderr, "authcheck: verify: %s\n", err);
			return AUTHCHECK_EXIT_FAIL;
		}
		set->psl = psl;
		vh->psl = true;
	}
	if (verify_sources(ac, keytable, va, &resolver, &keys) == 0)
		ret = verify_message(ac, set, resolver, keys, va, vh, input);
	dkim_keystore_free(&keys);
	dns_resolver_free(&resolver);
	dmarc_psl_free(&psl);
	return ret;
}

/* verify's own options (the DNS and SPF/DMARC ones are
 * authcheck_dns_option's and verify_auth_option's). */
enum verify_opt {
	VERIFY_HELP,
	VERIFY_KEYTABLE,
	VERIFY_AUTHSERV_ID,
	VERIFY_MAX_SIGNATURES,
	VERIFY_PARTIAL_BODY,
	VERIFY_TIME,
};
static const struct progopt_def verify_opts[] = {
	[VERIFY_HELP] = {"--help", 0},
	[VERIFY_KEYTABLE] = {"--keytable", 1},
	[VERIFY_AUTHSERV_ID] = {"--authserv-id", 1},
	[VERIFY_MAX_SIGNATURES] = {"--max-signatures", 1},
	[VERIFY_PARTIAL_BODY] = {"--accept-partial-body", 0},
	[VERIFY_TIME] = {"--time", 1},
	{NULL, 0},
};

struct verify_args {
	struct msgauth_settings set;
	const char *input, *keytable, *authserv_id;
};

/* One of verify's own options (opt from progopt_find, value val):
 * 0, 1 for --help (usage printed), or -1 (usage error printed). */
static int
verify_option(int opt, const char *arg, const char *val,
	      struct verify_args *v)
{
	char *end;

	switch (opt) {
	case VERIFY_HELP:
		verify_usage(stdout);
		return 1;
	case VERIFY_KEYTABLE:
		v->keytable = val;
		return 0;
	case VERIFY_AUTHSERV_ID:
		v->authserv_id = val;
		return 0;
	case VERIFY_MAX_SIGNATURES:
		v->set.max_signatures = (unsigned int)strtoul(val, &end, 10);
		if (*end != '\0' || v->set.max_signatures == 0) {
			authcheck_usage_error("verify", "--max-signatures "
					      "%s: want a number > 0", val);
			return -1;
		}
		return 0;
	case VERIFY_PARTIAL_BODY:
		v->set.dkim_accept_partial_body = true;
		return 0;
	case VERIFY_TIME:
		v->set.now = (time_t)strtoll(val, &end, 10);
		if (*end != '\0' || v->set.now <= 0) {
			authcheck_usage_error("verify", "--time %s: want "
					      "seconds since 1970", val);
			return -1;
		}
		return 0;
	case PROGOPT_NO_VALUE:
		authcheck_usage_error("verify", "%s needs a value", arg);
		return -1;
	}
	if (arg[0] == '-' && arg[1] != '\0') {
		authcheck_usage_error("verify", "unknown option %s", arg);
		return -1;
	}
	if (v->input != NULL) {
		authcheck_usage_error("verify", "unexpected argument %s "
				      "(one message: FILE or -)", arg);
		return -1;
	}
	v->input = arg;
	return 0;
}

int
cmd_verify(struct authcheck *ac, int argc, char **argv)
{
	struct verify_args v;
	struct msgauth_settings *set = &v.set;
	struct verify_auth vauth, *va = &vauth;
	struct verify_history vhist;
	const char *authserv_id, *val;
	char host[256];
	int i, r, opt, ret = AUTHCHECK_EXIT_USAGE;

	memset(&v, 0, sizeof(v));
	set->time_budget_ms = VERIFY_BUDGET_MS;
	verify_auth_init(va);
	memset(&vhist, 0, sizeof(vhist));
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--help") != 0) {
			if ((r = authcheck_dns_option(ac, argc, argv, &i)) < 0)
				goto out;
			if (r > 0)
				continue;
			if ((r = verify_auth_option(va, argc, argv, &i)) < 0)
				goto out;
			if (r > 0)
				continue;
			if ((r = verify_history_option(&vhist, argc, argv,
						       &i)) < 0)
				goto out;
			if (r > 0)
				continue;
		}
		opt = progopt_find(verify_opts, argc, argv, &i, &val);
		if ((r = verify_option(opt, arg, val, &v)) != 0) {
			ret = r > 0 ? AUTHCHECK_EXIT_OK : AUTHCHECK_EXIT_USAGE;
			goto out;
		}
	}
	if (verify_auth_check(va) < 0)
		goto out;
	authserv_id = v.authserv_id;
	if (authserv_id == NULL) {
		if (gethostname(host, sizeof(host)) < 0)
			strcpy(host, "localhost");
		host[sizeof(host) - 1] = '\0';
		authserv_id = host;
	}
	set->authserv_id = authserv_id;
	/* the header for a DMARC failure report, as dkimcheck keeps it */
	if (vhist.dir != NULL)
		set->header_copy_max = DMARC_HISTORY_MAX_HEADER;
	ret = verify_run(ac, v.keytable, set, va, &vhist, v.input);
out:
	return ret;
}
